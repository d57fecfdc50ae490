"""Sessions on a shared device (issue 11, section 7): nothing of one partner is left behind.

Sign-out, lock and "Pass to ..." keep an allow-list of session keys; the other partner
sees only counts of what was shared with them.
"""

from __future__ import annotations

import pytest

from workbook import journal, progress, together
from workbook.content import workbook

from apphelpers import (
    button,
    couple,
    fresh_install,  # noqa: F401  (a fixture, used through pytestmark)
)
from helpers import PASS_B, join, make_space

TALKING = workbook().chapter("talking")
PROMPT = TALKING.together[0]
LEFT_BEHIND = {
    "not_today": {TALKING.together[1].id},
    "backup_file": b"a prepared backup of Sam's space",
    "journal_search": "words Sam searched for",
    "some_key_nobody_thought_of": "Sam's",
}


def _leave_things_behind(at) -> None:
    for key, value in LEFT_BEHIND.items():
        at.session_state[key] = value


def _answer(at, words: str) -> None:
    [area] = [a for a in at.text_area if a.key and a.key.endswith(f":{PROMPT.id}")]
    area.input(words)
    at.button(key=f"together:{PROMPT.id}").click().run()
    assert not at.exception, at.exception


@pytest.mark.usefixtures("fresh_install")
def test_hand_over_keeps_nothing_of_the_first_partner():
    sam, _ = couple()
    sam.switch_page("pages/chapter_3.py").run()
    _answer(sam, "Sam's words")
    _leave_things_behind(sam)
    sam.button(key=f"handover:{PROMPT.id}").click().run()
    for key in LEFT_BEHIND:
        assert key not in sam.session_state, key
    assert not [k for k in sam.session_state if str(k).startswith("draft:")]
    [field] = [t for t in sam.text_input if t.label == "Passphrase"]
    field.input(PASS_B)
    button(sam, "Continue").click().run()
    assert sam.session_state["member"].name == "Alex"
    for key in LEFT_BEHIND:
        assert key not in sam.session_state, key


@pytest.mark.usefixtures("fresh_install")
@pytest.mark.parametrize("leave", ["Sign out", "Lock"])
def test_sign_out_and_lock_keep_nothing_but_the_allow_list(leave):
    sam, _ = couple()
    sam.switch_page("pages/chapter_3.py").run()
    _leave_things_behind(sam)
    [b for b in sam.button if b.label == leave][0].click().run()
    for key in LEFT_BEHIND:
        assert key not in sam.session_state, key


def test_a_partner_sees_counts_only_of_what_was_shared_with_them(db):
    made = make_space(db)
    sam = made.member
    from workbook import spaces

    alex = join(db, spaces.create_invite(db, sam)).member
    book = workbook()
    body = book.chapter("body")
    journal.save(
        db,
        sam,
        chapter_id="body",
        prompt_id=body.prompts[0].id,
        text="private",
        visibility=journal.PRIVATE,
    )

    def sams_count(viewer) -> int:
        ids = [t.id for c in book.chapters for t in c.together]
        rows = progress.summary(db, viewer, book, together.states(db, viewer, ids))
        return rows[0].own_answered.get(sam.partner_id, 0)

    assert sams_count(sam) == 1  # Sam may count their own private answers
    assert sams_count(alex) == 0  # Alex may not
    journal.save(
        db,
        sam,
        chapter_id="body",
        prompt_id=body.prompts[1].id,
        text="shared",
        visibility=journal.SHARED,
    )
    assert sams_count(alex) == 1


@pytest.mark.usefixtures("fresh_install")
def test_get_help_now_opens_while_the_device_is_being_passed():
    """Safety: the help page opened from the hand-over screen showed the hand-over again
    (the page was chosen and then not run), so crisis lines were two steps away."""
    sam, _ = couple()
    sam.switch_page("pages/chapter_3.py").run()
    _answer(sam, "Sam's words")
    sam.button(key=f"handover:{PROMPT.id}").click().run()
    assert [t.value for t in sam.title] == ["Pass to Alex"]
    sam.switch_page("pages/get_help.py").run()
    assert not sam.exception, sam.exception
    assert [t.value for t in sam.title] == ["Get help now"]
    assert not [t for t in sam.text_input if t.label == "Passphrase"]
    assert "member" not in sam.session_state  # nobody is signed in meanwhile
    sam.switch_page("pages/account.py").run()  # the link back
    assert [t.value for t in sam.title] == ["Pass to Alex"]


@pytest.mark.usefixtures("fresh_install")
def test_a_hand_over_from_today_comes_back_to_today():
    """Right after a together answer on Today, "Pass to" is offered (Today had moved on
    to the next question, so there was none), and the other partner lands on Today with
    that question first (it came back to the last chapter page visited)."""
    sam, _ = couple()
    sam.switch_page("pages/chapter_1.py").run()
    sam.session_state["today_focus"] = PROMPT.id
    sam.switch_page("pages/today.py").run()
    _answer(sam, "Sam's words")
    sam.button(key=f"handover:{PROMPT.id}").click().run()
    [field] = [t for t in sam.text_input if t.label == "Passphrase"]
    field.input(PASS_B)
    button(sam, "Continue").click().run()
    assert not sam.exception, sam.exception
    assert [t.value for t in sam.title] == ["Today"]
    assert sam.session_state["member"].name == "Alex"
    assert [a for a in sam.text_area if a.key and a.key.endswith(f":{PROMPT.id}")]


@pytest.mark.usefixtures("fresh_install")
def test_pass_to_saves_an_edit_typed_after_the_first_save():
    """The hand-over screen says the answer is saved; an edit typed after the first
    Save was left behind, and the partner opened the older answer."""
    from workbook import together
    from workbook.ui.session import db

    sam, _ = couple()
    sam.switch_page("pages/chapter_3.py").run()
    _answer(sam, "Sam's first words")
    me = sam.session_state["member"]
    [area] = [a for a in sam.text_area if a.key and a.key.endswith(f":{PROMPT.id}")]
    area.input("Sam's better words").run()
    sam.button(key=f"handover:{PROMPT.id}").click().run()
    assert not sam.exception, sam.exception
    assert [t.value for t in sam.title] == ["Pass to Alex"]
    [state] = together.states(db(), me, [PROMPT.id]).values()
    assert state.mine.text == "Sam's better words"


@pytest.mark.usefixtures("fresh_install")
def test_a_wrong_passphrase_at_the_hand_over_names_whose_it_should_be():
    """It said "That sign-in name and passphrase do not match" where no name is asked."""
    sam, _ = couple()
    sam.switch_page("pages/chapter_3.py").run()
    _answer(sam, "Sam's words")
    sam.button(key=f"handover:{PROMPT.id}").click().run()
    [field] = [t for t in sam.text_input if t.label == "Passphrase"]
    field.input("not Alex's passphrase at all")
    button(sam, "Continue").click().run()
    assert [e.value for e in sam.error] == [
        "That is not Alex's passphrase. Check capital letters and try again."
    ]
