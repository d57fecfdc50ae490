"""Couple spaces: making one, inviting the other partner, joining, and who is in it.

A partner is identified by a keyed hash of their sign-in name (never the name itself).
Signing in and the other flows that open a partner's keys are in ``workbook.signin``;
the ``Member`` type and the shared checks are in ``workbook.members``. Both are
re-exported here, so ``from workbook.spaces import Member, sign_in`` keeps working.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, false, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from workbook import rotation, text, vault
from workbook.members import (  # noqa: F401  (re-exported for the pages and modules)
    LOGIN_MAX,
    LOGIN_MIN,
    NAME_MAX,
    Member,
    NewPartner,
    Partner,
    SignInFailed,
    SpaceError,
    _bundle_ad,
    _check_login,
    _check_name,
    _check_new_passphrase,
    _Fresh,
    _fresh,
    _login_hash,
    _name_ad,
    _space_name,
    normalise_login,
)
from workbook.readable import UNREADABLE, Readable
from workbook.signin import (  # noqa: F401  (re-exported for the pages and modules)
    FREE_FAILURES,
    MAX_WAIT_SECONDS,
    WRONG,
    _clear_failures,
    _member_from_keys,
    _rewrap,
    _take_try,
    _wait_seconds,
    change_passphrase,
    recover,
    session_valid,
    sign_in,
    unlock,
    verify_passphrase,
)
from workbook.store import Db, new_id, now
from workbook.tables import invites, partners, spaces
from workbook.vault import Key, VaultError

INVITE_DAYS = 7
MAX_PARTNERS = 2


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
    with db.reads.connect() as conn:
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


def partners_of(db: Db, member: Member) -> list[Partner]:
    """Both partners of the member's space, with names opened by the space key.

    A name that does not open (sealed under a key this session does not hold) shows
    as "Your partner" and is counted in ``unreadable``; it never fails the page.
    """
    with db.reads.connect() as conn:
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
