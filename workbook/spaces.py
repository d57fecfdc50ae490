"""Couple spaces, partners, invites and sign-in.

A partner is identified by a keyed hash of their sign-in name (never the name itself).
Signing in is a successful unwrap of their key bundle: there is no password hash to
attack, and for an unknown name a dummy key derivation runs so both cases take the
same time and give the same message. Failed attempts are counted in the database per
sign-in hash, so a restart or a reload does not reset them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from datetime import timedelta

from sqlalchemy import delete, false, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from workbook import passphrase as passphrases
from workbook import rotation, text, throttle, vault
from workbook.cleantext import has_words
from workbook.readable import UNREADABLE, Readable
from workbook.store import Db, invites, new_id, now, partners, spaces
from workbook.vault import KdfParams, Key, VaultError

INVITE_DAYS = 7
MAX_PARTNERS = 2
FREE_FAILURES = throttle.FREE_TRIES
MAX_WAIT_SECONDS = throttle.MAX_WAIT_SECONDS
NAME_MAX = 80
LOGIN_MIN, LOGIN_MAX = 3, 64


class SpaceError(Exception):
    """A request about a space could not be done; ``str()`` is a kind message for the user."""


class SignInFailed(SpaceError):
    """Wrong name or passphrase (never says which), or asked to wait (``wait_seconds``)."""

    def __init__(self, message: str, wait_seconds: int = 0) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


@dataclass(frozen=True)
class Member:
    """A signed-in partner: who they are and the keys that live only in their session."""

    partner_id: str
    space_id: str
    name: str
    space_name: str
    private_key: Key = field(repr=False)
    space_key: Key = field(repr=False)
    # The partner's wrap salt when this session opened: a passphrase change elsewhere
    # changes it, which ends this session (see ``session_valid``).
    session_mark: bytes = field(default=b"", repr=False, compare=False)
    # The space's key epoch when this session opened: a leave or a re-key raises it,
    # which ends this session and refuses its writes (``rotation.require_current_key``).
    key_epoch: int = field(default=-1, repr=False, compare=False)


@dataclass(frozen=True)
class Partner:
    id: str
    name: str


@dataclass(frozen=True)
class NewPartner:
    member: Member
    recovery_code: str


def normalise_login(login: str) -> str:
    return unicodedata.normalize("NFKC", login).strip().casefold()


def _login_hash(db: Db, login: str) -> bytes:
    return vault.lookup_hash(db.pepper, "login", normalise_login(login))


def _check_login(login: str) -> str:
    name = normalise_login(login)
    if not LOGIN_MIN <= len(name) <= LOGIN_MAX:
        raise SpaceError(f"Please choose a sign-in name of {LOGIN_MIN} to {LOGIN_MAX} characters.")
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise SpaceError("Please use letters, numbers or simple symbols in your sign-in name.")
    return name


def _check_name(value: str, what: str) -> str:
    cleaned = " ".join(value.split())
    if not has_words(cleaned):  # empty, or only zero-width/invisible characters
        raise SpaceError(f"Please write {what}. It can be a first name or a nickname.")
    if len(cleaned) > NAME_MAX:
        raise SpaceError(f"Please keep {what} under {NAME_MAX} characters.")
    return cleaned


def _check_new_passphrase(passphrase: str, confirm: str, *others: str) -> None:
    if passphrase and not confirm:
        raise SpaceError(text.CONFIRM_MISSING)
    if passphrase != confirm:
        raise SpaceError(text.PASSPHRASES_DIFFER)
    strength = passphrases.check(passphrase, tuple(others))
    if not strength.ok:
        raise SpaceError(strength.message)


def _bundle_ad(partner_id: str, space_id: str, column: str) -> bytes:
    return vault.ad("partners", column, partner_id, space_id, partner_id)


def _name_ad(table: str, row_id: str, space_id: str) -> bytes:
    return vault.ad(table, "name_ct", row_id, space_id, "shared")


@dataclass(frozen=True)
class _Fresh:
    """A new salt and the key derived from it, made before any transaction opens.

    Argon2id takes about 100 ms: inside a write transaction it would hold SQLite's
    one write lock that long and make other writers wait or fail.
    """

    salt: bytes
    kek: Key = field(repr=False)


def _fresh(db: Db, passphrase: str) -> _Fresh:
    salt = vault.new_salt()
    return _Fresh(salt, vault.derive_kek(passphrase, salt, db.kdf, db.pepper))


def _insert_partner(
    conn, db: Db, *, space_id: str, space_key: Key, display_name: str, login: str, fresh: _Fresh
) -> tuple[str, Key, str, bytes]:
    """Write a partner row with fresh keys; returns (id, private key, recovery code, salt)."""
    partner_id = new_id()
    private_key = Key.new()
    salt, kek = fresh.salt, fresh.kek
    recovery = vault.new_token()
    recovery_kek = vault.derive_from_token(recovery, db.pepper, "recovery")
    # The unique sign-in name decides, not a read before: of two people taking the
    # same name at once, one gets the kind "not available" (and the transaction,
    # raised out of, leaves nothing behind).
    dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    added = conn.execute(
        dialect_insert(partners)
        .values(
            id=partner_id,
            space_id=space_id,
            login_hash=_login_hash(db, login),
            name_ct=vault.seal(space_key, display_name, _name_ad("partners", partner_id, space_id)),
            kdf_salt=salt,
            kdf_params=db.kdf.encode(),
            key_wrap=vault.wrap_keys(
                kek, [private_key, space_key], _bundle_ad(partner_id, space_id, "key_wrap")
            ),
            recovery_wrap=vault.wrap_keys(
                recovery_kek,
                [private_key, space_key],
                _bundle_ad(partner_id, space_id, "recovery_wrap"),
            ),
            created_at=now(),
        )
        .on_conflict_do_nothing(index_elements=["login_hash"])
        .returning(partners.c.id)
    ).first()
    if added is None:
        raise SpaceError(text.NAME_TAKEN)
    return partner_id, private_key, vault.format_token(recovery), salt


def create_space(
    db: Db, *, space_name: str, display_name: str, login: str, passphrase: str, confirm: str
) -> NewPartner:
    """Make a couple's space with its first partner. The recovery code is shown once."""
    space_name = _check_name(space_name, "a name for your space")
    display_name = _check_name(display_name, "your name")
    _check_login(login)
    _check_new_passphrase(passphrase, confirm, login, display_name, space_name)
    space_id = new_id()
    space_key = Key.new()
    fresh = _fresh(db, passphrase)
    with db.engine.begin() as conn:
        conn.execute(
            insert(spaces).values(
                id=space_id,
                name_ct=vault.seal(space_key, space_name, _name_ad("spaces", space_id, space_id)),
                created_at=now(),
            )
        )
        partner_id, private_key, code, salt = _insert_partner(
            conn,
            db,
            space_id=space_id,
            space_key=space_key,
            display_name=display_name,
            login=login,
            fresh=fresh,
        )
    member = Member(partner_id, space_id, display_name, space_name, private_key, space_key, salt, 0)
    return NewPartner(member, code)


