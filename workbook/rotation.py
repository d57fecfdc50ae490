"""Re-key a space after a partner leaves (SECURITY.md, "Partner leaves").

The partner who left may have kept a copy of the old space key. So the partner who
stays re-encrypts every row sealed with the space key under a new one, in one
transaction, at their next sign-in. The new key is sealed under their own private
key (``partners.space_wrap``), which is why a recovery key made before the re-key
still works: it opens the private key, and the private key opens the new space key.

Each row keeps its associated data (table, column, row, space, "shared"), so only
the key changes. Open invites are deleted: they carry the old key.

The rules that keep this safe with many sessions and processes, all enforced by the
database rather than by reads in Python:

- A leave raises ``spaces.key_epoch`` and sets ``rotate_due`` in its transaction.
  Every session remembers the epoch it opened under, so every open session of the
  space (the leaver's and the stayer's) ends at its next action.
- The re-key is claimed with one conditional UPDATE (``WHERE rotate_due``): of two
  sign-ins at once, on one process or two, exactly one claims it; the other waits for
  the row lock and then reads the new key.
- Every write that seals with a key starts with ``require_current_key``: a conditional
  UPDATE of the space row, in the write's own transaction. It refuses a session whose
  epoch is old or whose space is waiting for a re-key, and it holds the space row until
  the write commits, so a re-key can never miss a row written under the old key.
- Invites and joins are refused while a re-key is due, so after a leave exactly one
  partner remains to re-key, and anyone who joins later gets the new key.
"""

from __future__ import annotations

from sqlalchemy import Table, delete, false, select, true, update

from workbook import text, vault
from workbook.tables import (
    agreements,
    care_contacts,
    exercises_done,
    invites,
    partners,
    readiness_answers,
    reflections,
    spaces,
    together_answers,
    wellbeing_results,
)
from workbook.vault import Key

# (table, column, only the rows shared with the couple?)
SPACE_SEALED: tuple[tuple[Table, str, bool], ...] = (
    (partners, "name_ct", False),
    (reflections, "body_ct", True),
    (together_answers, "body_ct", False),
    (agreements, "body_ct", False),
    (readiness_answers, "answers_ct", False),
    (exercises_done, "note_ct", False),
    (wellbeing_results, "result_ct", True),
    (care_contacts, "contact_ct", True),
)


def space_wrap_ad(partner_id: str, space_id: str) -> bytes:
    return vault.ad("partners", "space_wrap", partner_id, space_id, partner_id)


def _reseal(old: Key, new: Key, envelope: bytes, place: bytes) -> bytes:
    return vault.seal_bytes(new, vault.open_bytes(old, envelope, place), place)


def require_current_key(conn, member, error: type[Exception] = ValueError) -> None:
    """Refuse a write from a session whose space key is no longer the space's key.

    Must be the first statement of the write's transaction: it is an UPDATE, so on
    SQLite it takes the write lock at once and on PostgreSQL it locks the space row
    until commit (a re-key or a leave waits for it, and it waits for them).
    ``member`` is a ``spaces.Member``; ``error`` is the caller's kind error class.
    """
    matched = conn.execute(
        update(spaces)
        .where(
            spaces.c.id == member.space_id,
            spaces.c.key_epoch == member.key_epoch,
            spaces.c.rotate_due == false(),
        )
        .values(key_epoch=spaces.c.key_epoch)
    ).rowcount
    if matched != 1:
        raise error(text.KEY_CHANGED)


def mark_partner_left(conn, space_id: str) -> None:
    """A partner left: every session of the space ends, and a re-key is due.

    First statement of the leave transaction, so it waits for writes in flight.
    """
    conn.execute(
        update(spaces)
        .where(spaces.c.id == space_id)
        .values(rotate_due=True, key_epoch=spaces.c.key_epoch + 1)
    )
    conn.execute(delete(invites).where(invites.c.space_id == space_id))


def claim(conn, space_id: str) -> bool:
    """True for exactly one caller once a re-key is due (a conditional UPDATE).

    Another caller at the same moment blocks on the row lock, then matches no row.
    """
    return (
        conn.execute(
            update(spaces)
            .where(spaces.c.id == space_id, spaces.c.rotate_due == true())
            .values(rotate_due=False, key_epoch=spaces.c.key_epoch + 1)
        ).rowcount
        == 1
    )


def rotate(conn, space_id: str, partner_id: str, private_key: Key, old: Key) -> Key:
    """Re-encrypt the space under a new key; returns it. Runs inside the caller's
    transaction after ``claim`` returned True, so a crash leaves either the old key
    everywhere or the new one, and it runs once per leave."""
    new = Key.new()
    name = conn.execute(select(spaces.c.name_ct).where(spaces.c.id == space_id)).scalar_one()
    place = vault.ad("spaces", "name_ct", space_id, space_id, "shared")
    conn.execute(
        update(spaces).where(spaces.c.id == space_id).values(name_ct=_reseal(old, new, name, place))
    )
    for table, column, shared_only in SPACE_SEALED:
        query = select(table.c.id, table.c[column]).where(table.c.space_id == space_id)
        if shared_only:
            query = query.where(table.c.visibility == "shared")
        for row_id, envelope in conn.execute(query).all():
            place = vault.ad(table.name, column, row_id, space_id, "shared")
            try:
                resealed = _reseal(old, new, envelope, place)
            except vault.VaultError:
                # A row no key of this space opens (written by an older release under
                # a key that was already replaced). Keeping it as it is never locks
                # anyone out; reads skip it with a note (``sealed.Readable``).
                continue
            conn.execute(update(table).where(table.c.id == row_id).values({column: resealed}))
    conn.execute(delete(invites).where(invites.c.space_id == space_id))
    conn.execute(
        update(partners)
        .where(partners.c.id == partner_id)
        .values(space_wrap=vault.wrap_keys(private_key, [new], space_wrap_ad(partner_id, space_id)))
    )
    return new
