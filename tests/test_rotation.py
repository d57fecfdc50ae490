"""Re-keying after a partner leaves, and sessions that end when keys change elsewhere."""

import pytest
from sqlalchemy import select

from workbook import journal, owndata, spaces, store, together, vault
from workbook.spaces import SpaceError
from workbook.tables import invites, reflections
from workbook.tables import spaces as spaces_table

from helpers import PASS_A, PASS_B, join, make_space


@pytest.fixture
def couple(db):
    made = make_space(db)
    alex = join(db, spaces.create_invite(db, made.member)).member
    sam = made.member
    journal.save(
        db, sam, chapter_id="body", prompt_id="body-own-1", text="sam shared", visibility="shared"
    )
    journal.save(
        db, sam, chapter_id="body", prompt_id="body-own-2", text="sam private", visibility="private"
    )
    together.answer(db, sam, "talking-together-1", "sam together")
    return made, alex


def test_after_a_partner_leaves_the_space_is_rekeyed_at_the_next_sign_in(db, couple):
    made, alex = couple
    old_key = made.member.space_key
    owndata.leave_space(db, alex)
    with db.engine.connect() as conn:
        assert conn.execute(select(spaces_table.c.rotate_due)).scalar_one()
    sam = spaces.sign_in(db, "sam", PASS_A)
    assert sam.space_key != old_key
    assert sorted(r.text for r in journal.visible(db, sam)) == ["sam private", "sam shared"]
    assert sam.space_name == "Sam and Alex" and sam.name == "Sam"
    with db.engine.connect() as conn:
        assert not conn.execute(select(spaces_table.c.rotate_due)).scalar_one()
        shared = conn.execute(select(reflections).where(reflections.c.visibility == "shared")).one()
    # The key the leaver may have kept no longer opens anything shared.
    with pytest.raises(vault.VaultError):
        vault.open_text(
            old_key,
            shared.body_ct,
            vault.ad("reflections", "body_ct", shared.id, shared.space_id, "shared"),
        )
    # And signing in again uses the new key without re-keying twice.
    assert spaces.sign_in(db, "sam", PASS_A).space_key == sam.space_key


def test_a_recovery_key_from_before_the_rekey_still_opens_everything(db, couple):
    made, alex = couple
    owndata.leave_space(db, alex)
    spaces.sign_in(db, "sam", PASS_A)
    back = spaces.recover(
        db, login="sam", recovery_code=made.recovery_code, passphrase=PASS_B, confirm=PASS_B
    )
    assert sorted(r.text for r in journal.visible(db, back)) == ["sam private", "sam shared"]


def test_rekeying_drops_open_invites_and_new_invites_use_the_new_key(db, couple):
    made, alex = couple
    owndata.leave_space(db, alex)
    sam = spaces.sign_in(db, "sam", PASS_A)
    with db.engine.connect() as conn:
        assert conn.execute(select(invites)).first() is None
    newcomer = join(db, spaces.create_invite(db, sam), login="jo-2", name="Jo").member
    assert [r.text for r in journal.visible(db, newcomer)] == ["sam shared"]


def test_a_passphrase_change_ends_other_sessions_but_not_this_one(db, couple):
    made, _ = couple
    laptop = spaces.sign_in(db, "sam", PASS_A)
    phone = spaces.sign_in(db, "sam", PASS_A)
    assert spaces.session_valid(db, laptop) and spaces.session_valid(db, phone)
    laptop = spaces.change_passphrase(db, laptop, PASS_A, PASS_B, PASS_B)
    assert spaces.session_valid(db, laptop)
    assert not spaces.session_valid(db, phone)


def test_leaving_ends_the_leavers_sessions(db, couple):
    _, alex = couple
    owndata.leave_space(db, alex)
    assert not spaces.session_valid(db, alex)


def test_wrong_current_passphrase_changes_nothing(db, couple):
    made, _ = couple
    with pytest.raises(SpaceError):
        spaces.change_passphrase(db, made.member, "nope nope nope", PASS_B, PASS_B)
    assert spaces.session_valid(db, made.member)


# --- issue 11, section 1: every session, write and sign-in after a leave -----------------

PASS_C = "violet harbour stone drum"


def test_a_leave_ends_every_open_session_of_the_space(db, couple):
    made, alex = couple
    sam_before = made.member
    owndata.leave_space(db, alex)
    # The partner who stayed holds the old key in this session: it must end too.
    assert not spaces.session_valid(db, sam_before)
    sam = spaces.sign_in(db, "sam", PASS_A)
    assert spaces.session_valid(db, sam)


def test_invites_are_refused_while_a_rekey_is_due(db, couple):
    made, alex = couple
    owndata.leave_space(db, alex)
    with pytest.raises(SpaceError):
        spaces.create_invite(db, made.member)
    with db.engine.connect() as conn:
        assert conn.execute(select(invites)).first() is None


def test_an_invite_made_before_the_leave_cannot_be_used_after_it(db):
    made = make_space(db)
    code = spaces.create_invite(db, made.member)
    owndata.leave_space(db, made.member)  # the last partner out deletes the space
    with pytest.raises(SpaceError):
        join(db, code)


