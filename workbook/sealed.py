"""The one rule for rows that are private to their author or shared with the couple.

Private rows are sealed with the author's private key, shared rows with the space key,
and the associated data names the owner (the author's id, or "shared"): a row whose
visibility is flipped in the database no longer opens. Reads filter by space and by
"mine or shared" in SQL before anything is opened. Journal entries, wellbeing results
and care-team contacts all use this module, so the rule is written once.
"""

from __future__ import annotations

from sqlalchemy import Table, and_, or_, select, update

from workbook import vault
from workbook.spaces import Member

PRIVATE, SHARED = "private", "shared"


def check_visibility(visibility: str) -> None:
    if visibility not in (PRIVATE, SHARED):
        raise ValueError(f"visibility must be '{PRIVATE}' or '{SHARED}'")


def key_for(member: Member, visibility: str) -> vault.Key:
    return member.private_key if visibility == PRIVATE else member.space_key


def place(
    table: str, column: str, row_id: str, space_id: str, visibility: str, author_id: str
) -> bytes:
    owner = author_id if visibility == PRIVATE else SHARED
    return vault.ad(table, column, row_id, space_id, owner)


def seal(member: Member, table: str, column: str, row_id: str, visibility: str, text: str) -> bytes:
    """Seal a field of the member's own row."""
    return vault.seal(
        key_for(member, visibility),
        text,
        place(table, column, row_id, member.space_id, visibility, member.partner_id),
    )


def open_field(member: Member, table: str, column: str, row) -> str:
    """Open a field of a row the member may read (theirs, or shared)."""
    return vault.open_text(
        key_for(member, row.visibility),
        getattr(row, column),
        place(table, column, row.id, row.space_id, row.visibility, row.author_id),
    )


def visible_to(table: Table, member: Member):
    """SQL condition: rows of the member's space that are shared or their own."""
    return and_(
        table.c.space_id == member.space_id,
        or_(table.c.visibility == SHARED, table.c.author_id == member.partner_id),
    )


def own_row(conn, table: Table, member: Member, row_id: str):
    """The member's own row of ``table`` with this id, or None (not theirs, or gone)."""
    return conn.execute(
        select(table).where(
            table.c.id == row_id,
            table.c.space_id == member.space_id,
            table.c.author_id == member.partner_id,
        )
    ).first()


def change_visibility(conn, member: Member, table: Table, column: str, row, visibility: str) -> str:
    """Re-seal one of the member's own rows under the other key; returns its plaintext.

    Opening and re-sealing happen in the caller's transaction, so the row is never
    left readable by the wrong person, nor unreadable by the right one.
    """
    check_visibility(visibility)
    plaintext = open_field(member, table.name, column, row)
    if row.visibility != visibility:
        conn.execute(
            update(table)
            .where(table.c.id == row.id)
            .values(
                {
                    "visibility": visibility,
                    column: seal(member, table.name, column, row.id, visibility, plaintext),
                }
            )
        )
    return plaintext
