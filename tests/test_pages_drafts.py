"""Nothing typed is lost: drafts come back after a reload, a sign-in or a lock (AppTest).

A fresh AppTest is a new browser session, as a reload is.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from workbook import journal, tables, text, together
from workbook.content import workbook
from workbook.ui.idle import AUTOMATIC_RUN

from apphelpers import (
    button,
    couple,
    create_space,
    fresh_install,  # noqa: F401  (a fixture, used through pytestmark)
    open_app,
    sign_in,
    texts,
)
from helpers import PASS_A

pytestmark = pytest.mark.usefixtures("fresh_install")
BODY = workbook().chapter("body")
TALKING = workbook().chapter("talking")


def _area(at, prompt_id):
    [area] = [a for a in at.text_area if a.key and a.key.endswith(f":{prompt_id}")]
    return area


def _saved_elsewhere(page: str, prompt_id: str, words: str, button_kind: str = "save"):
    """Another window of the same partner (sam) opens the page and saves ``words``."""
    other = sign_in(open_app(), "sam", PASS_A)
    other.switch_page(page).run()
    _area(other, prompt_id).input(words).run()
    other.button(key=f"{button_kind}:{prompt_id}").click().run()
    return other


def _draft_rows(at) -> int:
    from workbook.ui.session import db

    with db().engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(tables.drafts)).scalar()


def test_a_draft_comes_back_after_a_reload_and_sign_in():
    at = create_space(open_app())
    at.switch_page("pages/chapter_1.py").run()
    _area(at, BODY.prompts[0].id).input("Half a thought, not saved").run()
    _area(at, BODY.prompts[1].id).input("Another").run()
    again = sign_in(open_app(), "sam", PASS_A)  # a reload is a new session
    again.switch_page("pages/chapter_1.py").run()
    assert _area(again, BODY.prompts[0].id).value == "Half a thought, not saved"
    assert _area(again, BODY.prompts[1].id).value == "Another"


def test_saving_the_answer_deletes_its_draft():
    at = create_space(open_app())
    at.switch_page("pages/chapter_1.py").run()
    prompt = BODY.prompts[0]
    _area(at, prompt.id).input("Now saved").run()
    assert _draft_rows(at) == 1
    at.button(key=f"save:{prompt.id}").click().run()
    assert _draft_rows(at) == 0
    again = sign_in(open_app(), "sam", PASS_A)
    again.switch_page("pages/chapter_1.py").run()
    assert _area(again, prompt.id).value == "Now saved"


def test_words_not_saved_yet_say_so_even_after_a_reload():
    """A box holding words that are not the saved answer said nothing: after a reload
    the draft was back in the box under "Saved ... Only you can see this", and looked
    saved."""
    at = create_space(open_app())
    at.switch_page("pages/chapter_1.py").run()
    prompt = BODY.prompts[0]
    assert text.DRAFT_NOT_SAVED not in texts(at)
    _area(at, prompt.id).input("Half a thought").run()
    assert text.DRAFT_NOT_SAVED in texts(at)
    at.button(key=f"save:{prompt.id}").click().run()
    assert text.DRAFT_NOT_SAVED not in texts(at)
    assert text.CHANGES_NOT_SAVED not in texts(at)
    _area(at, prompt.id).input("Half a thought, and more").run()
    assert text.CHANGES_NOT_SAVED in texts(at)
    again = sign_in(open_app(), "sam", PASS_A)  # a reload: the draft comes back
    again.switch_page("pages/chapter_1.py").run()
    assert _area(again, prompt.id).value == "Half a thought, and more"
    assert text.CHANGES_NOT_SAVED in texts(again)
    _area(again, prompt.id).input("Half a thought").run()  # back to what is saved
    assert text.CHANGES_NOT_SAVED not in texts(again)
    _area(again, prompt.id).input("").run()  # emptied: Save would refuse it, so no nudge
    assert text.CHANGES_NOT_SAVED not in texts(again)


def test_a_box_left_unchanged_follows_an_answer_saved_in_another_window():
    """Two windows of one partner: the second saves a new answer. The first window's
    box, holding the earlier answer unchanged, showed it still, and its Save put the
    earlier words back over the newer ones. Words typed there are never replaced."""
    first = create_space(open_app())
    first.switch_page("pages/chapter_1.py").run()
    kept, typed = BODY.prompts[0], BODY.prompts[1]
    for prompt in (kept, typed):
        _area(first, prompt.id).input(f"First words for {prompt.id}").run()
        first.button(key=f"save:{prompt.id}").click().run()
    _area(first, typed.id).input("Typed in the first window, not saved").run()
    second = sign_in(open_app(), "sam", PASS_A)
    second.switch_page("pages/chapter_1.py").run()
    for prompt in (kept, typed):
        _area(second, prompt.id).input(f"Newer words for {prompt.id}").run()
        second.button(key=f"save:{prompt.id}").click().run()
    first.switch_page("pages/chapter_1.py").run()  # as the news poll's rerun does
    assert _area(first, kept.id).value == f"Newer words for {kept.id}"
    assert _area(first, typed.id).value == "Typed in the first window, not saved"
    # said above the box it did not follow: its Save would replace the newer words
    assert [w.value for w in first.warning].count(text.ANSWER_CHANGED_ELSEWHERE) == 1
    first.button(key=f"save:{kept.id}").click().run()  # saves the newer words, not older
    again = sign_in(open_app(), "sam", PASS_A)
    again.switch_page("pages/chapter_1.py").run()
    assert _area(again, kept.id).value == f"Newer words for {kept.id}"


def test_who_can_see_it_follows_a_change_saved_in_another_window():
    """Made private in one window, an answer went back to shared when the other
    window, still showing "Share", saved an edit of its words."""
    first, _alex = couple()
    first.switch_page("pages/chapter_1.py").run()
    prompt = BODY.prompts[0]
    choice = f"visibility:{prompt.id}"
    _area(first, prompt.id).input("Shared at first").run()
    first.radio(key=choice).set_value(journal.SHARED).run()
    first.button(key=f"save:{prompt.id}").click().run()
    second = sign_in(open_app(), "sam", PASS_A)
    second.switch_page("pages/chapter_1.py").run()
    assert second.radio(key=choice).value == journal.SHARED
    second.radio(key=choice).set_value(journal.PRIVATE).run()
    second.button(key=f"save:{prompt.id}").click().run()
    first.switch_page("pages/chapter_1.py").run()
    assert first.radio(key=choice).value == journal.PRIVATE
    _area(first, prompt.id).input("Shared at first, then edited").run()
    first.button(key=f"save:{prompt.id}").click().run()
    from workbook.ui.session import db

    with db().engine.connect() as conn:
        visibility = conn.execute(select(tables.reflections.c.visibility)).scalar_one()
    assert visibility == journal.PRIVATE


def test_a_together_box_follows_an_answer_updated_in_another_window():
    sam, _alex = couple()
    prompt = TALKING.together[0]
    sam.switch_page("pages/chapter_3.py").run()
    _area(sam, prompt.id).input("First together words").run()
    sam.button(key=f"together:{prompt.id}").click().run()
    _saved_elsewhere("pages/chapter_3.py", prompt.id, "Newer together words", "together")
    sam.switch_page("pages/chapter_3.py").run()
    assert _area(sam, prompt.id).value == "Newer together words"
    assert text.CHANGES_NOT_SAVED not in texts(sam)


def test_words_typed_in_two_windows_warn_before_a_save_replaces_the_newer_answer():
    """One partner, two windows, words typed in both: the second window's Save, then
    the first's, and the first replaced the newer answer without a word. Now the
    first window says so above its box until its own Save (which then stands)."""
    first = create_space(open_app())
    first.switch_page("pages/chapter_1.py").run()
    prompt = BODY.prompts[0]
    _area(first, prompt.id).input("The first answer").run()
    first.button(key=f"save:{prompt.id}").click().run()
    _area(first, prompt.id).input("Typed in the first window").run()
    first.switch_page("pages/chapter_1.py").run()
    assert text.ANSWER_CHANGED_ELSEWHERE not in [w.value for w in first.warning]
    assert text.CHANGES_NOT_SAVED in texts(first)  # only typed here: the quiet note
    second = sign_in(open_app(), "sam", PASS_A)
    second.switch_page("pages/chapter_1.py").run()
    _area(second, prompt.id).input("Newer words from the second window").run()
    second.button(key=f"save:{prompt.id}").click().run()
    assert text.ANSWER_CHANGED_ELSEWHERE not in [w.value for w in second.warning]
    first.switch_page("pages/chapter_1.py").run()  # as the news poll's rerun does
    assert _area(first, prompt.id).value == "Typed in the first window"
    assert [w.value for w in first.warning].count(text.ANSWER_CHANGED_ELSEWHERE) == 1
    assert text.CHANGES_NOT_SAVED not in texts(first)  # the warning says it once
    first.button(key=f"save:{prompt.id}").click().run()  # the person chose: it stands
    assert text.ANSWER_CHANGED_ELSEWHERE not in [w.value for w in first.warning]
    again = sign_in(open_app(), "sam", PASS_A)
    again.switch_page("pages/chapter_1.py").run()
    assert _area(again, prompt.id).value == "Typed in the first window"


def test_a_together_answer_changed_in_another_window_warns_before_it_is_replaced():
    sam, _alex = couple()
    prompt = TALKING.together[0]
    sam.switch_page("pages/chapter_3.py").run()
    _area(sam, prompt.id).input("First together words").run()
    sam.button(key=f"together:{prompt.id}").click().run()
    _area(sam, prompt.id).input("Typed here, not saved").run()
    _saved_elsewhere("pages/chapter_3.py", prompt.id, "Newer together words", "together")
    sam.switch_page("pages/chapter_3.py").run()
    assert _area(sam, prompt.id).value == "Typed here, not saved"
    assert [w.value for w in sam.warning].count(text.TOGETHER_CHANGED_ELSEWHERE) == 1
    assert text.CHANGES_NOT_SAVED not in texts(sam)  # the warning says it once
    sam.button(key=f"together:{prompt.id}").click().run()
    assert text.TOGETHER_CHANGED_ELSEWHERE not in [w.value for w in sam.warning]
    again = sign_in(open_app(), "sam", PASS_A)
    again.switch_page("pages/chapter_3.py").run()
    assert _area(again, prompt.id).value == "Typed here, not saved"


def _warned(at, words=text.ANSWER_CHANGED_ELSEWHERE) -> bool:
    return words in [w.value for w in at.warning]


def test_a_first_answer_saved_in_another_window_warns_the_window_still_typing():
    """Both windows open with nothing saved; the second saves first. The first window
    knew no saved answer at all, and its Save replaced the other's without a word."""
    first, _alex = couple()
    first.switch_page("pages/chapter_1.py").run()
    first.switch_page("pages/chapter_3.py").run()
    own, shared = BODY.prompts[0], TALKING.together[0]
    second = sign_in(open_app(), "sam", PASS_A)
    first.switch_page("pages/chapter_1.py").run()
    _area(first, own.id).input("Typed first, not saved").run()
    first.switch_page("pages/chapter_3.py").run()
    _area(first, shared.id).input("Together words typed first").run()
    second.switch_page("pages/chapter_1.py").run()
    _area(second, own.id).input("Saved first in the second window").run()
    second.button(key=f"save:{own.id}").click().run()
    second.switch_page("pages/chapter_3.py").run()
    _area(second, shared.id).input("Together words saved first").run()
    second.button(key=f"together:{shared.id}").click().run()
    first.switch_page("pages/chapter_1.py").run()
    assert _area(first, own.id).value == "Typed first, not saved"
    assert _warned(first)
    first.switch_page("pages/chapter_3.py").run()
    assert _area(first, shared.id).value == "Together words typed first"
    assert _warned(first, text.TOGETHER_CHANGED_ELSEWHERE)


