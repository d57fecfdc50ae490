"""The couple's own care team: doctor, midwife, therapist, clinic, with notes.

Each contact is one encrypted JSON field, private to its author or shared with the
partner (the same rule as journal entries, from ``workbook.sealed``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import delete, insert, select

from workbook import readable, rotation, sealed
from workbook.cleantext import has_words
from workbook.spaces import Member
from workbook.store import Db, new_id, now
from workbook.tables import care_contacts

TABLE, COLUMN = "care_contacts", "contact_ct"
ROLES = ("Doctor or GP", "Midwife", "Therapist or counsellor", "Clinic or hospital", "Other")
LIMITS = {"name": 120, "phone": 40, "email": 200, "notes": 2_000}


class CareTeamError(ValueError):
    """A contact could not be saved; ``str()`` is a kind message."""


@dataclass(frozen=True)
class Contact:
    id: str
    author_id: str
    visibility: str
    role: str
    name: str
    phone: str = ""
    email: str = ""
    notes: str = ""


def _payload(role: str, name: str, phone: str, email: str, notes: str) -> str:
    if role not in ROLES:
        raise CareTeamError("Please choose who this is.")
    fields = {
        "name": name.strip(),
        "phone": phone.strip(),
        "email": email.strip(),
        "notes": notes.strip(),
    }
    if not has_words(fields["name"]):  # empty, or only invisible characters
        raise CareTeamError(
            "Please write a name, for example 'Dr Patel' or 'Early pregnancy unit'."
        )
    for key, limit in LIMITS.items():
        if len(fields[key]) > limit:
            raise CareTeamError(f"Please keep the {key} under {limit:,} characters.")
    return json.dumps({"role": role, **fields})


def add(
    db: Db,
    member: Member,
    *,
    role: str,
    name: str,
    phone: str = "",
    email: str = "",
    notes: str = "",
    visibility: str = sealed.PRIVATE,
) -> Contact:
    sealed.check_visibility(visibility)
    payload = _payload(role, name, phone, email, notes)
    row_id, stamp = new_id(), now()
    with db.engine.begin() as conn:
        rotation.require_current_key(conn, member, CareTeamError)
        conn.execute(
            insert(care_contacts).values(
                id=row_id,
                space_id=member.space_id,
                author_id=member.partner_id,
                visibility=visibility,
                contact_ct=sealed.seal(member, TABLE, COLUMN, row_id, visibility, payload),
                created_at=stamp,
                updated_at=stamp,
            )
        )
    return Contact(row_id, member.partner_id, visibility, **json.loads(payload))


def contacts(db: Db, member: Member) -> list[Contact]:
    """The member's own contacts and those their partner shared."""
    with db.reads.connect() as conn:
        rows = conn.execute(
            select(care_contacts)
            .where(sealed.visible_to(care_contacts, member))
            .order_by(care_contacts.c.created_at, care_contacts.c.id)
        ).all()
    return readable.open_all(
        rows,
        lambda r: Contact(
            r.id,
            r.author_id,
            r.visibility,
            **json.loads(sealed.open_field(member, TABLE, COLUMN, r)),
        ),
    )


def _own(conn, member: Member, contact_id: str):
    row = sealed.own_row(conn, care_contacts, member, contact_id)
    if row is None:
        raise CareTeamError("Only the person who added a contact can change it.")
    return row


def set_visibility(db: Db, member: Member, contact_id: str, visibility: str) -> None:
    with db.engine.begin() as conn:
        rotation.require_current_key(conn, member, CareTeamError)
        row = _own(conn, member, contact_id)
        sealed.change_visibility(conn, member, care_contacts, COLUMN, row, visibility)


def remove(db: Db, member: Member, contact_id: str) -> None:
    with db.engine.begin() as conn:
        _own(conn, member, contact_id)
        conn.execute(delete(care_contacts).where(care_contacts.c.id == contact_id))
