"""Issue 11, section 2: restoring a backup, which anyone can reach from the sign-in page.

Most files here are crafted by hand, as an attacker would. Where a case is built as a
version 1 file (the old format), it also shows what the old code did with it.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import random
import zlib

import pytest
from sqlalchemy import event, func, select

from workbook import backup, journal, owndata, spaces, store, tables, throttle, vault
from workbook.owndata import BackupError
from workbook.vault import KdfParams

from helpers import PASS_A, PASS_B, join, make_space


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def craft(db, content, *, version=2, passphrase=PASS_A, kdf=None, install=None, raw=None):
    """A backup file around ``content`` (a dict, or ``raw`` payload bytes), sealed right."""
    payload = raw if raw is not None else zlib.compress(json.dumps(content).encode())
    salt = os.urandom(16)
    kdf = kdf or db.kdf.encode()
    if version == 2:
        fields = {
            "install": _b64(install or backup.install_check(db.pepper)),
            "kdf": kdf,
            "salt": _b64(salt),
        }
        header = json.dumps(fields, sort_keys=True).encode()
        magic, associated, pepper = backup.MAGIC, backup.MAGIC + header, db.pepper
    else:
        header = json.dumps({"kdf": kdf, "salt": _b64(salt)}).encode()
        magic, associated, pepper = backup.MAGIC_V1, backup.MAGIC_V1, None
    key = vault.derive_kek(passphrase, salt, KdfParams.decode(kdf), pepper)
    return magic + header + b"\n" + vault.seal_bytes(key, payload, associated)


def content_of(db, data: bytes, passphrase: str = PASS_A) -> dict:
    """What a version 2 file made here holds (the test knows the instance secret)."""
    head, envelope = data[len(backup.MAGIC) :].split(b"\n", 1)
    fields = json.loads(head)
    key = vault.derive_kek(
        passphrase, base64.b64decode(fields["salt"]), KdfParams.decode(fields["kdf"]), db.pepper
    )
    return json.loads(zlib.decompress(vault.open_bytes(key, envelope, backup.MAGIC + head)))


@pytest.fixture
def couple(db):
    made = make_space(db)
    alex = join(db, spaces.create_invite(db, made.member)).member
    journal.save(
        db,
        made.member,
        chapter_id="body",
        prompt_id="body-own-1",
        text="SAM-SHARED",
        visibility="shared",
    )
    return made.member, alex


@pytest.fixture
def fresh(db, tmp_path):
    """A second, empty database with the same instance secret (the same install)."""
    other = store.Db(store.engine_for(f"sqlite:///{tmp_path / 'fresh.db'}"), db.pepper, db.kdf)
    return other


@pytest.fixture
def frozen(monkeypatch):
    from datetime import datetime

    moment = datetime(2026, 12, 1, 12, 0, 0)
    monkeypatch.setattr(throttle, "now", lambda: moment)


@pytest.fixture
def derivations(monkeypatch):
    """Every Argon2id cost asked for, in order."""
    seen: list[KdfParams] = []
    real = vault.derive_kek

    def recording(passphrase, salt, params, pepper):
        seen.append(params)
        return real(passphrase, salt, params, pepper)

    monkeypatch.setattr(vault, "derive_kek", recording)
    return seen


def count(db, table) -> int:
    with db.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


# --- the key derivation cost comes from an allowed set, never from the file ----------


@pytest.mark.parametrize("version", [1, 2])
def test_a_file_cannot_choose_its_own_argon2_cost(db, couple, derivations, monkeypatch, version):
    sam, _ = couple
    data = craft(db, {"version": 1}, version=version)
    huge = KdfParams(memory_kib=4 * 1024 * 1024, iterations=50, lanes=4).encode()
    head_end = data.index(b"\n", len(backup.MAGIC))
    header = json.loads(data[len(backup.MAGIC) : head_end])
    header["kdf"] = huge
    crafted = data[: len(backup.MAGIC)] + json.dumps(header).encode() + data[head_end:]

    def refuse_big(passphrase, salt, params, pepper):
        derivations.append(params)
        if params.memory_kib > 1024 * 1024:
            raise MemoryError("the test stops a 4 GiB derivation here")
        return vault.Key(b"\x00" * 16, b"\x00" * 32)

    monkeypatch.setattr(vault, "derive_kek", refuse_big)
    derivations.clear()
    with pytest.raises(BackupError, match="damaged"):
        owndata.restore_backup(db, crafted, PASS_A)
    assert all(p.encode() in backup.allowed_kdf(db) for p in derivations)


# --- decompression is bounded ---------------------------------------------------------


@pytest.mark.parametrize("version", [1, 2])
def test_a_compression_bomb_is_refused_without_filling_memory(db, monkeypatch, version):
    monkeypatch.setattr(backup, "MAX_PAYLOAD_BYTES", 1024 * 1024)
    bomb = zlib.compress(b"[" + b" " * (16 * 1024 * 1024) + b"]", 9)
    data = craft(db, None, version=version, raw=bomb)
    with pytest.raises(BackupError, match="bigger than any workbook backup"):
        owndata.restore_backup(db, data, PASS_A)


# --- every malformed file: one kind message, never an exception box --------------------


def _good_content(db, sam) -> dict:
    return content_of(db, owndata.make_backup(db, sam, PASS_A))


def _cases(content: dict) -> list[tuple[str, object]]:
    """(what, content) pairs, each wrong in one way."""
    sid = content["space_id"]
    cases: list[tuple[str, object]] = [
        ("a list", []),
        ("a string", "hello"),
        ("no tables", {"version": 2, "space_id": sid}),
        ("tables is a list", {"version": 2, "space_id": sid, "tables": []}),
        ("space id not a uuid", {**content, "space_id": "x' OR 1=1 --"}),
        ("unknown version", {**content, "version": 99}),
        ("version is text", {**content, "version": "2"}),
    ]

    def change(what, edit):
        c = copy.deepcopy(content)
        edit(c["tables"])
        cases.append((what, {**content, "tables": c["tables"]}))

    t = "tables"  # noqa: F841  (readability of the lambdas below)
    change("unknown table", lambda ts: ts.update({"sqlite_master": []}))
    change("rows not a list", lambda ts: ts.update({"reflections": {"a": 1}}))
    change("a row not an object", lambda ts: ts["reflections"].append([1, 2]))
    change("unknown column", lambda ts: ts["reflections"][0].update({"is_admin": True}))
    change("missing column", lambda ts: ts["reflections"][0].pop("body_ct"))
    change("bytes as an int", lambda ts: ts["reflections"][0].update({"body_ct": 7}))
    change("bytes not base64", lambda ts: ts["reflections"][0].update({"body_ct": {"b64": "%%"}}))
    change("date as a number", lambda ts: ts["reflections"][0].update({"created_at": 5}))
    change(
        "date not a date",
        lambda ts: ts["reflections"][0].update({"created_at": {"dt": "yesterday"}}),
    )
    change("id too long", lambda ts: ts["reflections"][0].update({"id": "x" * 5000}))
    change("id not a uuid", lambda ts: ts["reflections"][0].update({"id": "1"}))
    change("bool as a number", lambda ts: ts["readiness_answers"].append({"round": True}))
    change("null where required", lambda ts: ts["reflections"][0].update({"author_id": None}))
    change("no space row", lambda ts: ts.update({"spaces": []}))
    change("two space rows", lambda ts: ts["spaces"].append(copy.deepcopy(ts["spaces"][0])))
    change("no partners", lambda ts: ts.update({"partners": []}))
    change(
        "visibility made up",
        lambda ts: ts["reflections"][0].update({"visibility": "everyone"}),
    )

    def duplicate_id(ts):
        ts["reflections"].append(copy.deepcopy(ts["reflections"][0]))

    change("an id twice", duplicate_id)
    return cases


def test_every_malformed_file_gives_one_kind_message(db, couple):
    sam, _ = couple
    good = owndata.make_backup(db, sam, PASS_A)
    content = _good_content(db, sam)
    files: list[tuple[str, bytes]] = [
        ("empty", b""),
        ("not a backup", b"hello"),
        ("magic only", backup.MAGIC),
        ("magic, no header end", backup.MAGIC + b"{" * 5000),
        ("header not json", backup.MAGIC + b"{not json\n"),
        ("header a list", backup.MAGIC + b"[]\n"),
        ("header empty object", backup.MAGIC + b"{}\n"),
        ("old header not json", backup.MAGIC_V1 + b"{not json\n"),
        ("payload not zlib", craft(db, None, raw=b"not zlib at all")),
        ("zlib cut short", craft(db, None, raw=zlib.compress(b'{"a": 1}')[:-4])),
        ("payload not json", craft(db, None, raw=zlib.compress(b"\xff\xfe"))),
        ("deep json", craft(db, None, raw=zlib.compress(b"[" * 100_000 + b"]" * 100_000))),
    ]
    for cut in (10, len(backup.MAGIC) + 5, len(good) // 2, len(good) - 1):
        files.append((f"cut at {cut}", good[:cut]))
    rng = random.Random(11)  # noqa: S311  (a repeatable choice of bytes to flip)
    for i in range(40):
        flipped = bytearray(good)
        flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
        files.append((f"bit flip {i}", bytes(flipped)))
    for what, bad in _cases(content):
        for version in (1, 2):
            files.append((f"{what} (v{version})", craft(db, bad, version=version)))
    for what, data in files:
        try:
            owndata.restore_backup(db, data, PASS_A)
        except BackupError as exc:
            assert str(exc) and "Traceback" not in str(exc), what
            with db.engine.begin() as conn:  # tries here are not the point
                conn.execute(tables.signin_failures.delete())
        else:
            pytest.fail(f"{what}: restored")


def test_a_file_bigger_than_any_backup_is_refused_before_anything_else(db, monkeypatch):
    monkeypatch.setattr(backup, "MAX_FILE_BYTES", 1000)
    with pytest.raises(BackupError, match="bigger"):
        owndata.restore_backup(db, backup.MAGIC + b"x" * 1001, PASS_A)


# --- rows belong to one new space, with at most two partners and fresh ids -------------


@pytest.mark.parametrize("version", [1, 2])
def test_a_partner_who_left_cannot_put_their_row_back(db, couple, version):
    sam, alex = couple
    content = content_of(db, owndata.make_backup(db, alex, PASS_B), PASS_B)
    owndata.leave_space(db, alex)
    # Alex's old row, under a new space id that is not here yet: it still names the
    # space Alex left, and would open its shared rows with Alex's old key wrap.
    new_space = content["tables"]["spaces"][0] | {"id": store.new_id()}
    crafted = {
        "version": 1,
        "space_id": new_space["id"],
        "tables": {
            "spaces": [new_space],
            "partners": [p for p in content["tables"]["partners"] if p["id"] == alex.partner_id],
        },
    }
    partners_before = count(db, tables.partners)
    with pytest.raises(BackupError):
        owndata.restore_backup(db, craft(db, crafted, version=version, passphrase=PASS_B), PASS_B)
    assert count(db, tables.partners) == partners_before
    with pytest.raises(spaces.SignInFailed):
        spaces.sign_in(db, "alex", PASS_B)


@pytest.mark.parametrize("version", [1, 2])
def test_rows_that_name_a_live_space_or_reuse_live_ids_are_refused(db, couple, fresh, version):
    sam, _ = couple
    content = content_of(db, owndata.make_backup(db, sam, PASS_A))
    # A row of the file's space that names another space.
    other = copy.deepcopy(content)
    other["tables"]["reflections"][0]["space_id"] = store.new_id()
    # Three partners in one space.
    crowd = copy.deepcopy(content)
    extra = copy.deepcopy(crowd["tables"]["partners"][0])
    extra.update(id=store.new_id(), login_hash={"b64": _b64(os.urandom(32))})
    crowd["tables"]["partners"].append(extra)
    # An author who is not a partner of the file.
    stranger = copy.deepcopy(content)
    stranger["tables"]["reflections"][0]["author_id"] = store.new_id()
    for bad in (other, crowd, stranger):
        with pytest.raises(BackupError, match="damaged"):
            owndata.restore_backup(fresh, craft(fresh, bad, version=version), PASS_A)
    assert count(fresh, tables.partners) == 0
    # A new space id, but a reflection id that is live here already.
    owndata.restore_backup(fresh, craft(fresh, content, version=version), PASS_A)
    reuse = copy.deepcopy(content)
    new_space = store.new_id()
    reuse["space_id"] = new_space
    for rows in reuse["tables"].values():
        for row in rows:
            if "space_id" in row:
                row["space_id"] = new_space
    reuse["tables"]["spaces"][0]["id"] = new_space
    for p in reuse["tables"]["partners"]:
        p["login_hash"] = {"b64": _b64(os.urandom(32))}
    rows_before = count(fresh, tables.reflections)
    # (An old-format file is stopped even earlier: its key wraps name the old space.)
    with pytest.raises(BackupError, match="already here" if version == 2 else "another copy"):
        owndata.restore_backup(fresh, craft(fresh, reuse, version=version), PASS_A)
    assert count(fresh, tables.reflections) == rows_before


# --- throttled like sign-in ------------------------------------------------------------


def test_restore_tries_are_throttled_like_sign_in(db, couple, fresh, frozen):
    sam, _ = couple
    data = owndata.make_backup(db, sam, PASS_A)
    for _ in range(throttle.FREE_TRIES):
        with pytest.raises(BackupError, match="does not open"):
            owndata.restore_backup(fresh, data, "a wrong guess at it")
    with pytest.raises(BackupError, match="wait"):
        owndata.restore_backup(fresh, data, PASS_A)


# --- offline guessing needs the instance secret ----------------------------------------


def test_a_backup_cannot_be_opened_offline_without_the_instance_secret(db, couple):
    sam, _ = couple
    data = owndata.make_backup(db, sam, PASS_A)
    magic = data[: data.index(b"\n") + 1]
    head, envelope = data[len(magic) :].split(b"\n", 1)
    fields = json.loads(head)
    salt, params = base64.b64decode(fields["salt"]), KdfParams.decode(fields["kdf"])
    for associated in (magic, magic + head):
        with pytest.raises(vault.VaultError):
            vault.open_bytes(vault.derive_kek(PASS_A, salt, params, None), envelope, associated)
    key = vault.derive_kek(PASS_A, salt, params, db.pepper)
    assert vault.open_bytes(key, envelope, magic + head)


def test_another_install_is_refused_before_any_key_derivation(db, couple, tmp_path, derivations):
    sam, _ = couple
    data = owndata.make_backup(db, sam, PASS_A)
    other = store.Db(store.engine_for(f"sqlite:///{tmp_path / 'o.db'}"), os.urandom(32), db.kdf)
    derivations.clear()
    with pytest.raises(BackupError, match="another copy of the app"):
        owndata.restore_backup(other, data, PASS_A)
    assert derivations == []
    assert count(other, tables.spaces) == 0


# --- old (version 1) files ---------------------------------------------------------------


def test_an_old_backup_from_this_install_still_restores(db, couple, fresh):
    sam, _ = couple
    content = content_of(db, owndata.make_backup(db, sam, PASS_A))
    content["version"] = 1
    assert owndata.restore_backup(fresh, craft(fresh, content, version=1), PASS_A) > 3
    back = spaces.sign_in(fresh, "sam", PASS_A)
    assert [r.text for r in journal.visible(fresh, back)] == ["SAM-SHARED"]


def test_an_old_backup_from_another_install_is_refused_with_words_that_say_why(
    db, couple, tmp_path
):
    sam, _ = couple
    content = content_of(db, owndata.make_backup(db, sam, PASS_A))
    content["version"] = 1
    other = store.Db(store.engine_for(f"sqlite:///{tmp_path / 'o.db'}"), os.urandom(32), db.kdf)
    with pytest.raises(BackupError, match="another copy of the app"):
        owndata.restore_backup(other, craft(other, content, version=1), PASS_A)
    assert count(other, tables.spaces) == 0


# --- generated rows: whatever a row holds, one kind message or a clean restore ---------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
_COLUMNS = sorted({c.name for t in backup.BACKUP_TABLES for c in t.c} | {"b64", "dt", "is_admin"})


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    table=st.sampled_from([t.name for t in backup.BACKUP_TABLES]),
    row=st.dictionaries(st.sampled_from(_COLUMNS), _JSON | st.fixed_dictionaries({"b64": _JSON})),
)
def test_generated_rows_never_raise_anything_but_a_kind_message(db, couple, fresh, table, row):
    """Into an empty database of the same install, so only the file's rows can stop it."""
    sam, _ = couple
    bad = _good_content(db, sam)
    bad["tables"].setdefault(table, []).append(row)
    try:
        owndata.restore_backup(fresh, craft(fresh, bad), PASS_A)
    except BackupError as exc:
        assert str(exc)