def test_an_untouched_empty_box_follows_a_first_answer_saved_in_another_window():
    first = create_space(open_app())
    first.switch_page("pages/chapter_1.py").run()
    prompt = BODY.prompts[0]
    assert _area(first, prompt.id).value == ""
    second = sign_in(open_app(), "sam", PASS_A)
    second.switch_page("pages/chapter_1.py").run()
    _area(second, prompt.id).input("Saved in the second window").run()
    second.button(key=f"save:{prompt.id}").click().run()
    first.switch_page("pages/chapter_1.py").run()
    assert _area(first, prompt.id).value == "Saved in the second window"
    assert not _warned(first)


def test_a_draft_back_after_a_reload_warns_when_a_newer_answer_is_saved_elsewhere():
    first = create_space(open_app())
    first.switch_page("pages/chapter_1.py").run()
    prompt = BODY.prompts[0]
    _area(first, prompt.id).input("The first answer").run()
    first.button(key=f"save:{prompt.id}").click().run()
    _area(first, prompt.id).input("A draft kept through a reload").run()
    reloaded = sign_in(open_app(), "sam", PASS_A)
    reloaded.switch_page("pages/chapter_1.py").run()
    assert _area(reloaded, prompt.id).value == "A draft kept through a reload"
    assert not _warned(reloaded)
    other = sign_in(open_app(), "sam", PASS_A)
    other.switch_page("pages/chapter_1.py").run()
    _area(other, prompt.id).input("Newer words from another window").run()
    other.button(key=f"save:{prompt.id}").click().run()
    reloaded.switch_page("pages/chapter_1.py").run()
    assert _area(reloaded, prompt.id).value == "A draft kept through a reload"
    assert _warned(reloaded)


