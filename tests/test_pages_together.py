"""AppTest for the together prompts, the readiness check-in, the hand-over and the home view."""

from __future__ import annotations

import pytest

from workbook.content import workbook

from apphelpers import (
    button,
    couple,
    create_space,
    fresh_install,  # noqa: F401  (a fixture, used through pytestmark)
    open_app,
    texts,
)
from helpers import PASS_B

pytestmark = pytest.mark.usefixtures("fresh_install")
TALKING = workbook().chapter("talking")
PROMPT = TALKING.together[0]


def together_area(at, prompt_id=PROMPT.id):
    [area] = [a for a in at.text_area if a.key and a.key.endswith(f":{prompt_id}")]
    return area


def answer(at, words, prompt_id=PROMPT.id):
    together_area(at, prompt_id).input(words)
    at.button(key=f"together:{prompt_id}").click().run()
    assert not at.exception, at.exception


def test_answer_apart_then_both_see_both_and_agree():
    sam, alex = couple()
    sam.switch_page("pages/chapter_3.py").run()
    answer(sam, "Sam: I miss how we used to talk")
    assert "Waiting for Alex to answer" in texts(sam)

    alex.switch_page("pages/chapter_3.py").run()
    shown = texts(alex)
    assert "Sam has answered" in shown
    assert "Sam: I miss how we used to talk" not in shown
    assert together_area(alex).value == ""

    answer(alex, "Alex: I have been afraid to start")
    shown = texts(alex)
    assert "You have both answered now" in shown
    assert "Sam: I miss how we used to talk" not in shown  # the reveal waits for a click
    alex.button(key=f"open:{PROMPT.id}").click().run()
    shown = texts(alex)
    assert "Sam: I miss how we used to talk" in shown
    assert "Alex: I have been afraid to start" in shown
    assert PROMPT.follow_up in shown

    agreement = [a for a in alex.text_area if a.label == "What you agreed"][0]
    agreement.input("We will talk on Sunday evenings")
    alex.button(key=f"agree:{PROMPT.id}").click().run()
    sam.run()
    assert "Alex: I have been afraid to start" not in texts(sam)  # Sam opens it too
    sam.button(key=f"open:{PROMPT.id}").click().run()
    assert "Alex: I have been afraid to start" in texts(sam)
    assert [a for a in sam.text_area if a.label == "What you agreed"][0].value == (
        "We will talk on Sunday evenings"
    )


def test_not_today_hides_a_prompt_without_counting_anything():
    at = create_space(open_app())
    at.switch_page("pages/chapter_3.py").run()
    at.button(key=f"skip:{PROMPT.id}").click().run()
    assert f"Not today: \u201c{PROMPT.text}\u201d" in texts(at)
    assert not [a for a in at.text_area if a.key and a.key.endswith(f":{PROMPT.id}")]


def test_one_device_hand_over_never_shows_the_first_answer():
    sam, _ = couple()
    sam.switch_page("pages/chapter_3.py").run()
    answer(sam, "Sam's words, hidden from Alex")
    sam.button(key=f"handover:{PROMPT.id}").click().run()
    shown = texts(sam)
    assert "Pass to Alex" in shown
    assert "Sam's words" not in shown
    assert not sam.text_area  # nothing of Sam's is on screen
    [field] = [t for t in sam.text_input if t.label == "Passphrase"]
    field.input("not Alex's passphrase")
    button(sam, "Continue").click().run()
    assert any("not Alex's passphrase" in e.value for e in sam.error)
    [field] = [t for t in sam.text_input if t.label == "Passphrase"]
    field.input(PASS_B)
    button(sam, "Continue").click().run()
    assert sam.session_state["member"].name == "Alex"
    shown = texts(sam)
    assert "Sam has answered" in shown and "Sam's words" not in shown
    assert together_area(sam).value == ""
    answer(sam, "Alex's words")
    sam.button(key=f"open:{PROMPT.id}").click().run()
    shown = texts(sam)
    assert "Sam's words, hidden from Alex" in shown and "Alex's words" in shown


def test_readiness_check_in_shows_the_result_only_when_both_have_answered():
    sam, alex = couple()
    for at, heart in ((sam, "Ready"), (alex, "Not yet, and that is fine")):
        at.switch_page("pages/chapter_1.py").run()
        at.radio(key="readiness:green").set_value("Yes")
        at.radio(key="readiness:body").set_value("Ready")
        at.radio(key="readiness:heart").set_value(heart)
        at.button(key="readiness:save").click().run()
        assert not at.exception
        if at is sam:
            assert "Waiting for Alex" in texts(sam)
            assert "Waiting is fine" not in texts(sam)
    shown = texts(alex)
    assert "Waiting is fine" in shown
    assert "Ways to stay close without sex" in shown
    sources = [m.value for m in alex.markdown if m.value.startswith("Source: ")]
    assert sources and len(sources) == len(set(sources))  # one line per page, not per fact
    sam.run()
    assert "Waiting is fine" in texts(sam)


