"""Issue 11, section 5: the sign-in throttle holds under a burst and covers every secret."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from sqlalchemy import func, select

from workbook import owndata, spaces, store, throttle, vault
from workbook.spaces import SignInFailed, SpaceError
from workbook.tables import signin_failures

from helpers import PASS_A, PASS_B, join, make_space

FROZEN = datetime(2026, 12, 1, 12, 0, 0)
WRONG = "not the passphrase at all"


@pytest.fixture
def frozen(monkeypatch):
    """Time stands still, so no wait can pass during a burst: the rule allows exactly 5."""
    monkeypatch.setattr(throttle, "now", lambda: FROZEN)


@pytest.fixture
def kdf_calls(monkeypatch):
    calls: list[int] = []
    real = vault.derive_kek
    lock = threading.Lock()

    def counting(*args, **kwargs):
        with lock:
            calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(vault, "derive_kek", counting)
    return calls


def _second_process(db: store.Db) -> store.Db:
    """Another engine and pool on the same database, as a second server process has."""
    return store.Db(store._make_engine(db.engine.url.render_as_string(False)), db.pepper, db.kdf)


def _burst(dbs, attempt, count: int = 40) -> list[object]:
    gate = threading.Barrier(count)
    results: list[object] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        gate.wait()
        try:
            outcome: object = attempt(dbs[i % len(dbs)])
        except Exception as exc:  # noqa: BLE001 - the test inspects every outcome
            outcome = exc
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def test_a_burst_of_40_wrong_guesses_on_two_processes_gets_five_tries(db, frozen, kdf_calls):
    make_space(db)
    other = _second_process(db)
    kdf_calls.clear()
    results = _burst([db, other], lambda d: spaces.sign_in(d, "sam", WRONG))
    other.engine.dispose()
    assert all(isinstance(r, SignInFailed) for r in results), [
        r for r in results if not isinstance(r, SignInFailed)
    ]
    assert len(kdf_calls) == throttle.FREE_TRIES
    assert sum(r.wait_seconds > 0 for r in results) == 40 - throttle.FREE_TRIES


def test_a_burst_at_a_name_nobody_has_never_raises_and_is_counted(db, frozen, kdf_calls):
    other = _second_process(db)
    results = _burst([db, other], lambda d: spaces.sign_in(d, "nobody-here", WRONG))
    other.engine.dispose()
    assert all(isinstance(r, SignInFailed) for r in results)
    assert len(kdf_calls) == throttle.FREE_TRIES
    with db.engine.connect() as conn:
        assert conn.execute(select(signin_failures.c.failures)).scalar_one() == 5


@pytest.mark.parametrize(
    "action",
    ["backup", "change", "recovery", "recover", "unlock"],
)
def test_the_same_throttle_covers_every_passphrase_check(db, frozen, action):
    made = make_space(db)
    sam = made.member

    def attempt(secret: str):
        if action == "backup":
            return owndata.make_backup(db, sam, secret)
        if action == "change":
            return spaces.change_passphrase(db, sam, secret, PASS_B, PASS_B)
        if action == "recovery":
            return owndata.regenerate_recovery(db, sam, secret)
        if action == "unlock":
            return spaces.unlock(db, sam.partner_id, secret)
        code = made.recovery_code if secret == PASS_A else "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AA"
        return spaces.recover(
            db, login="sam", recovery_code=code, passphrase=PASS_B, confirm=PASS_B
        )

    for _ in range(throttle.FREE_TRIES):
        with pytest.raises(SpaceError) as wrong:
            attempt(WRONG)
        assert "wait" not in str(wrong.value)
    with pytest.raises(SignInFailed) as waiting:
        attempt(PASS_A)  # the right secret, but it is time to wait
    assert waiting.value.wait_seconds >= 1
    # And the count is the sign-in's own: signing in must wait too.
    with pytest.raises(SignInFailed) as sign_in_waits:
        spaces.sign_in(db, "sam", PASS_A)
    assert sign_in_waits.value.wait_seconds >= 1


def test_tries_at_invite_codes_are_throttled(db, frozen):
    sam = make_space(db).member
    code = spaces.create_invite(db, sam)
    bad = "BBBB-BBBB-BBBB-BBBB-BBBB-BBBB-BB"
    for _ in range(throttle.FREE_TRIES):
        with pytest.raises(SpaceError) as wrong:
            join(db, bad)
        assert "wait" not in str(wrong.value)
    with pytest.raises(SignInFailed):
        join(db, code)


def test_failure_rows_go_when_the_space_is_deleted_or_a_partner_leaves(db):
    made = make_space(db)
    alex = join(db, spaces.create_invite(db, made.member)).member
    for login in ("sam", "alex"):
        with pytest.raises(SignInFailed):
            spaces.sign_in(db, login, WRONG)

    def rows() -> int:
        with db.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(signin_failures)).scalar_one()

    assert rows() == 2
    owndata.leave_space(db, alex)
    assert rows() == 1
    sam = spaces.sign_in(db, "sam", PASS_A)
    with pytest.raises(SignInFailed):
        spaces.sign_in(db, "sam", WRONG)
    owndata.delete_space(db, sam, "Sam and Alex")
    assert rows() == 0


def test_one_sign_in_name_made_at_once_on_two_processes_gives_one_space(db):
    other = _second_process(db)
    results = _burst(
        [db, other],
        lambda d: make_space(d, login="same-name", secret=PASS_A),
        count=8,
    )
    other.engine.dispose()
    made = [r for r in results if isinstance(r, spaces.NewPartner)]
    refused = [r for r in results if isinstance(r, SpaceError)]
    assert len(made) == 1 and len(refused) == 7, results
    assert all("not available" in str(r) for r in refused)


def test_the_constraint_decides_even_when_a_read_would_have_missed_it(db, monkeypatch):
    """The race made certain: an earlier release's read-before-insert sees nothing."""
    make_space(db, login="same-name")
    monkeypatch.setattr(spaces, "_login_taken", lambda *a: False, raising=False)
    with pytest.raises(SpaceError, match="not available"):
        make_space(db, login="same-name")
    with pytest.raises(SpaceError, match="not available"):
        join(
            db, spaces.create_invite(db, spaces.sign_in(db, "same-name", PASS_A)), login="same-name"
        )


def test_free_tries_never_wait_when_two_clocks_commit_out_of_order(db, monkeypatch):
    """Two right passphrases at once: the later-committing try read its clock first.

    Its moment then lies before the stored last try; a free try must not be told to
    wait for that (it was, "please wait 1 second", for the second of two sign-ins).
    """
    key = b"k" * 32
    times = iter([FROZEN.replace(second=1), FROZEN])
    monkeypatch.setattr(throttle, "now", lambda: next(times))
    throttle.take_try(db, key)
    throttle.take_try(db, key)  # raised Throttled(1) before
