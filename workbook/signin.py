"""Signing in, unlocking, recovery and passphrase changes: opening a partner's keys.

Signing in is a successful unwrap of the partner's key bundle: there is no password
hash to attack, and for an unknown name a dummy key derivation runs so both cases take
the same time and give the same message. Every try at a secret is counted in the
database before the key derivation runs (``workbook.throttle``), so a restart, a
reload or a burst of requests does not get more tries than the rule allows.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import bindparam, select, update

from workbook import rotation, text, throttle, vault
from workbook.members import (
    Member,
    SignInFailed,
    SpaceError,
    _bundle_ad,
    _check_new_passphrase,
    _Fresh,
    _fresh,
    _login_hash,
    _name_ad,
    _space_name,
)
from workbook.store import Db
from workbook.tables import partners, spaces
from workbook.vault import KdfParams, Key, VaultError

FREE_FAILURES = throttle.FREE_TRIES
MAX_WAIT_SECONDS = throttle.MAX_WAIT_SECONDS


def _wait_seconds(failures: int) -> int:
    return throttle.wait_after(failures)


def _take_try(db: Db, key: bytes) -> None:
    """Count one try before any key derivation runs (``workbook.throttle``)."""
    try:
        throttle.take_try(db, key)
    except throttle.Throttled as exc:
        raise SignInFailed(str(exc), wait_seconds=exc.wait_seconds) from None


def _clear_failures(conn, login_hash: bytes) -> None:
    throttle.clear(conn, login_hash)


WRONG = text.SIGN_IN_MISMATCH


def _member_from_keys(conn, row, private_key: Key, space_key: Key) -> Member:
    """Finish opening a session: the newest space key, a re-key if one is due, the names.

    ``space_key`` is the one inside the passphrase or recovery wrap; after a re-key the
    current one is in ``space_wrap``, sealed under the private key. The re-key is
    claimed first (a conditional UPDATE), so it runs once however many sign-ins race,
    and everything read after the claim is what the winner committed.
    """
    claimed = rotation.claim(conn, row.space_id)
    current = conn.execute(
        select(partners.c.space_wrap, partners.c.kdf_salt, partners.c.name_ct, spaces.c.key_epoch)
        .join(spaces, spaces.c.id == partners.c.space_id)
        .where(partners.c.id == row.id)
    ).one()
    if current.space_wrap is not None:
        [space_key] = vault.unwrap_keys(
            private_key, current.space_wrap, rotation.space_wrap_ad(row.id, row.space_id)
        )
    name_ct = current.name_ct
    if claimed:
        space_key = rotation.rotate(conn, row.space_id, row.id, private_key, space_key)
        # The name was re-sealed too: read it again under the new key.
        name_ct = conn.execute(
            select(partners.c.name_ct).where(partners.c.id == row.id)
        ).scalar_one()
    name = vault.open_text(space_key, name_ct, _name_ad("partners", row.id, row.space_id))
    return Member(
        row.id,
        row.space_id,
        name,
        _space_name(conn, row.space_id, space_key),
        private_key,
        space_key,
        current.kdf_salt,
        current.key_epoch,
    )


# Built once: every run of every signed-in page checks it.
_SESSION_MARKS = (
    select(partners.c.kdf_salt, spaces.c.key_epoch, spaces.c.rotate_due)
    .join(spaces, spaces.c.id == partners.c.space_id)
    .where(partners.c.id == bindparam("me"))
)


def session_valid(db: Db, member: Member) -> bool:
    """False once the partner changed passphrase elsewhere, a partner left, the space was
    re-keyed, or the space is gone: the session ends at its next action."""
    with db.reads.connect() as conn:
        current = conn.execute(_SESSION_MARKS, {"me": member.partner_id}).first()
    return (
        current is not None
        and current.kdf_salt == member.session_mark
        and current.key_epoch == member.key_epoch
        and not current.rotate_due
    )


def sign_in(db: Db, login: str, passphrase: str) -> Member:
    """Open a partner's keys with their passphrase, or raise SignInFailed."""
    login_hash = _login_hash(db, login)
    _take_try(db, login_hash)
    with db.reads.connect() as conn:
        row = conn.execute(select(partners).where(partners.c.login_hash == login_hash)).first()
    if row is None:
        # Same cost and message as a wrong passphrase: never reveal who has a space here.
        vault.derive_kek(passphrase, b"\x00" * 16, db.kdf, db.pepper)
        raise SignInFailed(WRONG)
    params = KdfParams.decode(row.kdf_params)
    kek = vault.derive_kek(passphrase, row.kdf_salt, params, db.pepper)
    try:
        private_key, space_key = vault.unwrap_keys(
            kek, row.key_wrap, _bundle_ad(row.id, row.space_id, "key_wrap")
        )
    except VaultError:
        raise SignInFailed(WRONG) from None
    # Raise (or lower, in tests) the cost at the next sign-in; derived before the write.
    fresh = _fresh(db, passphrase) if params != db.kdf else None
    with db.engine.begin() as conn:
        _clear_failures(conn, login_hash)
        _hold_wrap(conn, row)
        if fresh is not None:
            _rewrap(conn, db, row.id, row.space_id, fresh, private_key, space_key)
        return _member_from_keys(conn, row, private_key, space_key)