def test_no_warning_after_this_window_deletes_or_a_read_fails(monkeypatch):
    """What this window did itself, or a run that could not read the answers, is never
    called a newer answer saved elsewhere."""
    sam, _alex = couple()
    sam.switch_page("pages/chapter_1.py").run()
    prompt = BODY.prompts[0]
    _area(sam, prompt.id).input("Saved, then deleted").run()
    sam.button(key=f"save:{prompt.id}").click().run()
    sam.button(key=f"delete:{prompt.id}").click().run()
    _area(sam, prompt.id).input("Typed after the delete").run()
    sam.switch_page("pages/chapter_1.py").run()
    assert not _warned(sam)
    sam.button(key=f"save:{prompt.id}").click().run()
    again = sign_in(open_app(), "sam", PASS_A)  # a new window whose first read fails
    with monkeypatch.context() as failing:
        failing.setattr(journal, "visible", _unreachable)
        again.switch_page("pages/chapter_1.py").run()
        assert "could not load" in texts(again)
        _area(again, prompt.id).input("Typed while the answers could not be read").run()
    again.switch_page("pages/chapter_1.py").run()
    assert _area(again, prompt.id).value == "Typed while the answers could not be read"
    assert not _warned(again)
    assert text.CHANGES_NOT_SAVED in texts(again)


def _unreachable(*_args, **_kwargs):
    raise OperationalError("SELECT", {}, Exception("the database went away"))


