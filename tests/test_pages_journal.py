"""AppTest for the journal, the therapy summary and the your-data page."""

from __future__ import annotations

import pytest

from workbook.content import workbook

from apphelpers import (
    button,
    couple,
    create_space,
    fresh_install,  # noqa: F401  (a fixture, used through pytestmark)
    join_space,
    open_app,
    save_answer,
    sign_in,
    texts,
)
from helpers import PASS_A

pytestmark = pytest.mark.usefixtures("fresh_install")
HEART = workbook().chapter("heart")


def save(at, index: int, words: str, shared: bool = False) -> None:
    at.switch_page("pages/chapter_2.py").run()
    prompt = HEART.prompts[index]
    [area] = [a for a in at.text_area if a.key and a.key.endswith(f":{prompt.id}")]
    area.input(words)
    save_answer(at, prompt.id, shared)


def test_journal_lists_what_i_may_see_and_filters_it():
    sam, alex = couple()
    save(sam, 0, "Sam private thought")
    save(sam, 1, "Sam shared thought about evenings", shared=True)
    save(alex, 2, "Alex private note")
    alex.switch_page("pages/journal.py").run()
    shown = texts(alex)
    assert "Sam shared thought about evenings" in shown and "Alex private note" in shown
    assert "Sam private thought" not in shown
    alex.text_input(key="j-search").input("evenings").run()
    shown = texts(alex)
    assert "1 of 2 entries" in shown and "Alex private note" not in shown
    alex.text_input(key="j-search").input("").run()
    alex.selectbox(key="j-visibility").select("Private").run()
    assert "1 of 2 entries" in texts(alex) and "Alex private note" in texts(alex)


def open_editor(at) -> None:
    [edit] = [b for b in at.button if b.label == "Edit"]
    edit.click().run()


def test_journal_edit_share_and_delete_my_own_entry():
    sam, alex = couple()
    save(sam, 0, "first words")
    sam.switch_page("pages/journal.py").run()
    open_editor(sam)
    [area] = [a for a in sam.text_area if a.label == "Your words"]
    area.input("better words")
    [save_btn] = [b for b in sam.button if b.label == "Save changes"]
    save_btn.click().run()
    assert "better words" in texts(sam)
    assert not [a for a in sam.text_area if a.label == "Your words"]  # saved: closed again
    open_editor(sam)
    [share] = [b for b in sam.button if b.label == "Share with Alex"]
    share.click().run()
    alex.switch_page("pages/journal.py").run()
    assert "better words" in texts(alex)
    [delete] = [b for b in sam.button if b.label == "Yes, delete it"]
    delete.click().run()
    assert "Nothing here yet" in texts(sam)


def test_each_entry_of_mine_has_one_edit_button_until_it_is_opened():
    """Closed entries carry one button; the box, Share, Delete and Close are drawn only
    for the one entry opened (a page of twenty was 85 ms of server time per click)."""
    sam, alex = couple()
    save(sam, 0, "Sam's first")
    save(sam, 1, "Sam's second", shared=True)
    save(alex, 2, "Alex shares this", shared=True)
    sam.switch_page("pages/journal.py").run()
    labels = [b.label for b in sam.button]
    assert labels.count("Edit") == 2  # Sam's two; none on Alex's entry
    assert not {"Save changes", "Yes, delete it", "Make private"} & set(labels)
    assert not [a for a in sam.text_area if a.label == "Your words"]
    open_editor_of(sam, "Sam's second")
    labels = [b.label for b in sam.button]
    assert labels.count("Edit") == 1 and "Make private" in labels and "Close" in labels
    [area] = [a for a in sam.text_area if a.label == "Your words"]
    assert area.value == "Sam's second"
    assert "Sam's second" not in [t.value for t in sam.text]  # in its box, not twice


def test_close_puts_the_entry_back_as_it_was_saved():
    sam, _ = couple()
    save(sam, 0, "kept words")
    sam.switch_page("pages/journal.py").run()
    open_editor(sam)
    [area] = [a for a in sam.text_area if a.label == "Your words"]
    area.input("words I changed my mind about").run()
    [close] = [b for b in sam.button if b.label == "Close"]
    close.click().run()
    assert "kept words" in [t.value for t in sam.text]
    open_editor(sam)
    [area] = [a for a in sam.text_area if a.label == "Your words"]
    assert area.value == "kept words"


