"""Encrypted backup files: making one, and restoring one safely.

Restore is reachable from the sign-in page without an account, so everything in the
file is treated as an attacker's input until proven otherwise (issue 11, section 2):

- The Argon2id cost comes from a small allowed set (this install's own and the
  default), never from the file: a crafted cost cannot block every sign-in.
- The file key mixes in the instance secret, as sign-in does: a copied ``.wbk`` file
  cannot be guessed offline without it. A keyed check value of the instance secret
  in the header lets another install refuse the file with words that say why,
  before any key derivation runs.
- The header is the associated data of the sealed body, so it cannot be swapped.
- Decompression is bounded (``zlib.decompressobj`` with ``max_length``).
- Every row is checked: known tables and columns, the right types and sizes, one
  new space, at most two partners, fresh ids, every author a partner of the file.
- Tries are throttled like sign-in (per file), and counted before the KDF.
- Whatever is wrong, the caller gets one ``BackupError`` with a kind message.

File format, version 2::

    b"WORKBOOK-BACKUP-2\\n"
    header line   JSON {"install": b64 16 B, "kdf": "argon2id:m=..,t=..,p=..", "salt": b64 16 B}
    envelope      vault.seal_bytes(key, zlib(JSON rows), associated=magic + header line)
    key           Argon2id(passphrase, salt, kdf, secret=instance secret)

Version 1 files (no instance secret in the key, no install check) are still read,
with the same limits, but only when the passphrase also opens a partner's key wrap
from the file under this install's secret: that proves the file belongs here.
"""

from __future__ import annotations

import base64
import hmac
import json
import zlib
from datetime import datetime
from hashlib import sha256

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from workbook import snapshots, spaces, text, throttle, vault
from workbook.backup_rows import BACKUP_TABLES, BackupError, unb64, validate
from workbook.spaces import Member, SpaceError
from workbook.store import Db
from workbook.tables import partners
from workbook.tables import spaces as spaces_table
from workbook.vault import KdfParams

MAGIC_V1 = b"WORKBOOK-BACKUP-1\n"
MAGIC = b"WORKBOOK-BACKUP-2\n"
MAX_FILE_BYTES = 50 * 1024 * 1024  # the same as server.maxUploadSize
MAX_HEADER_BYTES = 1024
MAX_PAYLOAD_BYTES = 128 * 1024 * 1024  # a couple's whole workbook is far smaller


def allowed_kdf(db: Db) -> frozenset[str]:
    """The only Argon2id costs a backup may ask for: this install's and the default."""
    return frozenset({db.kdf.encode(), KdfParams().encode()})


def install_check(pepper: bytes) -> bytes:
    """A keyed check value of the instance secret: says which install, reveals nothing."""
    return hmac.new(pepper, b"workbook backup install check", sha256).digest()[:16]


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _encode(value):
    if isinstance(value, bytes | bytearray | memoryview):
        return {"b64": _b64(bytes(value))}
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    return value


def make_backup(db: Db, member: Member, passphrase: str) -> bytes:
    """The whole space, still encrypted, sealed again under the passphrase and the
    instance secret. Needs the passphrase (throttled like sign-in)."""
    if not spaces.verify_passphrase(db, member, passphrase):
        raise SpaceError(text.CURRENT_MISMATCH)
    rows: dict[str, list[dict]] = {}
    with snapshots.snapshot(db.engine) as conn:  # one moment: restorable whatever else happens
        for table in BACKUP_TABLES:
            where = (table.c.id if table is spaces_table else table.c.space_id) == member.space_id
            rows[table.name] = [
                {k: _encode(v) for k, v in r._mapping.items()}
                for r in conn.execute(select(table).where(where))
            ]
    payload = zlib.compress(
        json.dumps({"version": 2, "space_id": member.space_id, "tables": rows}).encode()
    )
    salt = vault.new_salt()
    header = json.dumps(
        {"install": _b64(install_check(db.pepper)), "kdf": db.kdf.encode(), "salt": _b64(salt)},
        sort_keys=True,
    ).encode()
    key = vault.derive_kek(passphrase, salt, db.kdf, db.pepper)
    return MAGIC + header + b"\n" + vault.seal_bytes(key, payload, MAGIC + header)