def test_a_failed_read_never_calls_saved_words_unsaved(monkeypatch):
    """When the saved answers cannot be read, the boxes still hold them: saying "Not
    saved yet" under them would be untrue (and would invite a second save)."""
    sam, _alex = couple()
    sam.switch_page("pages/chapter_1.py").run()
    own = BODY.prompts[0]
    _area(sam, own.id).input("Saved words").run()
    sam.button(key=f"save:{own.id}").click().run()
    sam.switch_page("pages/chapter_3.py").run()
    shared = TALKING.together[0]
    _area(sam, shared.id).input("A together answer").run()
    sam.button(key=f"together:{shared.id}").click().run()
    monkeypatch.setattr(journal, "visible", _unreachable)
    monkeypatch.setattr(together, "states", _unreachable)
    for page in ("pages/chapter_1.py", "pages/chapter_3.py"):
        sam.switch_page(page).run()
        assert "could not load" in texts(sam)
        assert text.DRAFT_NOT_SAVED not in texts(sam), page


def test_words_typed_back_to_the_saved_answer_leave_no_draft():
    """Typing, a pause (the words kept as a draft), then typing back to the saved
    answer: the draft of the words in between stayed, and a reload put them back."""
    at = create_space(open_app())
    at.switch_page("pages/chapter_1.py").run()
    prompt = BODY.prompts[0]
    _area(at, prompt.id).input("The answer").run()
    at.button(key=f"save:{prompt.id}").click().run()
    _area(at, prompt.id).input("The answer, and a second thought").run()
    assert _draft_rows(at) == 1
    _area(at, prompt.id).input("The answer").run()
    assert _draft_rows(at) == 0
    again = sign_in(open_app(), "sam", PASS_A)
    again.switch_page("pages/chapter_1.py").run()
    assert _area(again, prompt.id).value == "The answer"
    assert text.CHANGES_NOT_SAVED not in texts(again)


def test_a_together_draft_and_an_agreement_draft_are_kept_too():
    sam, alex = couple()
    prompt = TALKING.together[0]
    sam.switch_page("pages/chapter_3.py").run()
    _area(sam, prompt.id).input("Together, not yet saved").run()
    again = sign_in(open_app(), "sam", PASS_A)
    again.switch_page("pages/chapter_3.py").run()
    assert _area(again, prompt.id).value == "Together, not yet saved"
    assert text.DRAFT_NOT_SAVED in texts(again)  # and says it is not saved


def test_the_sign_in_view_says_kindly_that_typed_words_are_kept():
    at = open_app("pages/account.py")
    assert "Anything you typed while signed in is kept" in texts(at)


def test_words_typed_as_a_guest_are_kept_once_signed_in():
    at = open_app("pages/chapter_1.py")
    _area(at, BODY.prompts[0].id).input("Before I had a space").run()
    create_space(at)
    button(at, "I have saved my recovery key").click().run()
    again = sign_in(open_app(), "sam", PASS_A)
    again.switch_page("pages/chapter_1.py").run()
    assert _area(again, BODY.prompts[0].id).value == "Before I had a space"


def test_typing_then_save_in_one_click_stores_no_draft_on_the_way(monkeypatch):
    """Words typed and saved with one click (the field commits as Save is pressed) go
    straight into the answer: no draft is written only to be deleted again."""
    from workbook import drafts

    at = create_space(open_app())
    at.switch_page("pages/chapter_1.py").run()
    written: list[str] = []
    real = drafts.save
    monkeypatch.setattr(drafts, "save", lambda *a, **k: (written.append(a[2]), real(*a, **k)))
    prompt = BODY.prompts[0]
    _area(at, prompt.id).input("Typed and saved at once")
    at.button(key=f"save:{prompt.id}").click().run()
    assert not at.exception, at.exception
    assert written == []
    assert _draft_rows(at) == 0
    again = sign_in(open_app(), "sam", PASS_A)
    again.switch_page("pages/chapter_1.py").run()
    assert _area(again, prompt.id).value == "Typed and saved at once"


def test_words_a_save_refused_are_kept_as_a_draft():
    """A Save that cannot go through (here: past the length limit) keeps the words as a
    draft, as a pause in typing would: they come back after a reload."""
    from workbook.ui.fields import MAX_ANSWER_CHARS

    at = create_space(open_app())
    at.switch_page("pages/chapter_1.py").run()
    prompt = BODY.prompts[0]
    words = "x" * (MAX_ANSWER_CHARS + 1)
    _area(at, prompt.id).input(words)
    at.button(key=f"save:{prompt.id}").click().run()
    assert not at.exception, at.exception
    assert _draft_rows(at) == 1
    again = sign_in(open_app(), "sam", PASS_A)
    again.switch_page("pages/chapter_1.py").run()
    assert _area(again, prompt.id).value == words


def test_a_together_answer_typed_and_saved_in_one_click_stores_no_draft(monkeypatch):
    from workbook import drafts

    sam, _alex = couple()
    prompt = TALKING.together[0]
    sam.switch_page("pages/chapter_3.py").run()
    written: list[str] = []
    real = drafts.save
    monkeypatch.setattr(drafts, "save", lambda *a, **k: (written.append(a[2]), real(*a, **k)))
    _area(sam, prompt.id).input("Mine, hidden until you answer")
    sam.button(key=f"together:{prompt.id}").click().run()
    assert not sam.exception, sam.exception
    assert written == []
    assert "It stays hidden until you have both answered" in texts(sam)


