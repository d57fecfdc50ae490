"""A click on a session that has ended writes nothing (``idle.session_checked``).

Streamlit runs a button's callback before the page, and the page's session check came
after it: a session ended by a passphrase change on another device, or idle past its
lock while its timer could not fire, still shared, deleted or saved once.
"""

from __future__ import annotations

import time

import pytest

from workbook import drafts, journal, spaces
from workbook.content import workbook
from workbook.ui.session import db

from apphelpers import couple, fresh_install, texts  # noqa: F401 - a fixture
from helpers import PASS_A

pytestmark = pytest.mark.usefixtures("fresh_install")
PROMPT = workbook().chapters[0].prompts[0]
NEW = "a new long passphrase 2"


def _sam_with_a_private_entry():
    sam, alex = couple()
    me = sam.session_state["member"]
    journal.save(
        db(), me, chapter_id="body", prompt_id=PROMPT.id, text="just mine", visibility="private"
    )
    return sam, alex, me


def _passphrase_changed_elsewhere(me) -> None:
    spaces.change_passphrase(db(), me, PASS_A, NEW, NEW)


def _idle_past_the_lock(at) -> None:
    at.session_state["last_active"] = time.monotonic() - 16 * 60  # the lock is 15 minutes


@pytest.mark.parametrize("end", ["passphrase changed elsewhere", "idle past the lock"])
def test_share_on_an_ended_session_shares_nothing(end):
    sam, alex, me = _sam_with_a_private_entry()
    sam.switch_page("pages/journal.py").run()
    [entry] = journal.visible(db(), me)
    sam.button(key=f"edit-toggle:{entry.id}").click().run()
    if end == "idle past the lock":
        _idle_past_the_lock(sam)
    else:
        _passphrase_changed_elsewhere(me)
    sam.button(key=f"switch:{entry.id}").click().run()
    assert not sam.exception, sam.exception
    assert "member" not in sam.session_state or sam.session_state["member"] is None
    [kept] = journal.visible(db(), me)
    assert kept.visibility == "private"
    alex.switch_page("pages/journal.py").run()
    assert "just mine" not in texts(alex)


@pytest.mark.parametrize("end", ["passphrase changed elsewhere", "idle past the lock"])
def test_save_on_an_ended_session_saves_nothing_and_keeps_the_words(end):
    sam, _alex, me = _sam_with_a_private_entry()
    sam.switch_page("pages/chapter_1.py").run()
    key = f"draft:{me.partner_id}:{PROMPT.id}"
    sam.text_area(key=key).input("words typed after")
    if end == "idle past the lock":
        _idle_past_the_lock(sam)
    else:
        _passphrase_changed_elsewhere(me)
    sam.button(key=f"save:{PROMPT.id}").click().run()
    assert not sam.exception, sam.exception
    assert [e.text for e in journal.visible(db(), me)] == ["just mine"]
    if end == "idle past the lock":  # locked: the words wait for this partner's unlock
        assert sam.session_state["locked"][0] == me.partner_id
        assert sam.session_state[key] == "words typed after"
    else:  # signed out, said on the page itself: the words wait as a draft
        assert "member" not in sam.session_state
        assert "signed out because your passphrase changed" in texts(sam)
        again = spaces.sign_in(db(), "sam", NEW)
        assert drafts.load(db(), again) == {PROMPT.id: "words typed after"}


def test_a_click_on_a_live_session_still_acts_and_checks_once():
    """The page run after a checked click does not ask the database again."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    sam, _alex, me = _sam_with_a_private_entry()
    sam.switch_page("pages/journal.py").run()
    [entry] = journal.visible(db(), me)
    sam.button(key=f"edit-toggle:{entry.id}").click().run()
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        if "kdf_salt" in statement and "rotate_due" in statement:
            seen.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        sam.button(key=f"switch:{entry.id}").click().run()
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    assert journal.visible(db(), me)[0].visibility == "shared"
    assert len(seen) == 1


def test_every_button_that_writes_checks_the_session_first():
    """The decorator once slid onto the helper written between it and its callback
    (Save contact went unchecked, and every contact drawn asked the database)."""
    from workbook.ui import (
        checkin_exercise,
        journal_edit,
        live,
        question,
        roles,
        support,
        together,
        wellbeing,
    )

    writes = [
        question._save,
        question._delete,
        together._answer,
        together._agree,
        live.open_together,
        journal_edit._edit,
        journal_edit._switch,
        journal_edit._delete,
        wellbeing._save_result,
        wellbeing._remove,
        wellbeing._share,
        support._add_contact,
        support._contact_action,
        checkin_exercise._checkin,
        checkin_exercise._exercise_done,
        checkin_exercise._exercise_undo,
        roles._changed,
    ]
    assert [f.__name__ for f in writes if not getattr(f, "session_checked", False)] == []
    assert not getattr(support.tel_link, "session_checked", False)  # drawn, not clicked


def test_save_contact_on_an_ended_session_saves_nothing():
    from workbook import careteam

    sam, _alex, me = _sam_with_a_private_entry()
    sam.switch_page("pages/care_team.py").run()
    sam.text_input(key="care:name").input("Jo Brown")
    _passphrase_changed_elsewhere(me)
    [save] = [b for b in sam.button if b.label == "Save contact"]
    save.click().run()
    assert not sam.exception, sam.exception
    again = spaces.sign_in(db(), "sam", NEW)
    assert careteam.contacts(db(), again) == []