def test_readiness_asks_for_every_answer():
    at = create_space(open_app())
    at.switch_page("pages/chapter_2.py").run()
    at.radio(key="readiness:green").set_value("Not yet")
    at.button(key="readiness:save").click().run()
    assert any("one answer for each question" in e.value for e in at.error)


def test_home_view_shows_what_waits_and_one_next_step_without_a_report_card():
    sam, alex = couple()
    sam.switch_page("pages/chapter_3.py").run()
    answer(sam, "Sam first")
    alex.switch_page("pages/home.py").run()
    shown = texts(alex)
    assert "Sam has answered a together question" in shown
    assert PROMPT.text in shown
    assert "A gentle suggestion" in shown
    # No grid of "0 of 7 ... not yet": counts live only in an expander, on request.
    assert "This week's exercise" not in shown and "Together answers:" not in shown
    [counts] = [e for e in alex.expander if e.label.startswith("Counts")]
    assert "you answered 0 of" in " ".join(m.value for m in counts.markdown)
    sam.switch_page("pages/home.py").run()
    assert "Nothing is waiting for you" in texts(sam)


def test_exercise_can_be_marked_done_with_a_note_both_can_read():
    sam, alex = couple()
    sam.switch_page("pages/chapter_4.py").run()
    sam.text_input(key="exercise-note:support").input("Called my sister")
    sam.button(key="exercise:support").click().run()
    alex.switch_page("pages/chapter_4.py").run()
    assert "Sam marked this done. Note: Called my sister" in texts(alex)


def test_home_lists_what_the_partner_shared_lately_and_nothing_private():
    from workbook import journal
    from workbook.ui.session import db

    sam, alex = couple()
    member = alex.session_state["member"]
    for chapter, prompt, visibility in (
        ("heart", "heart-own-1", journal.SHARED),
        ("talking", "talking-own-1", journal.PRIVATE),
    ):
        journal.save(
            db(), member, chapter_id=chapter, prompt_id=prompt, text="x", visibility=visibility
        )
    sam.switch_page("pages/home.py").run()
    shown = texts(sam)
    assert "Alex shared an answer in chapter 2" in shown
    assert "in chapter 3" not in shown  # Alex's private answer is not even mentioned
    alex.switch_page("pages/home.py").run()
    assert "shared an answer" not in texts(alex)  # your own shares are not news to you


def test_home_does_not_point_to_a_shared_answer_no_key_opens():
    from sqlalchemy import update

    from workbook import journal, text
    from workbook.tables import reflections
    from workbook.ui.session import db

    sam, alex = couple()
    member = alex.session_state["member"]
    entry = journal.save(
        db(), member, chapter_id="heart", prompt_id="heart-own-1", text="x", visibility="shared"
    )
    with db().engine.begin() as conn:  # damaged, or sealed under a key since replaced
        conn.execute(update(reflections).where(reflections.c.id == entry.id).values(body_ct=b"x"))
    sam.switch_page("pages/home.py").run()
    [line] = [c.value for c in sam.caption if "Alex shared an answer in chapter 2" in c.value]
    assert text.SHARED_UNREADABLE in line
    assert "You can read it" not in line


def test_where_you_are_and_the_card_agree_on_what_is_opened():
    """Why: a question both had answered was listed as waiting to be opened AND as
    opened together lately, and once opened, a card on every chapter page kept asking
    to open it."""
    sam, alex = couple()
    sam.switch_page("pages/chapter_3.py").run()
    answer(sam, "Sam first")
    alex.switch_page("pages/chapter_3.py").run()
    answer(alex, "Alex second")
    for person in (sam, alex):
        person.switch_page("pages/home.py").run()
        shown = texts(person)
        assert "Open them together when you are ready" in shown
        assert "Opened together lately" not in shown
        person.switch_page("pages/chapter_1.py").run()
        assert person.button(key="waiting-card-go").label == "Open together"
    alex.switch_page("pages/chapter_3.py").run()
    alex.button(key=f"open:{PROMPT.id}").click().run()
    alex.switch_page("pages/home.py").run()
    shown = texts(alex)
    assert "Open them together when you are ready" not in shown
    assert "Opened together lately" in shown and PROMPT.text in shown
    alex.switch_page("pages/chapter_1.py").run()
    assert not [b for b in alex.button if b.key == "waiting-card-go"]
    sam.switch_page("pages/home.py").run()  # Sam has not opened it yet
    assert "Open them together when you are ready" in texts(sam)
