"""AppTest for who each partner is, the Today page, and the lighter chapter page."""

from __future__ import annotations

import pytest

from workbook import roles
from workbook.content import workbook

from apphelpers import (
    button,
    couple,
    create_space,
    fresh_install,  # noqa: F401  (a fixture, used through pytestmark)
    open_app,
    open_tab,
    save_answer,
    sign_in,
    texts,
)
from helpers import PASS_A

pytestmark = pytest.mark.usefixtures("fresh_install")
BODY = workbook().chapter("body")
FIRST_TOGETHER = BODY.together[0]


def role_couple(sam_role="pregnant", alex_role="partner"):
    """Sam makes a space saying which fits; Alex joins saying which fits them."""
    sam = open_tab(open_app(), "Make a space").switch_page("pages/account.py").run()
    sam.radio(key="new_role").set_value(sam_role)
    sam = create_space(sam)
    button(sam, "I have saved my recovery key").click().run()
    button(sam, "Make an invite code").click().run()
    code = sam.code[0].value
    alex = open_tab(open_app(), "Join your partner").switch_page("pages/account.py").run()
    alex.radio(key="join_role").set_value(alex_role)
    alex.text_input(key="join_code").input(code)
    alex.text_input(key="join_name").input("Alex")
    alex.text_input(key="join_login").input("alex")
    alex.text_input(key="join_pass").input("green tea mountain bell")
    alex.text_input(key="join_confirm").input("green tea mountain bell")
    button(alex, "Join the space").click().run()
    assert not alex.exception, alex.exception
    button(alex, "I have saved my recovery key").click().run()
    return sam, alex


def area(at, prompt_id):
    [found] = [a for a in at.text_area if a.key and a.key.endswith(f":{prompt_id}")]
    return found


def test_each_partner_sees_their_own_prompts_and_the_others_folded_away():
    sam, alex = role_couple()
    for at, mine, folded in ((sam, "pregnant", "partner"), (alex, "partner", "pregnant")):
        at.switch_page("pages/chapter_1.py").run()
        assert not at.exception, at.exception
        [own] = [e for e in at.expander if e.label.startswith("On your own")]
        [other] = [e for e in at.expander if e.label.startswith("Questions written for")]
        own_text = "\n".join(m.value for m in own.markdown)
        other_text = "\n".join(m.value for m in other.markdown)
        for prompt in BODY.prompts:
            inside = other_text if prompt.audience == folded else own_text
            assert prompt.text in inside, (mine, prompt.id)
        assert roles.other_role_label(mine) in other.label


def test_the_role_is_stored_encrypted_and_can_be_changed_in_your_space():
    sam, _ = role_couple()
    sam.switch_page("pages/account.py").run()
    assert sam.radio(key="role_setting").value == "pregnant"
    sam.radio(key="role_setting").set_value("unsaid").run()
    assert sam.session_state["my_role"] == "unsaid"
    # A fresh sign-in reads it back from the encrypted preferences.
    again = sign_in(open_app(), "sam", PASS_A)
    again.switch_page("pages/account.py").run()
    assert again.radio(key="role_setting").value == "unsaid"


def test_not_choosing_a_role_means_rather_not_say_and_shows_every_prompt():
    at = create_space(open_app())
    at.switch_page("pages/chapter_1.py").run()
    assert not [e for e in at.expander if e.label.startswith("Questions written for")]
    [own] = [e for e in at.expander if e.label.startswith("On your own")]
    assert len(own.text_area) == len(BODY.prompts)


def test_readiness_asks_the_go_ahead_only_of_the_partner_who_was_pregnant():
    sam, alex = role_couple()
    sam.switch_page("pages/chapter_1.py").run()
    alex.switch_page("pages/chapter_1.py").run()
    assert [r.key for r in sam.radio if r.key and r.key.startswith("readiness:")] == [
        "readiness:green",
        "readiness:body",
        "readiness:heart",
    ]
    assert "readiness:green" not in [r.key for r in alex.radio]
    sam.radio(key="readiness:green").set_value("Yes")
    for at in (sam, alex):
        if at is alex:
            alex.radio(key="readiness:waiting").set_value("Waiting is fine with me")
        at.radio(key="readiness:body").set_value("Ready")
        at.radio(key="readiness:heart").set_value("Ready")
        at.button(key="readiness:save").click().run()
        assert not at.exception, at.exception
    shown = texts(alex)
    # The partner who was not pregnant did not "hold the couple at wait".
    assert "You both feel ready" in shown and "Wait for the go-ahead" not in shown
    assert "You have both answered, so you can see both answers together now." in shown
    assert "cannot see it until you have both answered" not in shown


