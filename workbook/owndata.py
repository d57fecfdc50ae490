"""Owning your data: a new recovery key, deleting, leaving, and an encrypted backup.

Every destructive action here runs in one transaction and deletes rows for real
(SQLite's secure_delete overwrites them; a WAL checkpoint then clears the log).

Backup file format (version 1)::

    b"WORKBOOK-BACKUP-1\\n"          magic line
    JSON header line                 {"kdf": "argon2id:m=..,t=..,p=..", "salt": base64}
    envelope                         vault.seal_bytes of zlib(JSON of every row of the
                                     space, ciphertexts kept as they are, base64)

The file key comes from the partner's passphrase (Argon2id, fresh salt, no instance
secret, so the file opens anywhere). The rows inside stay encrypted as in the
database, and their keys are wrapped with the instance secret: restoring into a fresh
install therefore needs both the passphrase and the same instance secret.
"""

from __future__ import annotations

import base64
import json
import zlib
from datetime import datetime

from sqlalchemy import Engine, LargeBinary, delete, insert, select, text, update

from workbook import rotation, spaces, throttle, vault
from workbook.spaces import Member, SpaceError
from workbook.store import (
    Db,
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
from workbook.store import spaces as spaces_table

MAGIC = b"WORKBOOK-BACKUP-1\n"
# Parents before children, so a restore satisfies every foreign key.
BACKUP_TABLES = (
    spaces_table,
    partners,
    reflections,
    together_answers,
    agreements,
    readiness_answers,
    exercises_done,
    wellbeing_results,
    care_contacts,
    preferences,
)
AUTHORED = (
    reflections,
    together_answers,
    readiness_answers,
    exercises_done,
    wellbeing_results,
    care_contacts,
)


class BackupError(ValueError):
    """A backup could not be opened or restored; ``str()`` is a kind message."""


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


def _encode(value):
    if isinstance(value, bytes | bytearray | memoryview):
        return {"b64": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    return value


def _decode(column, value):
    if isinstance(value, dict) and "b64" in value:
        return base64.b64decode(value["b64"])
    if isinstance(value, dict) and "dt" in value:
        return datetime.fromisoformat(value["dt"])
    if isinstance(column.type, LargeBinary) and value is not None:
        raise BackupError("This backup file is damaged.")
    return value


def make_backup(db: Db, member: Member, passphrase: str) -> bytes:
    """The whole space, still encrypted, sealed again under the partner's passphrase."""
    if not spaces.verify_passphrase(db, member, passphrase):
        raise SpaceError("Your passphrase does not match. Check capital letters and try again.")
    rows: dict[str, list[dict]] = {}
    with db.engine.connect() as conn:
        for table in BACKUP_TABLES:
            where = (table.c.id if table is spaces_table else table.c.space_id) == member.space_id
            rows[table.name] = [
                {k: _encode(v) for k, v in r._mapping.items()}
                for r in conn.execute(select(table).where(where))
            ]
    payload = zlib.compress(
        json.dumps({"version": 1, "space_id": member.space_id, "tables": rows}).encode()
    )
    salt = vault.new_salt()
    key = vault.derive_kek(passphrase, salt, db.kdf, None)
    header = json.dumps({"kdf": db.kdf.encode(), "salt": base64.b64encode(salt).decode()})
    return MAGIC + header.encode() + b"\n" + vault.seal_bytes(key, payload, MAGIC)


def _open_backup(data: bytes, passphrase: str) -> dict:
    if not data.startswith(MAGIC):
        raise BackupError("This file is not a workbook backup.")
    try:
        header_line, envelope = data[len(MAGIC) :].split(b"\n", 1)
        header = json.loads(header_line)
        params = vault.KdfParams.decode(header["kdf"])
        salt = base64.b64decode(header["salt"])
    except (ValueError, KeyError, vault.VaultError) as exc:
        raise BackupError("This backup file is damaged.") from exc
    key = vault.derive_kek(passphrase, salt, params, None)
    try:
        return json.loads(zlib.decompress(vault.open_bytes(key, envelope, MAGIC)))
    except vault.VaultError as exc:
        raise BackupError(
            "That passphrase does not open this backup. Use the passphrase "
            "you had when you made it."
        ) from exc


def restore_backup(db: Db, data: bytes, passphrase: str) -> int:
    """Put a space back from a backup file; returns how many rows were restored."""
    content = _open_backup(data, passphrase)
    tables = {t.name: t for t in BACKUP_TABLES}
    count = 0
    with db.engine.begin() as conn:
        exists = conn.execute(
            select(spaces_table.c.id).where(spaces_table.c.id == content["space_id"])
        ).first()
        if exists:
            raise BackupError("This space is already here, so there is nothing to restore.")
        for name in (t.name for t in BACKUP_TABLES):
            table = tables[name]
            for row in content["tables"].get(name, []):
                values = {k: _decode(table.c[k], v) for k, v in row.items() if k in table.c}
                if (
                    name == "partners"
                    and conn.execute(
                        select(partners.c.id).where(partners.c.login_hash == values["login_hash"])
                    ).first()
                ):
                    raise BackupError("A sign-in name in this backup is already used here.")
                conn.execute(insert(table).values(**values))
                count += 1
    return count
