"""Owning your data: a new recovery key, deleting, leaving, and an encrypted backup.

Every destructive action here runs in one transaction and deletes rows for real
(SQLite's secure_delete overwrites them; a WAL checkpoint then clears the log).
Backup files are made and restored in ``workbook.backup`` (re-exported here).
"""

from __future__ import annotations

from sqlalchemy import Engine, delete, select, text, update

from workbook import rotation, spaces, throttle, vault
from workbook.backup import (  # noqa: F401  (re-exported: pages and tests use owndata.*)
    BACKUP_TABLES,
    MAGIC,
    BackupError,
    make_backup,
    restore_backup,
)
from workbook.spaces import Member, SpaceError
from workbook.store import Db
from workbook.tables import (
    agreements,
    care_contacts,
    exercises_done,
    invites,
    partners,
    preferences,
    readiness_answers,
    reflections,
    together_answers,
    wellbeing_results,
)
from workbook.tables import spaces as spaces_table

AUTHORED = (
    reflections,
    together_answers,
    readiness_answers,
    exercises_done,
    wellbeing_results,
    care_contacts,
)


def regenerate_recovery(db: Db, member: Member, passphrase: str) -> str:
    """A new recovery key; the old one stops working at once. Needs the passphrase."""
    if not spaces.verify_passphrase(db, member, passphrase):
        raise SpaceError("Your passphrase does not match. Check capital letters and try again.")
    token = vault.new_token()
    wrap = vault.wrap_keys(
        vault.derive_from_token(token, db.pepper, "recovery"),
        [member.private_key, member.space_key],
        vault.ad(
            "partners", "recovery_wrap", member.partner_id, member.space_id, member.partner_id
        ),
    )
    with db.engine.begin() as conn:
        rotation.require_current_key(conn, member, SpaceError)
        conn.execute(
            update(partners).where(partners.c.id == member.partner_id).values(recovery_wrap=wrap)
        )
    return vault.format_token(token)


def _tidy(engine: Engine) -> None:
    """After a delete on SQLite, fold the write-ahead log back so old pages are gone."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))


def delete_my_entries(db: Db, member: Member) -> int:
    """Delete everything this partner wrote (not agreements, which belong to both)."""
    removed = 0
    with db.engine.begin() as conn:
        for table in AUTHORED:
            removed += conn.execute(
                delete(table).where(
                    table.c.space_id == member.space_id, table.c.author_id == member.partner_id
                )
            ).rowcount
        conn.execute(delete(preferences).where(preferences.c.partner_id == member.partner_id))
    _tidy(db.engine)
    return removed


def leave_space(db: Db, member: Member) -> None:
    """Remove this partner and all they wrote; the last partner out deletes the space."""
    with db.engine.begin() as conn:
        # First, so it waits for writes in flight and every session of the space ends.
        rotation.mark_partner_left(conn, member.space_id)
        others = conn.execute(
            select(partners.c.id).where(
                partners.c.space_id == member.space_id, partners.c.id != member.partner_id
            )
        ).all()
        for table in AUTHORED:
            conn.execute(delete(table).where(table.c.author_id == member.partner_id))
        conn.execute(
            update(agreements)
            .where(agreements.c.author_id == member.partner_id)
            .values(author_id=None)
        )
        conn.execute(delete(preferences).where(preferences.c.partner_id == member.partner_id))
        throttle.forget(
            conn,
            conn.execute(select(partners.c.login_hash).where(partners.c.id == member.partner_id))
            .scalars()
            .all(),
        )
        conn.execute(delete(partners).where(partners.c.id == member.partner_id))
        if not others:
            _delete_space(conn, member.space_id)
        # Otherwise the one who stays re-keys the space at their next sign-in.
    _tidy(db.engine)


def _delete_space(conn, space_id: str) -> None:
    # The partners' throttle rows go too: nothing about them stays behind.
    throttle.forget(
        conn,
        conn.execute(select(partners.c.login_hash).where(partners.c.space_id == space_id))
        .scalars()
        .all(),
    )
    for table in reversed(BACKUP_TABLES):
        conn.execute(
            delete(table).where(table.c.space_id == space_id)
            if table is not spaces_table
            else delete(table).where(table.c.id == space_id)
        )
    conn.execute(delete(invites).where(invites.c.space_id == space_id))


def delete_space(db: Db, member: Member, typed_name: str) -> None:
    """Delete the whole space, both partners' words included, after a typed confirmation."""
    if " ".join(typed_name.split()).casefold() != member.space_name.casefold():
        raise SpaceError(
            f"To delete everything, type the name of your space exactly: {member.space_name}"
        )
    with db.engine.begin() as conn:
        _delete_space(conn, member.space_id)
    _tidy(db.engine)
