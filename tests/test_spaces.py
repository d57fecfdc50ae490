"""Spaces, invites and sign-in, on SQLite and PostgreSQL."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from workbook import journal, spaces
from workbook.spaces import SignInFailed, SpaceError
from workbook.store import now
from workbook.tables import invites, partners, signin_failures

from helpers import PASS_A, PASS_B, join, make_space


def test_two_partners_make_and_join_a_space(db):
    sam = make_space(db).member
    alex = join(db, spaces.create_invite(db, sam)).member
    assert alex.space_id == sam.space_id
    assert alex.space_name == "Sam and Alex"
    assert [p.name for p in spaces.partners_of(db, alex)] == ["Sam", "Alex"]


def test_sign_in_ignores_case_and_spaces_in_the_name(db):
    sam = make_space(db).member
    again = spaces.sign_in(db, "  SAM ", PASS_A)
    assert again.partner_id == sam.partner_id
    assert again.space_key == sam.space_key and again.private_key == sam.private_key


def test_wrong_passphrase_and_unknown_name_give_the_same_message(db):
    make_space(db)
    with pytest.raises(SignInFailed) as wrong:
        spaces.sign_in(db, "sam", "lamp river quiet plums")
    with pytest.raises(SignInFailed) as unknown:
        spaces.sign_in(db, "nobody-here", PASS_A)
    assert str(wrong.value) == str(unknown.value)
    assert "do not match" in str(wrong.value)


def test_an_invite_works_once(db):
    sam = make_space(db).member
    code = spaces.create_invite(db, sam)
    join(db, code)
    with pytest.raises(SpaceError, match="does not work"):
        join(db, code, login="someone", name="Someone")


def test_an_expired_invite_does_not_work(db):
    sam = make_space(db).member
    code = spaces.create_invite(db, sam)
    with db.engine.begin() as conn:
        conn.execute(update(invites).values(expires_at=now() - timedelta(minutes=1)))
    with pytest.raises(SpaceError, match="expired"):
        join(db, code)


def test_a_new_invite_replaces_the_old_one(db):
    sam = make_space(db).member
    old = spaces.create_invite(db, sam)
    new = spaces.create_invite(db, sam)
    with pytest.raises(SpaceError):
        join(db, old)
    join(db, new)


def test_a_made_up_invite_code_does_not_work(db):
    make_space(db)
    with pytest.raises(SpaceError, match="does not work"):
        join(db, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GG")


def test_a_space_holds_two_partners(db):
    sam = make_space(db).member
    join(db, spaces.create_invite(db, sam))
    with pytest.raises(SpaceError, match="already has two"):
        spaces.create_invite(db, sam)


def test_sign_in_names_are_unique_on_the_install(db):
    make_space(db)
    with pytest.raises(SpaceError, match="not available"):
        make_space(db, login="Sam")


@pytest.mark.parametrize(
    "secret,confirm,message",
    [
        ("short", "short", "at least 8"),
        ("password123", "password123", "easy to guess"),
        (PASS_A, PASS_A + "x", "not the same"),
        (PASS_A, "", "a second time"),
    ],
)
def test_weak_or_mismatched_passphrases_are_refused_kindly(db, secret, confirm, message):
    with pytest.raises(SpaceError, match=message):
        spaces.create_space(
            db, space_name="Us", display_name="Sam", login="sam", passphrase=secret, confirm=confirm
        )


def test_a_very_long_passphrase_is_used_whole(db):
    long_secret = "quiet river " * 40
    make_space(db, secret=long_secret)
    assert spaces.sign_in(db, "sam", long_secret)
    with pytest.raises(SignInFailed):
        spaces.sign_in(db, "sam", long_secret[:72])


def test_failed_attempts_slow_down_after_five_and_reset_on_success(db):
    make_space(db)
    for _ in range(5):
        with pytest.raises(SignInFailed) as failed:
            spaces.sign_in(db, "sam", "not the passphrase")
        assert failed.value.wait_seconds == 0
    # The sixth attempt, right away, is asked to wait, even with the right passphrase.
    with pytest.raises(SignInFailed) as waiting:
        spaces.sign_in(db, "sam", PASS_A)
    assert waiting.value.wait_seconds >= 1
    assert "wait" in str(waiting.value)
    # Once the wait has passed (simulated), the right passphrase works and resets the count.
    with db.engine.begin() as conn:
        conn.execute(update(signin_failures).values(last_failure_at=now() - timedelta(hours=1)))
    assert spaces.sign_in(db, "sam", PASS_A)
    with db.engine.connect() as conn:
        assert conn.execute(select(signin_failures)).first() is None


def test_waits_double_and_stop_at_fifteen_minutes():
    assert [spaces._wait_seconds(n) for n in (4, 5, 6, 7, 8)] == [0, 1, 2, 4, 8]
    assert spaces._wait_seconds(40) == 15 * 60


def test_the_slowdown_is_kept_in_the_database(db, target):
    make_space(db)
    for _ in range(6):
        with pytest.raises(SignInFailed):
            spaces.sign_in(db, "sam", "not the passphrase")
    # A "restart": a brand-new handle on the same database still remembers.
    from workbook import store

    store.dispose_all()
    fresh = store.Db(store.engine_for(target.url), db.pepper, db.kdf)
    with pytest.raises(SignInFailed) as waiting:
        spaces.sign_in(fresh, "sam", PASS_A)
    assert waiting.value.wait_seconds > 0


def test_unknown_names_are_slowed_down_too(db):
    for _ in range(6):
        with pytest.raises(SignInFailed):
            spaces.sign_in(db, "ghost", "whatever words")
    with pytest.raises(SignInFailed) as waiting:
        spaces.sign_in(db, "ghost", "whatever words")
    assert waiting.value.wait_seconds > 0


def test_changing_the_passphrase_keeps_every_entry_readable(db):
    sam = make_space(db).member
    journal.save(
        db, sam, chapter_id="body", prompt_id="body-own-1", text="kept", visibility=journal.PRIVATE
    )
    with db.engine.connect() as conn:
        before = conn.execute(select(partners.c.key_wrap)).scalar_one()
    assert spaces.change_passphrase(db, sam, PASS_A, PASS_B, PASS_B)
    with pytest.raises(SignInFailed):
        spaces.sign_in(db, "sam", PASS_A)
    again = spaces.sign_in(db, "sam", PASS_B)
    assert [r.text for r in journal.visible(db, again)] == ["kept"]
    with db.engine.connect() as conn:
        assert conn.execute(select(partners.c.key_wrap)).scalar_one() != before


def test_changing_the_passphrase_needs_the_current_one(db):
    sam = make_space(db).member
    with pytest.raises(SpaceError, match="current passphrase"):
        spaces.change_passphrase(db, sam, "wrong words here", PASS_B, PASS_B)


def test_the_recovery_key_sets_a_new_passphrase_and_keeps_private_entries(db):
    made = make_space(db)
    journal.save(
        db,
        made.member,
        chapter_id="body",
        prompt_id="body-own-1",
        text="only mine",
        visibility=journal.PRIVATE,
    )
    back = spaces.recover(
        db, login="sam", recovery_code=made.recovery_code.lower(), passphrase=PASS_B, confirm=PASS_B
    )
    assert [r.text for r in journal.visible(db, back)] == ["only mine"]
    assert spaces.sign_in(db, "sam", PASS_B)


def test_a_wrong_recovery_key_does_not_open_anything(db):
    make_space(db)
    with pytest.raises(SignInFailed, match="do not match"):
        spaces.recover(
            db,
            login="sam",
            recovery_code="AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GG",
            passphrase=PASS_B,
            confirm=PASS_B,
        )


def test_unlock_needs_the_same_partners_passphrase(db):
    sam = make_space(db).member
    alex = join(db, spaces.create_invite(db, sam)).member
    assert spaces.unlock(db, sam.partner_id, PASS_A).partner_id == sam.partner_id
    with pytest.raises(SignInFailed):
        spaces.unlock(db, sam.partner_id, PASS_B)  # Alex's passphrase does not unlock Sam
    assert alex.partner_id != sam.partner_id


def test_kdf_cost_is_raised_at_the_next_sign_in(db):
    from workbook.store import Db
    from workbook.vault import KdfParams

    make_space(db)
    stronger = Db(db.engine, db.pepper, KdfParams(2048, 2, 1))
    spaces.sign_in(stronger, "sam", PASS_A)
    with db.engine.connect() as conn:
        assert conn.execute(select(partners.c.kdf_params)).scalar_one() == "argon2id:m=2048,t=2,p=1"
    assert spaces.sign_in(stronger, "sam", PASS_A)


def _change_while_deriving(monkeypatch, db, member, stronger=None) -> None:
    """The next key derivation of a sign-in (or unlock) has the passphrase changed on
    another device while it runs, as a tenth of a second allows."""
    from workbook import signin

    real = signin.vault.derive_kek
    state = {"changing": False, "done": False}

    def derive(*args, **kwargs):
        result = real(*args, **kwargs)
        if not state["done"] and not state["changing"]:
            state["changing"] = True
            spaces.change_passphrase(db, member, PASS_A, PASS_B, PASS_B)
            state["done"] = True
        return result

    monkeypatch.setattr(signin.vault, "derive_kek", derive)


@pytest.mark.parametrize("way", ["sign in", "unlock", "sign in raising the cost"])
def test_the_old_passphrase_opens_nothing_once_changed_during_its_check(db, monkeypatch, way):
    """A sign-in with the old passphrase that started just before a change opened a
    session the change did not end (it took the new salt as its own); one that raised
    the KDF cost wrote the old passphrase back over the new one."""
    from workbook.store import Db
    from workbook.vault import KdfParams

    sam = make_space(db).member
    _change_while_deriving(monkeypatch, db, sam)
    with pytest.raises(SignInFailed):
        if way == "unlock":
            spaces.unlock(db, sam.partner_id, PASS_A)
        elif way == "sign in":
            spaces.sign_in(db, "sam", PASS_A)
        else:
            spaces.sign_in(Db(db.engine, db.pepper, KdfParams(2048, 2, 1)), "sam", PASS_A)
    monkeypatch.undo()
    with pytest.raises(SignInFailed):
        spaces.sign_in(db, "sam", PASS_A)
    assert spaces.sign_in(db, "sam", PASS_B)  # the new one is the one that works