def test_a_save_in_one_window_leaves_the_words_typed_since_in_another():
    """The same person with one question open in two windows: the first window's Save
    took the draft the second had written since (one row per prompt), so once the
    second window was reloaded its words were gone."""
    first = create_space(open_app())
    first.switch_page("pages/chapter_1.py").run()
    prompt = BODY.prompts[0]
    _area(first, prompt.id).input("The first window's answer").run()
    second = sign_in(open_app(), "sam", PASS_A)
    second.switch_page("pages/chapter_1.py").run()
    assert _area(second, prompt.id).value == "The first window's answer"  # found, kept
    _area(second, prompt.id).input("Words the second window typed since").run()
    first.button(key=f"save:{prompt.id}").click().run()
    assert not first.exception, first.exception
    assert _draft_rows(first) == 1
    again = sign_in(open_app(), "sam", PASS_A)  # the second window, reloaded
    again.switch_page("pages/chapter_1.py").run()
    assert _area(again, prompt.id).value == "Words the second window typed since"
    # ...and that window's own Save takes its draft, found at sign-in, with it
    again.button(key=f"save:{prompt.id}").click().run()
    assert not again.exception, again.exception
    assert _draft_rows(again) == 0


def test_a_together_answer_saved_in_one_window_leaves_the_other_windows_draft():
    sam, _alex = couple()
    prompt = TALKING.together[0]
    sam.switch_page("pages/chapter_3.py").run()
    _area(sam, prompt.id).input("First thoughts").run()
    other = sign_in(open_app(), "sam", PASS_A)
    other.switch_page("pages/chapter_3.py").run()
    _area(other, prompt.id).input("Second thoughts, in another window").run()
    sam.button(key=f"together:{prompt.id}").click().run()
    assert not sam.exception, sam.exception
    again = sign_in(open_app(), "sam", PASS_A)
    again.switch_page("pages/chapter_3.py").run()
    assert _area(again, prompt.id).value == "Second thoughts, in another window"


def test_clearing_the_words_in_one_window_keeps_the_other_windows_draft():
    first = create_space(open_app())
    first.switch_page("pages/chapter_1.py").run()
    prompt = BODY.prompts[0]
    _area(first, prompt.id).input("Maybe not").run()
    second = sign_in(open_app(), "sam", PASS_A)
    second.switch_page("pages/chapter_1.py").run()
    _area(second, prompt.id).input("Yes, this").run()
    _area(first, prompt.id).input("").run()  # cleared here; the row is the second's
    assert _draft_rows(first) == 1
    again = sign_in(open_app(), "sam", PASS_A)
    again.switch_page("pages/chapter_1.py").run()
    assert _area(again, prompt.id).value == "Yes, this"


def test_clearing_the_words_deletes_the_windows_own_draft():
    at = create_space(open_app())
    at.switch_page("pages/chapter_1.py").run()
    prompt = BODY.prompts[0]
    _area(at, prompt.id).input("Maybe").run()
    assert _draft_rows(at) == 1
    _area(at, prompt.id).input("").run()
    assert _draft_rows(at) == 0


def test_a_together_answer_saved_after_a_pause_takes_its_own_draft():
    sam, _alex = couple()
    prompt = TALKING.together[0]
    sam.switch_page("pages/chapter_3.py").run()
    _area(sam, prompt.id).input("Typed, a pause, then saved").run()
    assert _draft_rows(sam) == 1
    sam.button(key=f"together:{prompt.id}").click().run()
    assert not sam.exception, sam.exception
    assert _draft_rows(sam) == 0


def _lock_and_unlock(at) -> None:
    button(at, "Lock").click().run()
    [field] = [t for t in at.text_input if t.label == "Passphrase"]
    field.input(PASS_A)
    button(at, "Unlock").click().run()
    assert not at.exception, at.exception


def test_after_a_lock_a_save_still_takes_the_windows_own_draft():
    at = create_space(open_app())
    button(at, "I have saved my recovery key").click().run()
    at.switch_page("pages/chapter_1.py").run()
    prompt = BODY.prompts[0]
    _area(at, prompt.id).input("Typed before the lock").run()
    _lock_and_unlock(at)
    assert _area(at, prompt.id).value == "Typed before the lock"
    at.button(key=f"save:{prompt.id}").click().run()
    assert not at.exception, at.exception
    assert _draft_rows(at) == 0


def test_a_window_unlocked_after_another_wrote_does_not_take_the_others_draft():
    """Window one locked with its words; window two typed others since. Unlocked,
    window one still shows its own words: its Save must leave window two's draft."""
    first = create_space(open_app())
    button(first, "I have saved my recovery key").click().run()
    first.switch_page("pages/chapter_1.py").run()
    prompt = BODY.prompts[0]
    _area(first, prompt.id).input("Window one's words").run()
    button(first, "Lock").click().run()
    second = sign_in(open_app(), "sam", PASS_A)
    second.switch_page("pages/chapter_1.py").run()
    _area(second, prompt.id).input("Window two's words, typed since").run()
    [field] = [t for t in first.text_input if t.label == "Passphrase"]
    field.input(PASS_A)
    button(first, "Unlock").click().run()
    assert _area(first, prompt.id).value == "Window one's words"
    first.button(key=f"save:{prompt.id}").click().run()
    assert not first.exception, first.exception
    again = sign_in(open_app(), "sam", PASS_A)
    again.switch_page("pages/chapter_1.py").run()
    assert _area(again, prompt.id).value == "Window two's words, typed since"


