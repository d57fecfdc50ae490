"""Re-key a space after a partner leaves (SECURITY.md, "Partner leaves").

The partner who left may have kept a copy of the old space key. So the partner who
stays re-encrypts every row sealed with the space key under a new one, in one
transaction, at their next sign-in. The new key is sealed under their own private
key (``partners.space_wrap``), which is why a recovery key made before the re-key
still works: it opens the private key, and the private key opens the new space key.

Each row keeps its associated data (table, column, row, space, "shared"), so only
the key changes. Open invites are deleted: they carry the old key.
"""

from __future__ import annotations

from sqlalchemy import Table, delete, select, update

from workbook import vault
from workbook.store import (
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


def rotate(conn, space_id: str, partner_id: str, private_key: Key, old: Key) -> Key:
    """Re-encrypt the space under a new key; returns it. Runs inside the caller's
    transaction, so a crash leaves either the old key everywhere or the new one."""
    new = Key.new()
    name = conn.execute(select(spaces.c.name_ct).where(spaces.c.id == space_id)).scalar_one()
    place = vault.ad("spaces", "name_ct", space_id, space_id, "shared")
    conn.execute(
        update(spaces)
        .where(spaces.c.id == space_id)
        .values(name_ct=_reseal(old, new, name, place), rotate_due=False)
    )
    for table, column, shared_only in SPACE_SEALED:
        query = select(table.c.id, table.c[column]).where(table.c.space_id == space_id)
        if shared_only:
            query = query.where(table.c.visibility == "shared")
        for row_id, envelope in conn.execute(query).all():
            place = vault.ad(table.name, column, row_id, space_id, "shared")
            conn.execute(
                update(table)
                .where(table.c.id == row_id)
                .values({column: _reseal(old, new, envelope, place)})
            )
    conn.execute(delete(invites).where(invites.c.space_id == space_id))
    conn.execute(
        update(partners)
        .where(partners.c.id == partner_id)
        .values(space_wrap=vault.wrap_keys(private_key, [new], space_wrap_ad(partner_id, space_id)))
    )
    return new
