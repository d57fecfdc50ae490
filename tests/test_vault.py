"""The encryption envelope: round trips, fresh nonces, and tampering that always fails."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbook import vault
from workbook.vault import KdfParams, Key, VaultError

KEY = Key.new()
PLACE = vault.ad("reflections", "body_ct", "row-1", "space-1", "shared")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_round_trip_any_unicode(text):
    assert vault.open_text(KEY, vault.seal(KEY, text, PLACE), PLACE) == text


def test_round_trip_empty_and_one_mebibyte():
    big = "ä€😀" * (1024 * 1024 // 9)
    for text in ("", big):
        assert vault.open_text(KEY, vault.seal(KEY, text, PLACE), PLACE) == text


def test_lone_surrogate_is_stored_as_replacement_not_an_error():
    assert vault.open_text(KEY, vault.seal(KEY, "a\ud800b", PLACE), PLACE) == "a\ufffdb"


def test_length_is_padded_to_256_byte_buckets():
    short = vault.seal(KEY, "hi", PLACE)
    longer = vault.seal(KEY, "x" * 200, PLACE)
    assert len(short) == len(longer)


def test_every_encryption_uses_a_fresh_nonce():
    nonces = {vault.seal(KEY, "same", PLACE)[17:29] for _ in range(100_000)}
    assert len(nonces) == 100_000


def test_every_single_byte_flip_is_rejected():
    envelope = vault.seal(KEY, "a private line", PLACE)
    for i in range(len(envelope)):
        damaged = bytearray(envelope)
        damaged[i] ^= 0x01
        with pytest.raises(VaultError):
            vault.open_text(KEY, bytes(damaged), PLACE)


@pytest.mark.parametrize(
    "moved",
    [
        vault.ad("reflections", "body_ct", "row-2", "space-1", "shared"),  # another row
        vault.ad("reflections", "title_ct", "row-1", "space-1", "shared"),  # another field
        vault.ad("reflections", "body_ct", "row-1", "space-2", "shared"),  # another space
        vault.ad("reflections", "body_ct", "row-1", "space-1", "partner-a"),  # private
    ],
)
def test_a_ciphertext_moved_elsewhere_does_not_open(moved):
    envelope = vault.seal(KEY, "shared words", PLACE)
    with pytest.raises(VaultError):
        vault.open_text(KEY, envelope, moved)


def test_wrong_key_fails_with_a_clear_error_not_wrong_text():
    envelope = vault.seal(KEY, "words", PLACE)
    with pytest.raises(VaultError, match="different key"):
        vault.open_text(Key.new(), envelope, PLACE)


def test_wrong_passphrase_cannot_unwrap_keys():
    params = KdfParams(1024, 1, 1)
    pepper, salt = b"p" * 32, vault.new_salt()
    kek = vault.derive_kek("lamp river quiet plum", salt, params, pepper)
    wrapped = vault.wrap_keys(kek, [KEY], PLACE)
    assert vault.unwrap_keys(kek, wrapped, PLACE) == [KEY]
    with pytest.raises(VaultError):
        vault.unwrap_keys(
            vault.derive_kek("lamp river quiet plun", salt, params, pepper), wrapped, PLACE
        )


def test_a_different_instance_secret_cannot_unwrap_keys():
    params, salt = KdfParams(1024, 1, 1), vault.new_salt()
    wrapped = vault.wrap_keys(vault.derive_kek("same words", salt, params, b"a" * 32), [KEY], PLACE)
    with pytest.raises(VaultError):
        vault.unwrap_keys(vault.derive_kek("same words", salt, params, b"b" * 32), wrapped, PLACE)


def test_default_kdf_meets_the_owasp_floor():
    assert KdfParams().meets_floor()
    assert KdfParams.decode(KdfParams().encode()) == KdfParams()


def test_tokens_survive_how_people_type_them():
    token = vault.new_token()
    shown = vault.format_token(token)
    assert vault.parse_token(shown) == token
    assert vault.parse_token(" " + shown.lower().replace("-", " ") + " ") == token
    assert vault.parse_token("not a code") is None


def test_key_bytes_never_appear_in_repr():
    assert KEY.secret.hex() not in repr(KEY)


def test_simultaneous_key_derivations_all_finish():
    """Four sign-ins at the same moment, at the real cost: none may hang or fail.

    With two Argon2id runs at once in one process (cryptography 50 / OpenSSL 4) the
    benchmark saw hangs and MemoryError; derivations now take turns.
    """
    import threading

    results: list[bytes] = []
    errors: list[BaseException] = []

    def derive() -> None:
        try:
            key = vault.derive_kek("lamp river quiet plum", b"s" * 16, KdfParams(), b"p" * 32)
            results.append(key.secret)
        except BaseException as exc:  # noqa: BLE001  (report any failure to the test)
            errors.append(exc)

    threads = [threading.Thread(target=derive, daemon=True) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert len(results) == 4 and len(set(results)) == 1