def _hold_wrap(conn, row) -> None:
    """Refuse a passphrase that stopped being this partner's while it was checked.

    The row was read before the key derivation (a tenth of a second or more); a
    passphrase change or a recovery meanwhile replaced its wrap. Without this, a
    sign-in with the old passphrase, started just before the change, opened a session
    that the change did not end (it took the new salt as its own), and a sign-in that
    raised the KDF cost wrote the old passphrase's wrap back over the new one. A
    conditional UPDATE: it also holds the row (PostgreSQL) or the write lock (SQLite)
    until this sign-in commits, so a change waits for it and then ends its session.
    """
    held = conn.execute(
        update(partners)
        .where(partners.c.id == row.id, partners.c.kdf_salt == row.kdf_salt)
        .values(kdf_salt=partners.c.kdf_salt)
    ).rowcount
    if held != 1:
        raise SignInFailed(WRONG)


def _rewrap(
    conn, db: Db, partner_id: str, space_id: str, fresh: _Fresh, private_key: Key, space_key: Key
) -> bytes:
    salt, kek = fresh.salt, fresh.kek
    conn.execute(
        update(partners)
        .where(partners.c.id == partner_id)
        .values(
            kdf_salt=salt,
            kdf_params=db.kdf.encode(),
            key_wrap=vault.wrap_keys(
                kek, [private_key, space_key], _bundle_ad(partner_id, space_id, "key_wrap")
            ),
        )
    )
    return salt


def verify_passphrase(db: Db, member: Member, passphrase: str) -> bool:
    """True if ``passphrase`` opens this partner's keys (to confirm a backup, a passphrase
    change or a new recovery key). Throttled like sign-in: raises SignInFailed to wait."""
    with db.reads.connect() as conn:
        row = conn.execute(select(partners).where(partners.c.id == member.partner_id)).first()
    if row is None:
        return False
    _take_try(db, row.login_hash)
    kek = vault.derive_kek(passphrase, row.kdf_salt, KdfParams.decode(row.kdf_params), db.pepper)
    try:
        vault.unwrap_keys(kek, row.key_wrap, _bundle_ad(row.id, row.space_id, "key_wrap"))
    except VaultError:
        return False
    with db.engine.begin() as conn:
        _clear_failures(conn, row.login_hash)
    return True


def unlock(db: Db, partner_id: str, passphrase: str) -> Member:
    """Re-open a locked session: same throttling and message as signing in."""
    with db.reads.connect() as conn:
        row = conn.execute(select(partners).where(partners.c.id == partner_id)).first()
    if row is None:
        raise SignInFailed(WRONG)
    _take_try(db, row.login_hash)
    kek = vault.derive_kek(passphrase, row.kdf_salt, KdfParams.decode(row.kdf_params), db.pepper)
    try:
        private_key, space_key = vault.unwrap_keys(
            kek, row.key_wrap, _bundle_ad(row.id, row.space_id, "key_wrap")
        )
    except VaultError:
        raise SignInFailed(WRONG) from None
    with db.engine.begin() as conn:
        _clear_failures(conn, row.login_hash)
        _hold_wrap(conn, row)
        return _member_from_keys(conn, row, private_key, space_key)


def change_passphrase(db: Db, member: Member, current: str, new: str, confirm: str) -> Member:
    """New salt, new KEK, re-wrap the bundle: no entry is re-encrypted.

    Returns the member for this session; every other session of the partner ends.
    """
    if not verify_passphrase(db, member, current):
        raise SpaceError(text.CURRENT_MISMATCH)
    _check_new_passphrase(new, confirm, member.name)
    fresh = _fresh(db, new)
    with db.engine.begin() as conn:
        rotation.require_current_key(conn, member, SpaceError)
        salt = _rewrap(
            conn,
            db,
            member.partner_id,
            member.space_id,
            fresh,
            member.private_key,
            member.space_key,
        )
    return replace(member, session_mark=salt)


def recover(db: Db, *, login: str, recovery_code: str, passphrase: str, confirm: str) -> Member:
    """Set a new passphrase with the one-time recovery code. Throttled like sign-in."""
    login_hash = _login_hash(db, login)
    failed = SignInFailed(text.RECOVERY_MISMATCH)
    _take_try(db, login_hash)
    with db.reads.connect() as conn:
        row = conn.execute(select(partners).where(partners.c.login_hash == login_hash)).first()
    token = vault.parse_token(recovery_code)
    if row is None or token is None:
        raise failed
    try:
        private_key, space_key = vault.unwrap_keys(
            vault.derive_from_token(token, db.pepper, "recovery"),
            row.recovery_wrap,
            _bundle_ad(row.id, row.space_id, "recovery_wrap"),
        )
    except VaultError:
        raise failed from None
    _check_new_passphrase(passphrase, confirm, login)
    fresh = _fresh(db, passphrase)
    with db.engine.begin() as conn:
        _clear_failures(conn, login_hash)
        _rewrap(conn, db, row.id, row.space_id, fresh, private_key, space_key)
        return _member_from_keys(conn, row, private_key, space_key)