def _lock_save_elsewhere_unlock(at, prompt_id: str, words: str) -> None:
    """Lock this window; another window of the same partner saves; unlock here."""
    button(at, "Lock").click().run()
    _saved_elsewhere("pages/chapter_1.py", prompt_id, words)
    [field] = [t for t in at.text_input if t.label == "Passphrase"]
    field.input(PASS_A)
    button(at, "Unlock").click().run()
    at.switch_page("pages/chapter_1.py").run()


def test_boxes_follow_or_warn_about_an_answer_saved_elsewhere_while_locked():
    """A lock kept the boxes but forgot what this window knew as saved: after the
    unlock, an untouched box kept the older answer (or stayed empty) and its Save put
    that back over the newer one; typed words got no warning."""
    at = create_space(open_app())
    button(at, "I have saved my recovery key").click().run()
    at.switch_page("pages/chapter_1.py").run()
    empty, old, typed = BODY.prompts[0], BODY.prompts[1], BODY.prompts[2]
    for prompt in (old, typed):
        _area(at, prompt.id).input("Older words").run()
        at.button(key=f"save:{prompt.id}").click().run()
    _area(at, typed.id).input("Typed before the lock").run()
    for prompt in (empty, old, typed):
        _lock_save_elsewhere_unlock(at, prompt.id, f"Newer words for {prompt.id}")
    assert _area(at, empty.id).value == f"Newer words for {empty.id}"
    assert _area(at, old.id).value == f"Newer words for {old.id}"
    assert _area(at, typed.id).value == "Typed before the lock"
    assert [w.value for w in at.warning].count(text.ANSWER_CHANGED_ELSEWHERE) == 1


def test_reading_a_chapter_before_signing_in_is_not_taken_for_nothing_saved():
    """A signed-out visit drew the boxes with nothing saved; after signing in, a draft
    over a saved answer was told a newer answer had been saved (the review's case)."""
    first = create_space(open_app())
    first.switch_page("pages/chapter_1.py").run()
    prompt = BODY.prompts[0]
    _area(first, prompt.id).input("The first answer").run()
    first.button(key=f"save:{prompt.id}").click().run()
    _area(first, prompt.id).input("A draft kept through a reload").run()
    again = open_app("pages/chapter_1.py")  # signed out, reading the chapter first
    sign_in(again, "sam", PASS_A)
    again.switch_page("pages/chapter_1.py").run()
    assert _area(again, prompt.id).value == "A draft kept through a reload"
    assert not _warned(again)


def test_a_box_emptied_by_its_own_delete_follows_an_answer_saved_later_elsewhere():
    first = create_space(open_app())
    first.switch_page("pages/chapter_1.py").run()
    prompt = BODY.prompts[0]
    _area(first, prompt.id).input("Saved, then deleted").run()
    first.button(key=f"save:{prompt.id}").click().run()
    first.button(key=f"delete:{prompt.id}").click().run()
    assert _area(first, prompt.id).value == ""
    _saved_elsewhere("pages/chapter_1.py", prompt.id, "Written again elsewhere", "save")
    first.switch_page("pages/chapter_1.py").run()
    assert _area(first, prompt.id).value == "Written again elsewhere"


def test_words_matching_the_newer_answer_make_it_known_here():
    """Typed here to the very words saved elsewhere: that answer is known now, and
    typing on is not called a newer answer saved after."""
    first = create_space(open_app())
    first.switch_page("pages/chapter_1.py").run()
    prompt = BODY.prompts[0]
    _area(first, prompt.id).input("Older words").run()
    first.button(key=f"save:{prompt.id}").click().run()
    _area(first, prompt.id).input("Typed here").run()
    _saved_elsewhere("pages/chapter_1.py", prompt.id, "The same words", "save")
    _area(first, prompt.id).input("The same words").run()
    first.switch_page("pages/chapter_1.py").run()
    _area(first, prompt.id).input("The same words, and more").run()
    first.switch_page("pages/chapter_1.py").run()
    assert not _warned(first)


def test_a_run_the_app_started_itself_never_fills_a_box_that_looks_empty():
    """The news poll's run carries no words still being typed in the browser: filling
    a box that looks empty then would replace them there. The next click fills it."""
    first = create_space(open_app())
    first.switch_page("pages/chapter_1.py").run()
    prompt = BODY.prompts[0]
    second = sign_in(open_app(), "sam", PASS_A)
    second.switch_page("pages/chapter_1.py").run()
    _area(second, prompt.id).input("Saved in the second window").run()
    second.button(key=f"save:{prompt.id}").click().run()
    first.session_state[AUTOMATIC_RUN] = True  # as the poll sets it before its rerun
    first.run()
    assert _area(first, prompt.id).value == ""
    assert not _warned(first)
    first.switch_page("pages/chapter_1.py").run()  # a click
    assert _area(first, prompt.id).value == "Saved in the second window"