def create_invite(db: Db, member: Member) -> str:
    """A single-use code for the other partner, valid for 7 days; older codes stop working.

    Refused from a session older than the space's key, and while a re-key is due: the
    invite carries the space key, and only the current one may be handed on.
    """
    with db.engine.begin() as conn:
        rotation.require_current_key(conn, member, SpaceError)
        count = conn.execute(
            select(func.count()).select_from(partners).where(partners.c.space_id == member.space_id)
        ).scalar_one()
        if count >= MAX_PARTNERS:
            raise SpaceError(text.SPACE_FULL)
        token = vault.new_token()
        invite_id = new_id()
        conn.execute(delete(invites).where(invites.c.space_id == member.space_id))
        conn.execute(
            insert(invites).values(
                id=invite_id,
                space_id=member.space_id,
                code_hash=vault.lookup_hash(db.pepper, "invite", token.hex()),
                key_wrap=vault.wrap_keys(
                    vault.derive_from_token(token, db.pepper, "invite"),
                    [member.space_key],
                    vault.ad("invites", "key_wrap", invite_id, member.space_id, "shared"),
                ),
                created_at=now(),
                expires_at=now() + timedelta(days=INVITE_DAYS),
            )
        )
    return vault.format_token(token)


def join_space(
    db: Db, *, code: str, display_name: str, login: str, passphrase: str, confirm: str
) -> NewPartner:
    """Join a space with an invite code; the code is deleted as it is used."""
    display_name = _check_name(display_name, "your name")
    _check_login(login)
    _check_new_passphrase(passphrase, confirm, login, display_name)
    token = vault.parse_token(code)
    invalid = SpaceError(text.INVITE_INVALID)
    if token is None:
        raise invalid
    # Tries at invite codes count against the sign-in name being made, like sign-in.
    join_key = vault.lookup_hash(db.pepper, "join", normalise_login(login))
    _take_try(db, join_key)
    code_hash = vault.lookup_hash(db.pepper, "invite", token.hex())
    with db.engine.connect() as conn:
        # A cheap look first: a wrong code never costs a key derivation.
        known = conn.execute(select(invites.c.id).where(invites.c.code_hash == code_hash)).first()
    if known is None:
        raise invalid
    fresh = _fresh(db, passphrase)
    with db.engine.begin() as conn:
        row = conn.execute(select(invites).where(invites.c.code_hash == code_hash)).first()
        if row is None or row.expires_at < now():
            raise invalid
        # Lock the space row; a space waiting for a re-key takes nobody new (the
        # invite would carry the key the partner who left may have kept).
        epoch = conn.execute(
            update(spaces)
            .where(spaces.c.id == row.space_id, spaces.c.rotate_due == false())
            .values(key_epoch=spaces.c.key_epoch)
            .returning(spaces.c.key_epoch)
        ).scalar()
        if epoch is None:
            raise invalid
        count = conn.execute(
            select(func.count()).select_from(partners).where(partners.c.space_id == row.space_id)
        ).scalar_one()
        if count >= MAX_PARTNERS:
            raise invalid
        try:
            [space_key] = vault.unwrap_keys(
                vault.derive_from_token(token, db.pepper, "invite"),
                row.key_wrap,
                vault.ad("invites", "key_wrap", row.id, row.space_id, "shared"),
            )
        except (VaultError, ValueError) as exc:
            raise invalid from exc
        _clear_failures(conn, join_key)
        # Single use: the delete must hit exactly this row, or a second tab got there first.
        if conn.execute(delete(invites).where(invites.c.id == row.id)).rowcount != 1:
            raise invalid
        partner_id, private_key, recovery, salt = _insert_partner(
            conn,
            db,
            space_id=row.space_id,
            space_key=space_key,
            display_name=display_name,
            login=login,
            fresh=fresh,
        )
        space_name = _space_name(conn, row.space_id, space_key)
    member = Member(
        partner_id, row.space_id, display_name, space_name, private_key, space_key, salt, epoch
    )
    return NewPartner(member, recovery)