def test_today_offers_one_question_with_one_save_and_skip_and_undoable_not_today():
    at = create_space(open_app())
    at.switch_page("pages/today.py").run()
    first = FIRST_TOGETHER
    assert len(at.text_area) == 1 and area(at, first.id)
    assert "\u25cb" in texts(at) and "%" not in texts(at)  # quiet dots, no score
    button(at, "Skip").click().run()
    own = BODY.prompts[0]
    assert area(at, own.id)
    assert [r.label for r in at.radio] == ["Who can see it"]  # one control, one Save
    assert [b.label for b in at.button if b.label.startswith("Save")] == ["Save"]
    area(at, own.id).input("A first private line")
    save_answer(at, own.id)
    assert "Saved. Only you can see this." in texts(at)
    nxt = [a for a in at.text_area][0]
    button(at, "Not today").click().run()
    assert "Not today: \u201c" in texts(at)
    assert not [a for a in at.text_area if a.key == nxt.key]
    at.button(key=f"undo-skip:{nxt.key.rsplit(':', 1)[1]}").click().run()
    assert [a for a in at.text_area if a.key == nxt.key]  # back again


def test_the_loop_on_today_answer_apart_then_open_together_and_agree():
    sam, alex = role_couple()
    sam.switch_page("pages/today.py").run()
    area(sam, FIRST_TOGETHER.id).input("Sam: rest, and no rush")
    sam.button(key=f"together:{FIRST_TOGETHER.id}").click().run()
    assert "stays hidden until you have both answered" in texts(sam)
    assert alex.title[0].value == "Today"  # joining landed here
    alex.switch_page("pages/today.py").run()  # (AppTest re-requests its last switch)
    assert "Sam has answered" in texts(alex)
    assert "Sam: rest, and no rush" not in texts(alex)
    area(alex, FIRST_TOGETHER.id).input("Alex: I am not sure what is safe")
    alex.button(key=f"together:{FIRST_TOGETHER.id}").click().run()
    assert "Sam: rest, and no rush" not in texts(alex)
    button(alex, "Open together").click().run()
    shown = texts(alex)
    assert "Sam: rest, and no rush" in shown and "Alex: I am not sure what is safe" in shown
    assert FIRST_TOGETHER.follow_up in shown
    [agreed] = [a for a in alex.text_area if a.label == "What you agreed"]
    agreed.input("Ask the midwife on Monday")
    alex.button(key=f"agree:{FIRST_TOGETHER.id}").click().run()
    assert "Next question" in [b.label for b in alex.button]  # the moment stays on screen
    sam.switch_page("pages/chapter_1.py").run()
    sam.button(key=f"open:{FIRST_TOGETHER.id}").click().run()
    assert "Ask the midwife on Monday" in [a.value for a in sam.text_area]


def test_a_waiting_card_on_a_chapter_page_leads_to_today():
    sam, alex = role_couple()
    sam.switch_page("pages/today.py").run()
    area(sam, FIRST_TOGETHER.id).input("Sam first")
    sam.button(key=f"together:{FIRST_TOGETHER.id}").click().run()
    alex.switch_page("pages/chapter_4.py").run()
    assert "Sam has answered" in texts(alex)
    button(alex, "Answer it now").click().run()
    assert alex.title[0].value == "Today"
    assert area(alex, FIRST_TOGETHER.id)


def test_signing_in_lands_on_today():
    create_space(open_app())
    at = sign_in(open_app(), "sam", PASS_A)
    assert not at.exception, at.exception
    assert at.title[0].value == "Today"


def test_today_for_a_guest_is_the_sign_in_view_and_then_today():
    at = open_app("pages/today.py")
    assert "A private space for the two of you" in texts(at)
    assert not at.text_area


def test_a_role_that_cannot_be_sealed_says_so_kindly_and_keeps_the_page(monkeypatch):
    """The settings row could not be opened (VaultError): before, the page crashed."""
    from workbook.vault import VaultError

    sam, _ = role_couple()
    sam.switch_page("pages/account.py").run()

    def unreadable(*_args, **_kwargs):
        raise VaultError("the settings could not be opened")

    monkeypatch.setattr(roles, "save", unreadable)
    sam.radio(key="role_setting").set_value("unsaid").run()
    assert not sam.exception, sam.exception
    assert any("could not save this just now" in e.value for e in sam.error)
    assert sam.session_state["my_role"] == "pregnant"
    assert sam.radio(key="role_setting").value == "pregnant", "the unsaved choice shows"


