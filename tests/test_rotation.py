"""Re-keying after a partner leaves, and sessions that end when keys change elsewhere."""

import pytest
from sqlalchemy import select

from workbook import journal, owndata, spaces, together, vault
from workbook.spaces import SpaceError
from workbook.store import invites, reflections
from workbook.store import spaces as spaces_table

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