def _space_name(conn, space_id: str, space_key: Key) -> str:
    ct = conn.execute(select(spaces.c.name_ct).where(spaces.c.id == space_id)).scalar_one()
    return vault.open_text(space_key, ct, _name_ad("spaces", space_id, space_id))


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


def session_valid(db: Db, member: Member) -> bool:
    """False once the partner changed passphrase elsewhere, a partner left, the space was
    re-keyed, or the space is gone: the session ends at its next action."""
    with db.engine.connect() as conn:
        current = conn.execute(
            select(partners.c.kdf_salt, spaces.c.key_epoch, spaces.c.rotate_due)
            .join(spaces, spaces.c.id == partners.c.space_id)
            .where(partners.c.id == member.partner_id)
        ).first()
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
    with db.engine.connect() as conn:
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
        if fresh is not None:
            _rewrap(conn, db, row.id, row.space_id, fresh, private_key, space_key)
        return _member_from_keys(conn, row, private_key, space_key)


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
    with db.engine.connect() as conn:
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
    with db.engine.connect() as conn:
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
    with db.engine.connect() as conn:
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


def partners_of(db: Db, member: Member) -> list[Partner]:
    """Both partners of the member's space, with names opened by the space key.

    A name that does not open (sealed under a key this session does not hold) shows
    as "Your partner" and is counted in ``unreadable``; it never fails the page.
    """
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(partners.c.id, partners.c.name_ct)
            .where(partners.c.space_id == member.space_id)
            .order_by(partners.c.created_at, partners.c.id)
        ).all()
    result = Readable()
    for r in rows:
        try:
            name = vault.open_text(
                member.space_key, r.name_ct, _name_ad("partners", r.id, member.space_id)
            )
        except UNREADABLE:
            name, result.unreadable = text.PARTNER_FALLBACK_NAME, result.unreadable + 1
        result.append(Partner(r.id, name))
    return result
