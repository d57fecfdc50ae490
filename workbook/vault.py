"""Encryption of every free-text field, and the keys that open it.

Envelope encryption as password managers do it (SECURITY.md). No primitive is written
here: AES-256-GCM, Argon2id, HKDF and HMAC all come from ``cryptography``.

Key chain::

    instance secret (32 B, outside the database)
      |- HMAC-SHA256 -> lookup key for sign-in names and invite codes
      '- Argon2id secret ("pepper"): a copied database alone cannot be brute-forced
    passphrase --Argon2id(salt 16 B, params stored with the wrap)--> KEK
    KEK          wraps the partner's bundle {private key, space key}
    recovery key (128 bit, shown once) --HKDF--> wraps the same bundle
    invite code  (128 bit, single use)  --HKDF--> wraps the space key only

Stored envelope format (version 1), kept as BLOB/bytea::

    b'\\x01'    1 byte   format version, so old data stays readable after a change
    key id     16 bytes  which key sealed it (a random id made with the key)
    nonce      12 bytes  fresh and random for every write
    ciphertext n bytes   AES-256-GCM of the padded plaintext, with its 16-byte tag

Plaintext is padded to a multiple of 256 bytes (4-byte length prefix, zero fill) so
ciphertext length only roughly hints at how long an entry is. The associated data
binds each ciphertext to ``table|column|row id|space id|owner-or-shared``: a
ciphertext copied to another row, field, space or visibility fails to open.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import unicodedata
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from workbook import kdfpool
from workbook.cleantext import storable

VERSION = b"\x01"
KEY_ID_LEN = 16
NONCE_LEN = 12
KEY_LEN = 32
PAD_BLOCK = 256
HEADER_LEN = 1 + KEY_ID_LEN + NONCE_LEN


class VaultError(Exception):
    """A ciphertext could not be opened: wrong key, tampered bytes, or moved to
    another row, field, space or visibility. Never returns wrong text instead."""


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost, stored beside every wrap so it can be raised later.

    Default: 64 MiB, 3 passes, 4 lanes, about 85 ms on 2 cores (ARCHITECTURE.md),
    above OWASP's floor of 19 MiB / t=2 / p=1.
    """

    memory_kib: int = 65536
    iterations: int = 3
    lanes: int = 4

    def encode(self) -> str:
        return f"argon2id:m={self.memory_kib},t={self.iterations},p={self.lanes}"

    @classmethod
    def decode(cls, value: str) -> KdfParams:
        name, _, rest = value.partition(":")
        if name != "argon2id":
            raise VaultError(f"unknown key derivation '{name}'")
        fields = dict(part.split("=") for part in rest.split(","))
        return cls(int(fields["m"]), int(fields["t"]), int(fields["p"]))

    def meets_floor(self) -> bool:
        return self.memory_kib >= 19456 and self.iterations >= 2 and self.lanes >= 1


@dataclass(frozen=True)
class Key:
    """A 256-bit AES key with the random id written into every envelope it seals."""

    id: bytes
    secret: bytes

    @classmethod
    def new(cls) -> Key:
        return cls(os.urandom(KEY_ID_LEN), AESGCM.generate_key(bit_length=256))

    def __repr__(self) -> str:  # never print key bytes into a log or an error page
        return f"Key(id={self.id.hex()[:8]}...)"


def ad(table: str, column: str, row_id: str, space_id: str, owner: str) -> bytes:
    """Associated data binding a ciphertext to its place (owner: partner id or 'shared')."""
    return "|".join((table, column, row_id, space_id, owner)).encode()


def _pad(data: bytes) -> bytes:
    framed = len(data).to_bytes(4, "big") + data
    return framed + b"\x00" * (-len(framed) % PAD_BLOCK)


def _unpad(data: bytes) -> bytes:
    size = int.from_bytes(data[:4], "big")
    if size > len(data) - 4:
        raise VaultError("the stored text is damaged")
    return data[4 : 4 + size]


def seal_bytes(key: Key, plaintext: bytes, associated: bytes) -> bytes:
    nonce = os.urandom(NONCE_LEN)
    body = AESGCM(key.secret).encrypt(nonce, _pad(plaintext), associated)
    return VERSION + key.id + nonce + body