def test_everyone_who_stays_or_joins_after_a_leave_can_sign_in_and_recover(db, couple):
    """The issue's case: the one who stayed invites from a session opened before."""
    made, alex = couple
    sam_before = made.member
    owndata.leave_space(db, alex)
    try:
        code = spaces.create_invite(db, sam_before)
    except SpaceError:
        code = spaces.create_invite(db, spaces.sign_in(db, "sam", PASS_A))
    jo_new = join(db, code, login="jo-2", name="Jo", secret=PASS_C)
    sam = spaces.sign_in(db, "sam", PASS_A)
    jo = spaces.sign_in(db, "jo-2", PASS_C)
    assert sam.space_key == jo.space_key
    journal.save(
        db, jo, chapter_id="body", prompt_id="body-own-3", text="jo shared", visibility="shared"
    )
    for member in (sam, jo):
        assert {r.text for r in journal.visible(db, member) if r.visibility == "shared"} == {
            "sam shared",
            "jo shared",
        }
    sam_back = spaces.recover(
        db, login="sam", recovery_code=made.recovery_code, passphrase=PASS_B, confirm=PASS_B
    )
    jo_back = spaces.recover(
        db, login="jo-2", recovery_code=jo_new.recovery_code, passphrase=PASS_A, confirm=PASS_A
    )
    for member in (sam_back, jo_back):
        assert "jo shared" in {r.text for r in journal.visible(db, member)}
        assert member.space_name == "Sam and Alex"


def test_a_write_with_a_key_that_is_no_longer_the_spaces_key_is_refused(db, couple):
    from workbook import careteam, checkin, progress, readiness, wellbeing

    made, alex = couple
    sam_before = made.member
    owndata.leave_space(db, alex)
    with pytest.raises(journal.JournalError):
        journal.save(
            db,
            sam_before,
            chapter_id="body",
            prompt_id="body-own-3",
            text="late",
            visibility="shared",
        )
    with pytest.raises(together.TogetherError):
        together.answer(db, sam_before, "talking-together-2", "late")
    with pytest.raises(ValueError):
        progress.mark_exercise_done(db, sam_before, "body", "late")
    with pytest.raises(ValueError):
        progress.unmark_exercise(db, sam_before, "body")
    with pytest.raises(together.TogetherError):
        together.withdraw(db, sam_before, "talking-together-2")
    with pytest.raises(careteam.CareTeamError):
        careteam.add(
            db,
            sam_before,
            role="Midwife",
            name="Late",
            phone="",
            email="",
            notes="",
            visibility="shared",
        )
    with pytest.raises(ValueError):
        wellbeing.save(db, sam_before, checkin.score("phq9", [0] * 9), "shared")
    with pytest.raises(ValueError):
        readiness.submit(db, sam_before, readiness.Answers("Yes", "Ready", "Ready"))
    with pytest.raises(SpaceError):
        owndata.regenerate_recovery(db, sam_before, PASS_A)
    # The re-key happens at the next sign-in; the old session stays refused after it.
    sam = spaces.sign_in(db, "sam", PASS_A)
    with pytest.raises(journal.JournalError):
        journal.save(
            db,
            sam_before,
            chapter_id="body",
            prompt_id="body-own-3",
            text="late",
            visibility="shared",
        )
    # Nothing was written with the old key: everything opens for the new session.
    assert sorted(r.text for r in journal.visible(db, sam)) == ["sam private", "sam shared"]
    assert set(together.states(db, sam)) == {"talking-together-1"}


def _space_epoch(db) -> int:
    with db.engine.connect() as conn:
        return conn.execute(select(spaces_table.c.key_epoch)).scalar_one()


def test_two_sign_ins_at_once_after_a_leave_rekey_exactly_once(db):
    """Two sign-ins of the partner who stayed, on two connections at the same moment."""
    import threading

    for round_ in range(3):
        made = make_space(db, login=f"sam-{round_}", space="Ours")
        alex = join(db, spaces.create_invite(db, made.member), login=f"alex-{round_}").member
        journal.save(
            db,
            made.member,
            chapter_id="body",
            prompt_id="body-own-1",
            text="shared words",
            visibility="shared",
        )
        owndata.leave_space(db, alex)
        gate = threading.Barrier(2)
        results: list = []

        def sign_in(login: str, on: store.Db, gate=gate, results=results) -> None:
            gate.wait()
            try:
                results.append(spaces.sign_in(on, login, PASS_A))
            except Exception as exc:  # noqa: BLE001 - the test reports any failure
                results.append(exc)

        # Two engines and pools, as two server processes have.
        second = store.Db(
            store._make_engine(db.engine.url.render_as_string(False)), db.pepper, db.kdf
        )
        threads = [
            threading.Thread(target=sign_in, args=(f"sam-{round_}", on)) for on in (db, second)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        second.engine.dispose()
        assert all(isinstance(r, spaces.Member) for r in results), results
        first, second = results
        assert first.space_key == second.space_key
        assert [r.text for r in journal.visible(db, first)] == ["shared words"]
        with db.engine.connect() as conn:
            epoch = conn.execute(
                select(spaces_table.c.key_epoch).where(spaces_table.c.id == first.space_id)
            ).scalar_one()
        assert epoch == 2  # one for the leave, one for the single re-key
        assert spaces.session_valid(db, first) and spaces.session_valid(db, second)