class _Header:
    """What the clear first lines of a file say, checked before any key derivation."""

    def __init__(self, db: Db, data: bytes) -> None:
        if len(data) > MAX_FILE_BYTES:
            raise BackupError(text.BACKUP_TOO_BIG)
        if data.startswith(MAGIC):
            self.version, magic = 2, MAGIC
        elif data.startswith(MAGIC_V1):
            self.version, magic = 1, MAGIC_V1
        else:
            raise BackupError(text.BACKUP_NOT_A_BACKUP)
        end = data.find(b"\n", len(magic), len(magic) + MAX_HEADER_BYTES)
        if end < 0:
            raise BackupError(text.BACKUP_DAMAGED)
        line = data[len(magic) : end]
        self.envelope = data[end + 1 :]
        # Version 1 sealed its body with the magic line only as associated data.
        self.associated = magic + line if self.version == 2 else magic
        try:
            fields = json.loads(line)
            if not isinstance(fields, dict):
                raise ValueError("header is not an object")
            kdf = fields["kdf"]
            if not isinstance(kdf, str) or kdf not in allowed_kdf(db):
                raise ValueError("a key derivation cost this install does not use")
            self.params = KdfParams.decode(kdf)
            self.salt = unb64(fields["salt"], 16)
            self.install = unb64(fields["install"], 16) if self.version == 2 else None
        except (ValueError, KeyError, TypeError, vault.VaultError) as exc:
            raise BackupError(text.BACKUP_DAMAGED) from exc
        if self.install is not None and not hmac.compare_digest(
            self.install, install_check(db.pepper)
        ):
            raise BackupError(text.BACKUP_OTHER_INSTALL)


def _inflate(payload: bytes) -> dict:
    """Decompress at most MAX_PAYLOAD_BYTES and parse; anything else is damage."""
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(payload, MAX_PAYLOAD_BYTES)
    except zlib.error as exc:
        raise BackupError(text.BACKUP_DAMAGED) from exc
    if inflater.unconsumed_tail:
        raise BackupError(text.BACKUP_TOO_BIG)
    if not inflater.eof:  # the compressed data ends too early
        raise BackupError(text.BACKUP_DAMAGED)
    try:
        content = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise BackupError(text.BACKUP_DAMAGED) from exc
    if not isinstance(content, dict):
        raise BackupError(text.BACKUP_DAMAGED)
    return content


def _opens_a_partner_here(db: Db, passphrase: str, partner_rows: list[dict]) -> bool:
    """Version 1 only: the passphrase opens a partner's wrap under this install's secret."""
    for p in partner_rows:
        if p["kdf_params"] not in allowed_kdf(db):
            continue
        kek = vault.derive_kek(
            passphrase, p["kdf_salt"], KdfParams.decode(p["kdf_params"]), db.pepper
        )
        place = vault.ad("partners", "key_wrap", p["id"], p["space_id"], p["id"])
        try:
            vault.unwrap_keys(kek, p["key_wrap"], place)
        except (vault.VaultError, ValueError):
            continue
        return True
    return False


def restore_backup(db: Db, data: bytes, passphrase: str) -> int:
    """Put a space back from a backup file; returns how many rows were restored.

    Raises only BackupError (one kind message) for anything wrong with the file.
    """
    header = _Header(db, data)
    try_key = vault.lookup_hash(db.pepper, "restore", header.salt.hex())
    try:
        throttle.take_try(db, try_key)
    except throttle.Throttled as exc:
        raise BackupError(str(exc)) from None
    pepper = db.pepper if header.version == 2 else None
    key = vault.derive_kek(passphrase, header.salt, header.params, pepper)
    try:
        payload = vault.open_bytes(key, header.envelope, header.associated)
    except vault.VaultError as exc:
        raise BackupError(text.BACKUP_NOT_OPENED) from exc
    space_id, rows = validate(_inflate(payload))
    if header.version == 1 and not _opens_a_partner_here(db, passphrase, rows["partners"]):
        raise BackupError(text.BACKUP_OTHER_INSTALL)
    count = 0
    try:
        with db.engine.begin() as conn:
            _refuse_what_is_here(conn, space_id, rows)
            for table in BACKUP_TABLES:
                for values in rows[table.name]:
                    conn.execute(insert(table).values(**values))
                    count += 1
            throttle.clear(conn, try_key)
    except IntegrityError as exc:  # a second restore of the same file at the same moment
        raise BackupError(text.BACKUP_ALREADY_HERE) from exc
    return count


def _refuse_what_is_here(conn, space_id: str, rows: dict[str, list[dict]]) -> None:
    """Ids must be new here: no row of the file may land on, or beside, a live one."""
    if conn.execute(select(spaces_table.c.id).where(spaces_table.c.id == space_id)).first():
        raise BackupError(text.BACKUP_ALREADY_HERE)
    hashes = [p["login_hash"] for p in rows["partners"]]
    if conn.execute(select(partners.c.id).where(partners.c.login_hash.in_(hashes))).first():
        raise BackupError(text.BACKUP_NAME_USED)
    for table in BACKUP_TABLES[1:]:
        key = table.c.id if "id" in table.c else table.c.partner_id
        ids = [r[key.name] for r in rows[table.name]]
        for start in range(0, len(ids), 500):
            if conn.execute(select(key).where(key.in_(ids[start : start + 500]))).first():
                raise BackupError(text.BACKUP_ALREADY_HERE)