def test_the_cards_open_together_opens_the_question_it_names():
    """Why: with one question opened (and nothing agreed yet) still kept on Today, the
    card naming a second one moved to Today and showed the first again, while the
    second was marked as opened."""
    from workbook import together
    from workbook.ui.session import db

    sam, alex = couple()
    talking = workbook().chapter("talking")
    first, second = talking.together[0], talking.together[1]
    for person in (sam, alex):
        for prompt in (first, second):
            together.answer(db(), person.session_state["member"], prompt.id, "words")
    sam.switch_page("pages/today.py").run()
    shown = sam.session_state["today_shown"]
    sam.button(key=f"open:{shown}").click().run()  # opened here, nothing agreed yet
    other = second if shown == first.id else first
    sam.switch_page("pages/chapter_3.py").run()
    assert other.text in " ".join(m.value for m in sam.markdown)  # the card names it
    sam.button(key="waiting-card-go").click().run()
    assert sam.session_state["today_shown"] == other.id
    assert f"**{other.text}**" in [m.value for m in sam.markdown]


def test_where_you_are_suggests_nothing_already_read_side_by_side():
    from workbook import together
    from workbook.ui.session import db

    sam, alex = couple()
    prompt = workbook().chapter("talking").together[0]
    for person in (sam, alex):
        together.answer(db(), person.session_state["member"], prompt.id, "words")
    sam.switch_page("pages/home.py").run()
    assert "Read your answers side by side" in texts(sam)
    sam.switch_page("pages/chapter_3.py").run()
    sam.button(key=f"open:{prompt.id}").click().run()
    sam.switch_page("pages/home.py").run()
    assert "Read your answers side by side" not in texts(sam)


def test_a_question_asked_for_earlier_never_makes_an_opened_one_vanish():
    """The card's question wins over the one kept on screen only while it still waits:
    asked for once and answered since, it must not take away the moment of another."""
    from workbook import journal, together
    from workbook.ui.session import db

    sam, alex = couple()
    prompt = workbook().chapter("talking").together[0]
    for person in (sam, alex):
        together.answer(db(), person.session_state["member"], prompt.id, "words")
    sam.switch_page("pages/today.py").run()
    assert sam.session_state["today_shown"] == prompt.id
    sam.button(key=f"open:{prompt.id}").click().run()
    answer_one = workbook().chapter("body").prompts[0]
    sam.session_state["today_focus"] = answer_one.id  # asked for once, answered since
    together.agree(db(), alex.session_state["member"], prompt.id, "Sundays")
    journal.save(
        db(),
        sam.session_state["member"],
        chapter_id="body",
        prompt_id=answer_one.id,
        text="done",
        visibility="private",
    )
    sam.run()
    assert sam.session_state["today_shown"] == prompt.id  # still on screen


def test_next_question_moves_on_from_a_question_opened_and_agreed():
    """Why: Today did not know what this partner had opened, so the question opened
    together and agreed on came straight back after "Next question"."""
    sam, alex = role_couple()
    sam.switch_page("pages/today.py").run()
    area(sam, FIRST_TOGETHER.id).input("Sam")
    sam.button(key=f"together:{FIRST_TOGETHER.id}").click().run()
    alex.switch_page("pages/today.py").run()
    area(alex, FIRST_TOGETHER.id).input("Alex")
    alex.button(key=f"together:{FIRST_TOGETHER.id}").click().run()
    button(alex, "Open together").click().run()
    [agreed] = [a for a in alex.text_area if a.label == "What you agreed"]
    agreed.input("Ask the midwife on Monday")
    alex.button(key=f"agree:{FIRST_TOGETHER.id}").click().run()
    assert alex.session_state["today_shown"] == FIRST_TOGETHER.id  # the moment stays
    button(alex, "Next question").click().run()
    assert alex.session_state["today_shown"] != FIRST_TOGETHER.id
    sam.switch_page("pages/today.py").run()  # Sam has not opened it: it waits for Sam
    assert sam.session_state["today_shown"] == FIRST_TOGETHER.id


def test_the_cards_open_together_shows_a_question_already_agreed_on():
    """Why: once Today knew what was opened, a question the partner had already agreed
    on counted as done the moment the card opened it, and Today showed something else."""
    from workbook import together
    from workbook.ui.session import db

    sam, alex = couple()
    prompt = workbook().chapter("talking").together[0]
    for person in (sam, alex):
        together.answer(db(), person.session_state["member"], prompt.id, "words")
    together.agree(db(), alex.session_state["member"], prompt.id, "Sundays")
    sam.switch_page("pages/chapter_3.py").run()
    sam.button(key="waiting-card-go").click().run()
    assert sam.session_state["today_shown"] == prompt.id
    assert "Sundays" in [a.value for a in sam.text_area if a.label == "What you agreed"]