def open_bytes(key: Key, envelope: bytes, associated: bytes) -> bytes:
    if len(envelope) < HEADER_LEN + 16 or envelope[:1] != VERSION:
        raise VaultError("the stored text is damaged or in an unknown format")
    if not hmac.compare_digest(envelope[1 : 1 + KEY_ID_LEN], key.id):
        raise VaultError("the stored text was sealed with a different key")
    nonce = envelope[1 + KEY_ID_LEN : HEADER_LEN]
    try:
        padded = AESGCM(key.secret).decrypt(nonce, envelope[HEADER_LEN:], associated)
    except InvalidTag as exc:
        raise VaultError("the stored text does not match its place or was changed") from exc
    return _unpad(padded)


def seal(key: Key, text: str, associated: bytes) -> bytes:
    """Encrypt one text field. Lone surrogates cannot be stored, so they become U+FFFD."""
    return seal_bytes(key, storable(text).encode("utf-8"), associated)


def open_text(key: Key, envelope: bytes, associated: bytes) -> str:
    return open_bytes(key, envelope, associated).decode("utf-8")


def new_salt() -> bytes:
    return os.urandom(16)


def derive_kek(passphrase: str, salt: bytes, params: KdfParams, pepper: bytes | None) -> Key:
    """Passphrase -> key-encryption key. Slow on purpose, so it runs in a small pool of
    low-priority worker processes (workbook.kdfpool) where it cannot starve page work.

    ``pepper`` is the instance secret; None only for a backup file, which must open
    on another install.
    """
    secret = kdfpool.derive(
        normalise_passphrase(passphrase),
        salt,
        params.memory_kib,
        params.iterations,
        params.lanes,
        pepper or None,
    )
    return Key(b"\x00" * KEY_ID_LEN, secret)


def normalise_passphrase(passphrase: str) -> bytes:
    """NFC, so the same passphrase typed on two keyboards gives the same key. No truncation."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8", "replace")


def derive_from_token(token: bytes, pepper: bytes, purpose: str) -> Key:
    """Key from a high-entropy random token (recovery key, invite code): HKDF is enough."""
    secret = HKDF(
        algorithm=hashes.SHA256(), length=KEY_LEN, salt=pepper, info=purpose.encode()
    ).derive(token)
    return Key(b"\x00" * KEY_ID_LEN, secret)


def lookup_hash(pepper: bytes, purpose: str, value: str) -> bytes:
    """Keyed hash used to find a row by a secret value without storing the value."""
    return hmac.new(
        pepper, f"{purpose}\x00{value}".encode("utf-8", "replace"), hashlib.sha256
    ).digest()


def wrap_keys(kek: Key, keys: list[Key], associated: bytes) -> bytes:
    """Seal several keys (id + secret each) under one key-encryption key."""
    return seal_bytes(kek, b"".join(k.id + k.secret for k in keys), associated)


def unwrap_keys(kek: Key, wrapped: bytes, associated: bytes) -> list[Key]:
    """Open a wrap; a wrong passphrase fails here (the GCM tag does not verify)."""
    raw = open_bytes(kek, wrapped, associated)
    step = KEY_ID_LEN + KEY_LEN
    if len(raw) % step:
        raise VaultError("a key wrap is damaged")
    return [
        Key(raw[i : i + KEY_ID_LEN], raw[i + KEY_ID_LEN : i + step])
        for i in range(0, len(raw), step)
    ]


def new_token() -> bytes:
    """128 random bits for a recovery key or an invite code."""
    return secrets.token_bytes(16)


def format_token(token: bytes) -> str:
    """Show a token as readable groups: 26 base32 letters and digits, in groups of 4 or 2."""
    code = base64.b32encode(token).decode().rstrip("=")
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def parse_token(value: str) -> bytes | None:
    """Read a token back as typed: case, spaces and dashes do not matter."""
    cleaned = "".join(ch for ch in value.upper() if ch.isalnum())
    cleaned = cleaned.replace("0", "O").replace("1", "I").replace("8", "B")
    if len(cleaned) != 26:
        return None
    try:
        token = base64.b32decode(cleaned + "======")
    except (ValueError, base64.binascii.Error):
        return None
    return token if len(token) == 16 else None