def test_an_answer_deleted_elsewhere_while_locked_is_known_deleted_after_unlocking():
    """Kept through the lock, the old answer's digest took words typed back to it for
    the saved answer and dropped their draft: after a reload the box was empty."""
    at = create_space(open_app())
    button(at, "I have saved my recovery key").click().run()
    at.switch_page("pages/chapter_1.py").run()
    prompt = BODY.prompts[0]
    _area(at, prompt.id).input("Answer X").run()
    at.button(key=f"save:{prompt.id}").click().run()
    button(at, "Lock").click().run()
    other = sign_in(open_app(), "sam", PASS_A)
    other.switch_page("pages/chapter_1.py").run()
    other.button(key=f"delete:{prompt.id}").click().run()
    [field] = [t for t in at.text_input if t.label == "Passphrase"]
    field.input(PASS_A)
    button(at, "Unlock").click().run()
    at.switch_page("pages/chapter_1.py").run()
    _area(at, prompt.id).input("Answer X!").run()
    _area(at, prompt.id).input("Answer X").run()
    again = sign_in(open_app(), "sam", PASS_A)
    again.switch_page("pages/chapter_1.py").run()
    assert _area(again, prompt.id).value == "Answer X"


def test_a_poll_run_leaves_an_unchanged_box_and_a_save_then_finds_the_newer_answer():
    """A run the news poll started must not replace a box's words (new words may be on
    their way from the browser); a Save pressed before the next click must not put
    the older answer back over the newer one: it shows the newer one instead."""
    first = create_space(open_app())
    first.switch_page("pages/chapter_1.py").run()
    prompt = BODY.prompts[0]
    _area(first, prompt.id).input("Older words").run()
    first.button(key=f"save:{prompt.id}").click().run()
    _saved_elsewhere("pages/chapter_1.py", prompt.id, "Newer words", "save")
    first.session_state[AUTOMATIC_RUN] = True  # as the poll sets it before its rerun
    first.run()
    assert _area(first, prompt.id).value == "Older words"
    assert not _warned(first)
    assert text.CHANGES_NOT_SAVED not in texts(first)  # it waits; nothing to say yet
    first.button(key=f"save:{prompt.id}").click().run()
    assert _area(first, prompt.id).value == "Newer words"
    assert text.NEWER_ANSWER_SHOWN in [i.value for i in first.info]
    again = sign_in(open_app(), "sam", PASS_A)
    again.switch_page("pages/chapter_1.py").run()
    assert _area(again, prompt.id).value == "Newer words"  # nothing was replaced


def test_a_together_save_of_an_older_answer_finds_the_newer_one():
    sam, _alex = couple()
    prompt = TALKING.together[0]
    sam.switch_page("pages/chapter_3.py").run()
    _area(sam, prompt.id).input("Older together words").run()
    sam.button(key=f"together:{prompt.id}").click().run()
    _saved_elsewhere("pages/chapter_3.py", prompt.id, "Newer together words", "together")
    sam.session_state[AUTOMATIC_RUN] = True
    sam.run()
    assert _area(sam, prompt.id).value == "Older together words"
    sam.button(key=f"together:{prompt.id}").click().run()
    assert _area(sam, prompt.id).value == "Newer together words"
    assert text.NEWER_ANSWER_SHOWN in [i.value for i in sam.info]
    again = sign_in(open_app(), "sam", PASS_A)
    again.switch_page("pages/chapter_3.py").run()
    assert _area(again, prompt.id).value == "Newer together words"


def test_a_save_finds_a_private_answer_saved_in_another_window_without_any_poll_run():
    """A private answer moves no counter, so the other window never redraws: its next
    click is the Save, which must show the newer answer rather than replace it."""
    first = create_space(open_app())
    first.switch_page("pages/chapter_1.py").run()
    prompt = BODY.prompts[0]
    _area(first, prompt.id).input("Older words").run()
    first.button(key=f"save:{prompt.id}").click().run()
    _saved_elsewhere("pages/chapter_1.py", prompt.id, "Newer words", "save")
    first.button(key=f"save:{prompt.id}").click().run()
    assert _area(first, prompt.id).value == "Newer words"
    assert text.NEWER_ANSWER_SHOWN in [i.value for i in first.info]


def test_saving_again_or_only_changing_who_can_see_it_is_never_held_back():
    sam, _alex = couple()
    sam.switch_page("pages/chapter_1.py").run()
    prompt = BODY.prompts[0]
    _area(sam, prompt.id).input("My answer").run()
    sam.button(key=f"save:{prompt.id}").click().run()
    sam.button(key=f"save:{prompt.id}").click().run()  # the same words again
    sam.radio(key=f"visibility:{prompt.id}").set_value(journal.SHARED).run()
    sam.button(key=f"save:{prompt.id}").click().run()
    assert text.NEWER_ANSWER_SHOWN not in [i.value for i in sam.info]
    assert text.SAVED_SHARED.format(partner="Alex") in [s.value for s in sam.success]