def test_a_refused_edit_stays_open_with_every_word():
    from workbook import journal

    sam, _ = couple()
    save(sam, 0, "short")
    sam.switch_page("pages/journal.py").run()
    open_editor(sam)
    long = "word " * (journal.MAX_CHARS // 5 + 10)
    [area] = [a for a in sam.text_area if a.label == "Your words"]
    area.input(long)
    [save_btn] = [b for b in sam.button if b.label == "Save changes"]
    save_btn.click().run()
    [area] = [a for a in sam.text_area if a.label == "Your words"]
    assert area.value == long
    assert any("Your words are still here" in e.value for e in sam.error)


def test_words_typed_in_one_entry_wait_while_another_is_open():
    sam, _ = couple()
    save(sam, 0, "Sam's first")
    save(sam, 1, "Sam's second")
    sam.switch_page("pages/journal.py").run()
    open_editor_of(sam, "Sam's first")
    [area] = [a for a in sam.text_area if a.label == "Your words"]
    area.input("first, changed but not saved").run()
    open_editor_of(sam, "Sam's second")
    [area] = [a for a in sam.text_area if a.label == "Your words"]
    assert area.value == "Sam's second"  # one box at a time
    assert "Sam's first" in [t.value for t in sam.text]  # the first is closed, as saved
    open_editor_of(sam, "Sam's first")
    [area] = [a for a in sam.text_area if a.label == "Your words"]
    assert area.value == "first, changed but not saved"


def test_an_open_entry_hidden_by_the_search_closes_and_keeps_its_words():
    sam, _ = couple()
    save(sam, 0, "words about evenings")
    save(sam, 1, "words about mornings")
    sam.switch_page("pages/journal.py").run()
    open_editor_of(sam, "words about evenings")
    [area] = [a for a in sam.text_area if a.label == "Your words"]
    area.input("evenings, rewritten").run()
    sam.text_input(key="j-search").input("mornings").run()
    assert "journal_editing" not in sam.session_state
    sam.text_input(key="j-search").input("").run()
    assert not [a for a in sam.text_area if a.label == "Your words"]  # back closed
    open_editor_of(sam, "words about evenings")
    [area] = [a for a in sam.text_area if a.label == "Your words"]
    assert area.value == "evenings, rewritten"


def test_words_typed_in_an_entry_wait_while_another_page_is_open():
    sam, _ = couple()
    save(sam, 0, "as saved")
    sam.switch_page("pages/journal.py").run()
    open_editor(sam)
    [area] = [a for a in sam.text_area if a.label == "Your words"]
    area.input("typed, then I went to look at the chapter").run()
    sam.switch_page("pages/chapter_2.py").run()
    sam.switch_page("pages/journal.py").run()
    assert "as saved" in [t.value for t in sam.text]  # closed, as saved
    open_editor(sam)
    [area] = [a for a in sam.text_area if a.label == "Your words"]
    assert area.value == "typed, then I went to look at the chapter"


def test_words_typed_in_an_entry_come_back_after_a_lock():
    sam, _ = couple()
    save(sam, 0, "as saved")
    sam.switch_page("pages/journal.py").run()
    open_editor(sam)
    [area] = [a for a in sam.text_area if a.label == "Your words"]
    area.input("typed before the screen locked").run()
    button(sam, "Lock").click().run()
    assert "typed before the screen locked" not in texts(sam) and not sam.text_area
    [field] = [t for t in sam.text_input if t.label == "Passphrase"]
    field.input(PASS_A)
    button(sam, "Unlock").click().run()
    assert sam.title[0].value == "Your journal"
    [area] = [a for a in sam.text_area if a.label == "Your words"]  # open, as left
    assert area.value == "typed before the screen locked"
    [save_btn] = [b for b in sam.button if b.label == "Save changes"]
    save_btn.click().run()
    assert "typed before the screen locked" in [t.value for t in sam.text]


def test_words_typed_in_an_entry_wait_after_a_reload_until_closed():
    from workbook import text

    sam, _ = couple()
    save(sam, 0, "as saved")
    sam.switch_page("pages/journal.py").run()
    open_editor(sam)
    [area] = [a for a in sam.text_area if a.label == "Your words"]
    area.input("typed, then the browser closed").run()

    again = sign_in(open_app(), "sam", PASS_A)  # a reload is a new session
    again.switch_page("pages/journal.py").run()
    assert text.EDIT_WAITING in [c.value for c in again.caption]
    assert "as saved" in [t.value for t in again.text]  # what is saved, until Edit
    open_editor(again)
    [area] = [a for a in again.text_area if a.label == "Your words"]
    assert area.value == "typed, then the browser closed"
    [close] = [b for b in again.button if b.label == "Close"]
    close.click().run()  # put back as saved: the typed words go, also from storage

    third = sign_in(open_app(), "sam", PASS_A)
    third.switch_page("pages/journal.py").run()
    assert text.EDIT_WAITING not in [c.value for c in third.caption]
    open_editor(third)
    [area] = [a for a in third.text_area if a.label == "Your words"]
    assert area.value == "as saved"


def test_saved_changes_leave_no_waiting_words_behind():
    from workbook import drafts, text
    from workbook.ui.session import db

    sam, _ = couple()
    save(sam, 0, "as saved")
    sam.switch_page("pages/journal.py").run()
    open_editor(sam)
    [area] = [a for a in sam.text_area if a.label == "Your words"]
    area.input("changed and saved").run()
    [save_btn] = [b for b in sam.button if b.label == "Save changes"]
    save_btn.click().run()
    assert drafts.load(db(), sam.session_state["member"]) == {}
    again = sign_in(open_app(), "sam", PASS_A)
    again.switch_page("pages/journal.py").run()
    assert text.EDIT_WAITING not in [c.value for c in again.caption]
    assert "changed and saved" in [t.value for t in again.text]


def test_saving_an_entry_deleted_in_another_window_keeps_the_words_as_a_draft():
    from workbook import journal
    from workbook.ui.session import db

    sam, _ = couple()
    save(sam, 0, "soon deleted elsewhere")
    sam.switch_page("pages/journal.py").run()
    open_editor(sam)
    [area] = [a for a in sam.text_area if a.label == "Your words"]
    area.input("words I must not lose")
    member = sam.session_state["member"]
    [entry] = journal.visible(db(), member)
    journal.remove(db(), member, entry.id)  # the other window
    [save_btn] = [b for b in sam.button if b.label == "Save changes"]
    save_btn.click().run()
    assert any("kept as a draft on its question" in e.value for e in sam.error)
    assert "journal_editing" not in sam.session_state
    sam.switch_page("pages/chapter_2.py").run()
    prompt = HEART.prompts[0]
    [box] = [a for a in sam.text_area if a.key and a.key.endswith(f":{prompt.id}")]
    assert box.value == "words I must not lose"


def test_words_typed_for_an_entry_deleted_meanwhile_go_to_its_question():
    from workbook import drafts, journal
    from workbook.ui.session import db

    sam, _ = couple()
    save(sam, 0, "soon deleted elsewhere")
    sam.switch_page("pages/journal.py").run()
    open_editor(sam)
    member = sam.session_state["member"]
    [entry] = journal.visible(db(), member)
    journal.remove(db(), member, entry.id)  # the other window
    [area] = [a for a in sam.text_area if a.label == "Your words"]
    area.input("typed after it went").run()  # the pause in typing stores it, then the page
    assert any("kept as a draft on its question" in e.value for e in sam.error)
    stored = drafts.load(db(), member)
    assert stored == {HEART.prompts[0].id: "typed after it went"}  # no draft of no entry
    sam.switch_page("pages/chapter_2.py").run()
    [box] = [a for a in sam.text_area if a.key and a.key.endswith(f":{HEART.prompts[0].id}")]
    assert box.value == "typed after it went"


def test_an_entry_saved_in_another_window_while_open_here_is_said_before_saving():
    from workbook import journal, text
    from workbook.ui.session import db

    sam, _ = couple()
    save(sam, 0, "as first saved")
    sam.switch_page("pages/journal.py").run()
    open_editor(sam)
    [area] = [a for a in sam.text_area if a.label == "Your words"]
    area.input("typed here").run()
    assert text.EDIT_CHANGED_ELSEWHERE not in [w.value for w in sam.warning]
    member = sam.session_state["member"]
    [entry] = journal.visible(db(), member)
    journal.edit(db(), member, entry.id, "saved on the phone meanwhile")  # the other window
    sam.run()
    assert text.EDIT_CHANGED_ELSEWHERE in [w.value for w in sam.warning]
    [area] = [a for a in sam.text_area if a.label == "Your words"]
    assert area.value == "typed here"  # nothing typed here is replaced without asking
    [save_btn] = [b for b in sam.button if b.label == "Save changes"]
    save_btn.click().run()
    assert "typed here" in [t.value for t in sam.text]
    open_editor(sam)
    assert text.EDIT_CHANGED_ELSEWHERE not in [w.value for w in sam.warning]


def test_delete_closes_the_box():
    sam, _ = couple()
    save(sam, 0, "to go")
    save(sam, 1, "to stay")
    sam.switch_page("pages/journal.py").run()
    open_editor_of(sam, "to go")
    [delete] = [b for b in sam.button if b.label == "Yes, delete it"]
    delete.click().run()
    assert "journal_editing" not in sam.session_state
    assert [t.value for t in sam.text] == ["to stay"] and "Deleted." in texts(sam)


def open_editor_of(at, words: str) -> None:
    """Click Edit on the entry of this member whose saved words are ``words``."""
    from workbook import journal
    from workbook.ui.session import db

    entries = journal.visible(db(), at.session_state["member"])
    [entry] = [e for e in entries if e.text == words]
    at.button(key=f"edit-toggle:{entry.id}").click().run()


def test_a_search_that_matches_nothing_says_so_once():
    sam, _ = couple()
    save(sam, 0, "words about evenings")
    sam.switch_page("pages/journal.py").run()
    assert len(sam.dataframe) == 1
    sam.text_input(key="j-search").input("mornings").run()
    assert not sam.exception, sam.exception
    assert "Nothing matches. Try fewer words or another filter." in texts(sam)
    assert "0 of 1 entries" in [c.value for c in sam.caption]
    assert not sam.dataframe  # no empty table under it


def test_empty_journal_is_gentle():
    at = create_space(open_app())
    at.switch_page("pages/journal.py").run()
    assert "Nothing here yet. When you want to write, this space is yours." in texts(at)


def test_therapy_summary_previews_only_what_is_chosen():
    sam, _ = couple()
    save(sam, 0, "Private, not for the summary")
    save(sam, 1, "Shared, for the therapist", shared=True)
    sam.switch_page("pages/therapy_summary.py").run()
    assert "Private, not for the summary" not in texts(sam)
    [choice] = [c for c in sam.checkbox if c.key != "sum:readiness"]
    choice.check().run()
    [questions] = [a for a in sam.text_area if a.label.startswith("Questions we want")]
    questions.input("How do we talk about next time?").run()
    preview = texts(sam)
    assert "Shared, for the therapist" in [t.value for t in sam.text]  # the words, as text
    assert "- How do we talk about next time?" in preview
    assert "Private, not for the summary" not in preview
    # Formatted, not Markdown source: no "# " heading or "> " quote shown as text.
    assert not any(t.value.lstrip().startswith(("#", ">")) for t in sam.text)
    assert "What we would like to talk about" in [m.value.lstrip("# ") for m in sam.markdown]


def test_therapy_summary_keeps_choices_and_questions_across_pages_a_lock_and_a_reload():
    sam, _ = couple()
    save(sam, 0, "First shared", shared=True)
    sam.switch_page("pages/therapy_summary.py").run()
    [choice] = [c for c in sam.checkbox if c.key != "sum:readiness"]
    choice.check().run()
    [box] = [a for a in sam.text_area if a.label.startswith("Questions we want")]
    box.input("Is what we feel normal?").run()

    from workbook.markdown import escape

    body = workbook().chapter("body").prompts[0]
    sam.switch_page("pages/chapter_1.py").run()  # chapter 1 is listed first: the list shifts
    [area] = [a for a in sam.text_area if a.key and a.key.endswith(f":{body.id}")]
    area.input("Shared later, listed first")
    save_answer(sam, body.id, True)
    sam.switch_page("pages/therapy_summary.py").run()
    ticked = [(c.label, c.value) for c in sam.checkbox if c.key != "sum:readiness"]
    assert escape(body.text) in ticked[0][0] and ticked[0][1] is False
    assert escape(HEART.prompts[0].text) in ticked[1][0] and ticked[1][1] is True
    [box] = [a for a in sam.text_area if a.label.startswith("Questions we want")]
    assert box.value == "Is what we feel normal?"

    button(sam, "Lock").click().run()
    [field] = [t for t in sam.text_input if t.label == "Passphrase"]
    field.input(PASS_A)
    button(sam, "Unlock").click().run()
    [box] = [a for a in sam.text_area if a.label.startswith("Questions we want")]
    assert box.value == "Is what we feel normal?"

    again = sign_in(open_app(), "sam", PASS_A)  # a reload is a new session
    again.switch_page("pages/therapy_summary.py").run()
    [box] = [a for a in again.text_area if a.label.startswith("Questions we want")]
    assert box.value == "Is what we feel normal?"


def test_delete_everything_i_wrote_takes_unsaved_words_off_the_screen_too():
    from workbook import drafts
    from workbook.ui.session import db

    sam, _ = couple()
    save(sam, 0, "an answer")
    sam.switch_page("pages/therapy_summary.py").run()
    [box] = [a for a in sam.text_area if a.label.startswith("Questions we want")]
    box.input("Is it my fault?").run()
    sam.switch_page("pages/care_team.py").run()
    sam.text_input(key="care:name").input("Jo Brown").run()
    sam.switch_page("pages/checkin.py").run()
    sam.radio(key="wb:phq9:1").set_value(sam.radio(key="wb:phq9:1").options[2]).run()
    sam.switch_page("pages/your_data.py").run()
    [sure] = [c for c in sam.checkbox if c.key == "del_mine_ok"]
    sure.check().run()
    [delete] = [b for b in sam.button if b.label == "Delete everything I wrote"]
    delete.click().run()
    assert any(s.value.startswith("Deleted ") for s in sam.success)
    member = sam.session_state["member"]
    assert drafts.load(db(), member) == {}
    left = [k for k in sam.session_state if k.startswith(("draft:", "care:", "wb:", "sum:"))]
    assert left == []
    sam.switch_page("pages/therapy_summary.py").run()
    [box] = [a for a in sam.text_area if a.label.startswith("Questions we want")]
    assert box.value == ""
    sam.switch_page("pages/care_team.py").run()
    assert sam.text_input(key="care:name").value == ""


def test_your_data_says_what_is_lost_and_deletes_only_with_the_typed_name():
    at = create_space(open_app())
    save(at, 0, "to be deleted")
    at.switch_page("pages/your_data.py").run()
    assert "cannot be undone" in texts(at)
    at.text_input(key="delete_space_name").input("something else")
    button(at, "Delete everything").click().run()
    assert any("type the name of your space" in e.value for e in at.error)
    at.text_input(key="delete_space_name").input("Sam and Alex")
    button(at, "Delete everything").click().run()
    assert "member" not in at.session_state
    assert "Your space is deleted, with everything you both wrote in it." in texts(at)
    again = sign_in(open_app(), "sam", PASS_A)
    assert any("do not match" in e.value for e in again.error)


def test_a_new_recovery_key_is_shown_once():
    at = create_space(open_app())
    at.switch_page("pages/your_data.py").run()
    field = [t for t in at.text_input if t.label == "Your passphrase"][0]
    field.input(PASS_A)
    button(at, "Make a new recovery key").click().run()
    assert at.code and len(at.code[0].value) == 32
    assert any("shown only now" in w.value for w in at.warning)


def test_a_passphrase_change_signs_out_the_other_device():
    laptop = create_space(open_app())
    phone = sign_in(open_app(), "sam", PASS_A)
    assert phone.session_state["member"].name == "Sam"
    laptop.switch_page("pages/your_data.py").run()
    fields = {t.label: t for t in laptop.text_input}
    fields["Current passphrase"].input(PASS_A)
    fields["New passphrase"].input("green tea mountain bell")
    fields["Type the new passphrase again"].input("green tea mountain bell")
    button(laptop, "Change passphrase").click().run()
    assert any("passphrase is changed" in s.value for s in laptop.success)
    laptop.run()
    assert laptop.session_state["member"].name == "Sam"  # this device stays signed in
    phone.run()  # the phone was on Your space: it now shows the sign-in form and why
    assert "member" not in phone.session_state
    assert any("signed out because your passphrase changed" in i.value for i in phone.info)


def test_a_long_journal_is_shown_a_page_at_a_time():
    from workbook import journal
    from workbook.ui.session import db

    at = create_space(open_app())
    member = at.session_state["member"]
    prompts = [p.id for c in workbook().chapters for p in c.prompts][:25]
    for i, prompt_id in enumerate(prompts):
        journal.save(
            db(),
            member,
            chapter_id=prompt_id.split("-")[0],
            prompt_id=prompt_id,
            text=f"entry number {i}",
            visibility="private",
        )
    at.switch_page("pages/journal.py").run()
    assert "25 of 25 entries" in texts(at)
    assert len([t for t in at.text if t.value.startswith("entry number")]) == 20
    at.number_input(key="j-page").set_value(2).run()
    assert len([t for t in at.text if t.value.startswith("entry number")]) == 5


def test_the_journal_holds_what_you_made_together_once_revealed():
    from workbook import together
    from workbook.ui.session import db

    prompt = workbook().chapter("talking").together[0]
    sam, alex = couple()
    together.answer(db(), sam.session_state["member"], prompt.id, "Sam's together words")
    alex.switch_page("pages/journal.py").run()
    assert "Sam's together words" not in texts(alex)  # hidden until both have answered
    together.answer(db(), alex.session_state["member"], prompt.id, "Alex's together words")
    together.agree(db(), alex.session_state["member"], prompt.id, "Sundays, no phones")
    alex.switch_page("pages/chapter_3.py").run()
    alex.button(key=f"open:{prompt.id}").click().run()  # Open together
    alex.switch_page("pages/journal.py").run()
    shown = texts(alex)
    for words in ("Sam's together words", "Alex's together words", "Sundays, no phones"):
        assert words in shown
    table = alex.dataframe[0].value
    assert {"Together answer", "What we agreed"} <= set(table["kind"])
    config = alex.dataframe[0].proto.columns
    for readable in ("Date", "Chapter", "Question", "Who wrote it", "Who can see it"):
        assert readable in config


def test_a_partner_named_you_does_not_take_the_place_of_your_own_entries():
    sam = create_space(open_app())
    button(sam, "I have saved my recovery key").click().run()
    button(sam, "Make an invite code").click().run()
    alex = join_space(sam.code[0].value, name="You")
    button(alex, "I have saved my recovery key").click().run()
    save(sam, 0, "Sam's own shared words", shared=True)
    save(alex, 1, "Words of the partner called You", shared=True)
    sam.switch_page("pages/journal.py").run()
    author = sam.selectbox(key="j-author")
    assert author.options == ["Both of us", "You", "You (your partner)"]
    author.set_value(sam.session_state["member_id"]).run()
    shown = texts(sam)
    assert "Sam's own shared words" in shown and "partner called You" not in shown
    sam.selectbox(key="j-author").select_index(2).run()
    shown = texts(sam)
    assert "partner called You" in shown and "Sam's own shared words" not in shown


def test_what_you_agreed_says_who_once():
    """Why: its line read "What we agreed · chapter · Both of you · Both of you"."""
    from workbook import together
    from workbook.ui.session import db

    sam, alex = couple()
    prompt = workbook().chapter("talking").together[0]
    together.answer(db(), sam.session_state["member"], prompt.id, "Sam's answer")
    together.answer(db(), alex.session_state["member"], prompt.id, "Alex's answer")
    together.agree(db(), sam.session_state["member"], prompt.id, "Sundays, a walk")
    sam.switch_page("pages/chapter_3.py").run()
    sam.button(key=f"open:{prompt.id}").click().run()  # Open together
    sam.switch_page("pages/journal.py").run()
    captions = [c.value for c in sam.caption]
    [agreed] = [c for c in captions if c.startswith("What we agreed")]
    assert agreed.count("Both of you") == 1, agreed
    [mine] = [c for c in captions if c.startswith("Together answer") and "You ·" in c]
    assert "Both of you" in mine  # who wrote it, and who can see it, both said


def _answer_in_chapter(person, prompt, words: str) -> None:
    """Answer a together question of chapter 3 as a person does: its box, then its button."""
    person.switch_page("pages/chapter_3.py").run()
    [box] = [a for a in person.text_area if a.key and a.key.endswith(f":{prompt.id}")]
    box.input(words)
    person.button(key=f"together:{prompt.id}").click().run()


def test_the_partners_together_answer_waits_in_the_journal_until_opened():
    """Why: both had answered, nobody had pressed "Open together", and the journal
    already showed the partner's answer: the moment of the reveal was gone."""
    sam, alex = couple()
    prompt = workbook().chapter("talking").together[0]
    _answer_in_chapter(sam, prompt, "Sam's answer")
    _answer_in_chapter(alex, prompt, "Alex's answer")
    alex.switch_page("pages/journal.py").run()
    shown = [t.value for t in alex.text]
    assert "Alex's answer" in shown and "Sam's answer" not in shown
    assert "Sam's answer shows here once you open them together" in texts(alex)
    alex.switch_page("pages/chapter_3.py").run()
    alex.button(key=f"open:{prompt.id}").click().run()
    alex.switch_page("pages/journal.py").run()
    assert {"Alex's answer", "Sam's answer"} <= {t.value for t in alex.text}
    assert "once you open them together" not in texts(alex)


def test_bring_to_therapy_says_when_the_partners_words_are_among_the_choices():
    sam, alex = couple()
    save(sam, 1, "Sam's shared words", shared=True)
    sam.switch_page("pages/therapy_summary.py").run()
    assert "Alex's words" not in texts(sam)  # only Sam's own so far
    save(alex, 2, "Alex's shared words", shared=True)
    sam.run()
    assert "Some of these are Alex's words, shared with you." in texts(sam)
    labels = [c.label for c in sam.checkbox]
    assert any("answer on your own" in label for label in labels)
    assert not any("reflection" in label for label in labels)


def test_the_journal_table_shows_the_question_and_who_first():
    sam, _ = couple()
    save(sam, 0, "Words")
    sam.switch_page("pages/journal.py").run()
    assert list(sam.dataframe[0].value.columns)[:3] == ["updated", "prompt", "author"]


def test_a_reveal_opened_on_another_device_shows_in_this_journal():
    from helpers import PASS_B

    sam, alex = couple()
    prompt = workbook().chapter("talking").together[0]
    _answer_in_chapter(sam, prompt, "Sam's answer")
    _answer_in_chapter(alex, prompt, "Alex's answer")
    laptop = sign_in(open_app(), "alex", PASS_B)
    laptop.switch_page("pages/journal.py").run()
    assert "Sam's answer" not in [t.value for t in laptop.text]
    alex.switch_page("pages/chapter_3.py").run()
    alex.button(key=f"open:{prompt.id}").click().run()  # opened on the phone
    laptop.run()
    assert "Sam's answer" in [t.value for t in laptop.text]


def test_bring_to_therapy_keeps_the_partners_together_answer_until_opened():
    sam, alex = couple()
    prompt = workbook().chapter("talking").together[0]
    _answer_in_chapter(sam, prompt, "Sam's together words")
    _answer_in_chapter(alex, prompt, "Alex's together words")
    alex.switch_page("pages/therapy_summary.py").run()
    labels = " ".join(c.label for c in alex.checkbox)
    assert "together answer, Alex" in labels and "together answer, Sam" not in labels
    assert "Some of these are Sam's words" not in texts(alex)
    alex.switch_page("pages/chapter_3.py").run()
    alex.button(key=f"open:{prompt.id}").click().run()
    alex.switch_page("pages/therapy_summary.py").run()
    assert "together answer, Sam" in " ".join(c.label for c in alex.checkbox)


def test_the_journal_counts_the_reveals_that_wait_in_plain_words():
    from workbook import together
    from workbook.ui.session import db

    sam, alex = couple()
    for prompt in workbook().chapter("talking").together[:2]:
        for person in (sam, alex):
            together.answer(db(), person.session_state["member"], prompt.id, "words")
    alex.switch_page("pages/journal.py").run()
    assert "You have both answered 2 together questions. Sam's answers show here" in texts(alex)


def test_the_table_fits_a_desktop_page_without_scrolling_sideways():
    """A long question took the table's width and pushed the other columns out of sight
    on a desktop (the page's main column is 704 px wide)."""
    import json

    sam, _ = couple()
    save(sam, 0, "words")
    sam.switch_page("pages/journal.py").run()
    [table] = sam.dataframe
    columns = json.loads(table.proto.columns)
    widths = {name: c.get("width") for name, c in columns.items() if name != "_index"}
    assert all(isinstance(w, int) for w in widths.values()), widths
    assert sum(widths.values()) <= 704 - 4, widths  # the table's borders
