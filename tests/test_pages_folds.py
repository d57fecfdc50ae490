"""A chapter's folds build their questions only while open (workbook/ui/folds.py).

Issue 14: built on every run, the questions of every fold made a chapter page cost
about 50 ms of server CPU; a closed fold now costs only its title.
"""

from __future__ import annotations

import pytest

from workbook.content import workbook
from workbook.ui.folds import OPEN_FOLDS, fold_key

from apphelpers import (
    button,
    couple,
    create_space,
    fresh_install,  # noqa: F401  (a fixture, used through pytestmark)
    open_app,
    save_answer,
    texts,
)

pytestmark = pytest.mark.usefixtures("fresh_install")
BODY = workbook().chapter("body")


def folds(at) -> list[str]:
    return [e.label for e in at.expander]


def test_a_closed_chapter_shows_the_passage_and_fold_titles_but_builds_no_questions():
    at = create_space(open_app(folds_open=False))
    button(at, "I have saved my recovery key").click().run()
    at.switch_page("pages/chapter_1.py").run()
    assert not at.exception
    assert not at.text_area and not at.radio
    titles = folds(at)
    for start in ("On your own", "Readiness check-in", "Together", "Try this week"):
        assert any(t.startswith(start) for t in titles), titles
    assert "When to get help" in texts(at)


def test_opening_one_fold_builds_only_its_questions():
    at = create_space(open_app(folds_open=False))
    at.switch_page("pages/chapter_1.py").run()
    at.session_state[fold_key("chapter_1", "own")] = True  # what a click on it sends
    at.run()
    keys = {a.key for a in at.text_area}
    own = {f"draft:{at.session_state['member_id']}:{p.id}" for p in BODY.prompts}
    assert keys and keys <= own
    assert not any(key.startswith("readiness:") for key in (r.key for r in at.radio))


def test_an_open_fold_stays_open_on_another_visit_and_when_its_title_changes():
    at = create_space(open_app(folds_open=False))
    at.session_state[OPEN_FOLDS] = {fold_key("chapter_1", "own")}  # as the click left it
    at.switch_page("pages/chapter_1.py").run()
    before = [t for t in folds(at) if t.startswith("On your own")]
    assert at.text_area
    at.switch_page("pages/journal.py").run()
    at.switch_page("pages/chapter_1.py").run()
    assert at.text_area, "the fold closed on a second visit"
    # Saying who was pregnant changes how many questions are "on your own".
    at.switch_page("pages/account.py").run()
    at.radio(key="role_setting").set_value("pregnant")
    at.run()
    at.switch_page("pages/chapter_1.py").run()
    after = [t for t in folds(at) if t.startswith("On your own")]
    assert after != before, (before, after)
    assert at.text_area, "the fold closed when its title changed"


def test_words_typed_in_a_fold_are_still_there_after_it_is_closed_and_opened():
    at = create_space(open_app(folds_open=False))
    key = fold_key("chapter_1", "own")
    at.session_state[OPEN_FOLDS] = {key}
    at.switch_page("pages/chapter_1.py").run()
    area = at.text_area[0].key
    at.text_area(key=area).input("words not saved yet").run()
    at.session_state[OPEN_FOLDS] = set()
    at.session_state[key] = False
    at.run()
    assert not at.text_area
    at.session_state[OPEN_FOLDS] = {key}
    at.session_state[key] = True
    at.run()
    assert at.text_area(key=area).value == "words not saved yet"


def _parents(node, parent=None):
    """Every element with the block that holds it."""
    for child in getattr(node, "children", {}).values():
        yield child, node
        yield from _parents(child, child)


def test_each_questions_buttons_sit_together_in_one_row():
    """Save and Delete (once an answer is saved), and a together question's buttons, are
    one flex row: at the start of the line, wrapping on a phone (st.columns spread them
    over equal columns, and cost two or three more blocks per question on every run).
    A question with only its Save has no row around it: one block fewer per run."""
    sam, _ = couple()
    sam.switch_page("pages/chapter_3.py").run()
    chapter = workbook().chapter("talking")
    answered = chapter.prompts[0].id
    sam.text_area(key=f"draft:{sam.session_state['member_id']}:{answered}").input("Mine")
    save_answer(sam, answered)
    # (The saved answer's Delete is a popover in that row, its button inside it.)
    in_a_row = {f"save:{answered}"} | {f"together:{t.id}" for t in chapter.together}
    alone = {f"save:{p.id}" for p in chapter.prompts[1:]}
    parents = {}
    for node, parent in _parents(sam._tree):
        if getattr(node, "type", "") == "button" and node.key in in_a_row | alone:
            parents[node.key] = parent
    assert set(parents) == in_a_row | alone
    horizontal = parents[f"save:{answered}"].proto.flex_container.HORIZONTAL
    for key in in_a_row:
        assert parents[key].type == "flex_container"
        assert parents[key].proto.flex_container.direction == horizontal, key
    for key in alone:
        assert parents[key].proto.flex_container.direction != horizontal, key