def test_words_taken_back_do_not_return_after_a_save_that_shows_the_newer_answer():
    """Why: words typed and erased again (back to the saved answer) stayed as this
    window's draft when its Save showed the newer answer instead, and came back into
    the box after a reload."""
    first = create_space(open_app())
    first.switch_page("pages/chapter_1.py").run()
    prompt = BODY.prompts[0]
    _area(first, prompt.id).input("Older words").run()
    first.button(key=f"save:{prompt.id}").click().run()
    _saved_elsewhere("pages/chapter_1.py", prompt.id, "Newer words")
    _area(first, prompt.id).input("Older words, and a thought I took back").run()
    _area(first, prompt.id).input("Older words")  # typed back, and Save in the same run
    first.button(key=f"save:{prompt.id}").click().run()
    assert _area(first, prompt.id).value == "Newer words"
    assert text.NEWER_ANSWER_SHOWN in [i.value for i in first.info]
    again = sign_in(open_app(), "sam", PASS_A)  # a reload
    again.switch_page("pages/chapter_1.py").run()
    assert _area(again, prompt.id).value == "Newer words"


def test_together_words_taken_back_do_not_return_after_the_newer_answer_is_shown():
    sam, _alex = couple()
    prompt = TALKING.together[0]
    sam.switch_page("pages/chapter_3.py").run()
    _area(sam, prompt.id).input("Older together words").run()
    sam.button(key=f"together:{prompt.id}").click().run()
    _saved_elsewhere("pages/chapter_3.py", prompt.id, "Newer together words", "together")
    _area(sam, prompt.id).input("Older together words, and more I took back").run()
    _area(sam, prompt.id).input("Older together words")
    sam.button(key=f"together:{prompt.id}").click().run()
    assert _area(sam, prompt.id).value == "Newer together words"
    again = sign_in(open_app(), "sam", PASS_A)
    again.switch_page("pages/chapter_3.py").run()
    assert _area(again, prompt.id).value == "Newer together words"


def _visibility(at, prompt_id: str) -> str:
    from workbook.ui.session import db

    with db().engine.connect() as conn:
        return conn.execute(
            select(tables.reflections.c.visibility).where(
                tables.reflections.c.prompt_id == prompt_id
            )
        ).scalar_one()


@pytest.mark.parametrize("typed", ["", "New words typed here"])
def test_a_share_still_showing_never_shares_an_answer_made_private_in_another_window(typed):
    sam, _alex = couple()
    sam.switch_page("pages/chapter_1.py").run()
    prompt = BODY.prompts[0]
    _area(sam, prompt.id).input("My answer").run()
    sam.radio(key=f"visibility:{prompt.id}").set_value(journal.SHARED).run()
    sam.button(key=f"save:{prompt.id}").click().run()
    other = sign_in(open_app(), "sam", PASS_A)  # the same partner's other window
    other.switch_page("pages/chapter_1.py").run()
    other.radio(key=f"visibility:{prompt.id}").set_value(journal.PRIVATE).run()
    other.button(key=f"save:{prompt.id}").click().run()
    assert _visibility(sam, prompt.id) == journal.PRIVATE
    if typed:
        _area(sam, prompt.id).input(typed)
    sam.button(key=f"save:{prompt.id}").click().run()  # "Share" still showing here
    assert _visibility(sam, prompt.id) == journal.PRIVATE
    assert text.MADE_PRIVATE_ELSEWHERE in [i.value for i in sam.info]
    assert sam.radio(key=f"visibility:{prompt.id}").value == journal.PRIVATE
    assert _area(sam, prompt.id).value == (typed or "My answer")  # typed words stay
    sam.radio(key=f"visibility:{prompt.id}").set_value(journal.SHARED).run()
    sam.button(key=f"save:{prompt.id}").click().run()  # chosen again, here: shared
    assert _visibility(sam, prompt.id) == journal.SHARED


def test_save_changes_on_an_untouched_journal_entry_keeps_an_answer_saved_elsewhere():
    """A private answer saved in another window redraws nothing here; "Save changes"
    on the entry as this window showed it put the older words back."""
    first = create_space(open_app())
    first.switch_page("pages/chapter_1.py").run()
    prompt = BODY.prompts[0]
    _area(first, prompt.id).input("As first saved").run()
    first.button(key=f"save:{prompt.id}").click().run()
    first.switch_page("pages/journal.py").run()
    [entry_id] = [b.key.split(":", 1)[1] for b in first.button if b.key.startswith("edit-toggle:")]
    first.button(key=f"edit-toggle:{entry_id}").click().run()
    _saved_elsewhere("pages/chapter_1.py", prompt.id, "Saved in another window")
    [save_changes] = [b for b in first.button if b.label == "Save changes"]
    save_changes.click().run()
    assert text.NEWER_ANSWER_SHOWN in [i.value for i in first.info]
    [area] = [a for a in first.text_area if a.label == "Your words"]
    assert area.value == "Saved in another window"
    assert _draft_rows(first) == 0
    first.switch_page("pages/chapter_1.py").run()
    assert _area(first, prompt.id).value == "Saved in another window"
