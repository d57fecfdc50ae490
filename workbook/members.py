"""Who a partner is in a session, and the small rules every space flow shares.

``Member`` holds a signed-in partner's keys (only ever in their session); the name
checks, the associated data of key wraps, and the fresh salt-and-key made before a
transaction opens live here so that ``spaces`` (making and joining a space) and
``signin`` (opening one) use the same ones.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import select

from workbook import passphrase as passphrases
from workbook import text, vault
from workbook.cleantext import has_words
from workbook.store import Db
from workbook.tables import spaces
from workbook.vault import Key

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


def _space_name(conn, space_id: str, space_key: Key) -> str:
    ct = conn.execute(select(spaces.c.name_ct).where(spaces.c.id == space_id)).scalar_one()
    return vault.open_text(space_key, ct, _name_ad("spaces", space_id, space_id))