# --- a backup is one moment of the space ---------------------------------------------


def test_a_backup_made_while_the_partner_joins_and_writes_still_restores(db, fresh):
    """The backup reads its tables one after another; a partner who joins and saves
    between two of those reads must be in all of them or in none, or the file names
    an author it does not hold and cannot be restored."""
    sam = make_space(db).member
    code = spaces.create_invite(db, sam)
    armed = [True]

    def meanwhile(_conn, _cursor, statement, *_args) -> None:
        if armed[0] and "FROM reflections WHERE reflections.space_id" in " ".join(
            statement.split()
        ):
            armed[0] = False
            alex = join(db, code).member
            journal.save(
                db,
                alex,
                chapter_id="body",
                prompt_id="body-own-1",
                text="ALEX",
                visibility="shared",
            )

    event.listen(db.engine, "before_cursor_execute", meanwhile)
    try:
        data = owndata.make_backup(db, sam, PASS_A)
    finally:
        event.remove(db.engine, "before_cursor_execute", meanwhile)
    assert not armed[0], "the backup never read the reflections: this test proves nothing"
    assert owndata.restore_backup(fresh, data, PASS_A) >= 2
    back = spaces.sign_in(fresh, "sam", PASS_A)
    assert journal.visible(fresh, back) == []  # the moment before Alex came
