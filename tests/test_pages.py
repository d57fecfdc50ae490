"""Every page through Streamlit's AppTest: what a person would see and do."""

from __future__ import annotations

import inspect

import pytest

from workbook.content import workbook
from workbook.ui.folds import OPEN_FOLDS

from apphelpers import (
    ALL_PAGES,
    button,
    couple,
    create_space,
    every_fold,
    fresh_install,  # noqa: F401  (a fixture, used through pytestmark)
    open_app,
    open_tab,
    save_answer,
    sign_in,
    texts,
)
from conftest import PROJECT
from helpers import PASS_A

pytestmark = pytest.mark.usefixtures("fresh_install")


@pytest.mark.parametrize("page", ALL_PAGES)
def test_every_page_opens_without_an_error_and_links_to_help(page):
    at = open_app(page)
    assert at.title, "every page has a title"
    # "Get help now" is rendered by app.py above every page.
    assert "Get help now" in [str(x.proto.label) for x in at.get("page_link")]


@pytest.mark.parametrize("chapter", workbook().chapters, ids=lambda c: c.id)
def test_a_chapter_page_shows_its_prompts_and_a_field_for_each(chapter):
    at = open_app(f"pages/chapter_{chapter.number}.py")
    shown = texts(at)
    assert at.title[0].value == chapter.title
    for prompt in (*chapter.prompts, *chapter.together):
        assert prompt.text in shown
    assert len(at.text_area) == len(chapter.prompts) + len(chapter.together)
    # Folded by kind: the page reads as a passage, then one fold per kind of question.
    labels = [e.label for e in at.expander]
    assert any(label.startswith("On your own") for label in labels)
    assert any(label.startswith("Together") for label in labels)
    assert any(chapter.exercise.title in label for label in labels)
    assert "not signed in" in shown  # a guest is told plainly that nothing is saved


@pytest.mark.parametrize("chapter", workbook().chapters, ids=lambda c: c.id)
def test_a_chapters_sources_are_one_list_with_every_link(chapter):
    at = open_app(f"pages/chapter_{chapter.number}.py")
    [fold] = [e for e in at.expander if e.label == "Where these facts come from"]
    [listed] = fold.markdown  # one element, not one per source (issue 14)
    for source in chapter.sources:
        assert f"- {source.fact} Source: [{source.source}]({source.url})" in listed.value


def test_typing_is_kept_across_reruns_and_page_switches():
    at = open_app("pages/chapter_2.py")
    at.text_area[0].input("Some words that matter").run()
    at.run()
    assert at.text_area[0].value == "Some words that matter"
    at.switch_page("pages/welcome.py").run()
    at.switch_page("pages/chapter_2.py").run()
    assert at.text_area[0].value == "Some words that matter"


def test_welcome_page_says_what_this_is_and_where_to_start():
    at = open_app()
    shown = texts(at)
    assert "private" in shown.lower()
    assert "Where to start" in shown
    links = [str(x.proto.label) for x in at.get("page_link")]
    assert any(label.startswith("1. ") for label in links)


def test_get_help_shows_warning_signs_and_the_chosen_countrys_numbers():
    at = open_app("pages/get_help.py")
    assert "Get help now if you or your partner has any of these signs" in texts(at)
    at.selectbox[0].select("United Kingdom").run()
    shown = texts(at)
    assert "999" in shown and "Samaritans" in shown and "116 123" in shown


# --- Spaces, sign-in and saving -------------------------------------------------------


def test_making_a_space_signs_in_and_shows_the_recovery_key_once():
    at = create_space(open_app())
    assert at.title[0].value == "Sam and Alex"
    assert "recovery key" in texts(at).lower()
    button(at, "I have saved my recovery key").click().run()
    assert "shown only once" not in texts(at)


def test_a_weak_passphrase_gets_a_hint_and_nothing_is_made():
    at = open_tab(open_app(), "Make a space").switch_page("pages/account.py").run()
    at.text_input(key="new_space_name").input("Us")
    at.text_input(key="new_name").input("Sam")
    at.text_input(key="new_login").input("sam")
    at.text_input(key="new_pass").input("password1").run()
    assert any("easy to guess" in w.value for w in at.warning)
    at.text_input(key="new_confirm").input("password1")
    button(at, "Make our space").click().run()
    assert any("easy to guess" in e.value for e in at.error)
    assert at.text_input(key="new_name").value == "Sam"  # nothing typed is lost


def test_wrong_passphrase_shows_one_kind_message():
    create_space(open_app())
    at = sign_in(open_app(), "sam", "not the right words")
    assert any("do not match" in e.value for e in at.error)
    other = sign_in(open_app(), "nobody", "not the right words")
    assert [e.value for e in other.error] == [e.value for e in at.error]


def test_two_partners_save_private_and_shared_answers_and_see_the_right_ones():
    sam, alex = couple()
    assert alex.title[0].value == "Today"  # joining lands on the first question
    alex.switch_page("pages/account.py").run()
    assert "Sam and Alex" in alex.title[0].value

    sam.switch_page("pages/chapter_2.py").run()
    sam.text_area[0].input("Only for me: a private thought")
    save_answer(sam, workbook().chapter("heart").prompts[0].id)
    assert "Only you can see this" in texts(sam)
    sam.text_area[1].input("For us both: a shared thought")
    save_answer(sam, workbook().chapter("heart").prompts[1].id, shared=True)
    assert any("shared with Alex" in s.value for s in sam.success)

    alex.switch_page("pages/chapter_2.py").run()
    shown = texts(alex)
    assert "For us both: a shared thought" in shown
    assert "Only for me" not in shown


def test_saving_an_empty_answer_is_refused_kindly():
    at = create_space(open_app())
    at.switch_page("pages/chapter_1.py").run()
    prompt_id = workbook().chapter("body").prompts[0].id
    at.button(key=f"save:{prompt_id}").click().run()
    assert any("nothing to save" in e.value for e in at.error)


def test_sign_out_forgets_keys_and_drafts():
    at = create_space(open_app())
    at.switch_page("pages/chapter_1.py").run()
    at.text_area[0].input("an unsaved draft").run()
    partner_id = at.session_state["member_id"]
    button(at, "Sign out").click().run()
    assert "member" not in at.session_state
    chapter = workbook().chapter("body")
    for prompt in (*chapter.prompts, *chapter.together):
        assert f"draft:{partner_id}:{prompt.id}" not in at.session_state
    assert not at.text_area  # the folds the last person opened are closed too
    at.session_state[OPEN_FOLDS] = every_fold()
    at.run()
    assert at.text_area[0].value == ""


def test_an_idle_session_locks_and_the_passphrase_unlocks_it():
    at = create_space(open_app())
    at.session_state["last_active"] = -10_000.0
    at.switch_page("pages/account.py").run()
    assert "member" not in at.session_state
    assert any("Locked" in i.value for i in at.info)
    [field] = [t for t in at.text_input if t.label == "Passphrase"]
    field.input(PASS_A)
    button(at, "Unlock").click().run()
    assert at.session_state["member"].name == "Sam"


def test_words_typed_before_making_a_space_are_kept_after():
    at = open_app("pages/chapter_3.py")
    at.text_area[0].input("Written before we had a space").run()
    create_space(at)
    at.switch_page("pages/chapter_3.py").run()
    assert at.text_area[0].value == "Written before we had a space"


def test_a_locked_device_still_opens_get_help_now():
    """A lock must never stand between a person and crisis help."""
    at = create_space(open_app())
    at.session_state["last_active"] = -10_000.0
    at.switch_page("pages/account.py").run()
    assert any("Locked" in i.value for i in at.info)
    at.switch_page("pages/get_help.py").run()
    assert not at.exception
    assert "Unlock" not in [b.label for b in at.button]  # no passphrase form in the way
    assert "Get help now if you or your partner has any of these signs" in texts(at)


def test_a_run_the_partners_news_started_does_not_restart_the_idle_clock():
    """The partner saving every few minutes must not keep this device open for ever."""
    from workbook.ui.idle import AUTOMATIC_RUN

    at = create_space(open_app())
    button(at, "I have saved my recovery key").click().run()
    at.session_state["last_active"] = -10_000.0
    at.session_state[AUTOMATIC_RUN] = True  # as the poll sets it before its full run
    at.run()
    assert "member" not in at.session_state  # locked: the idle time was not reset


def test_a_new_session_copies_the_pages_instead_of_making_them(monkeypatch):
    """Making the pages resolves 17 paths on disk; a process makes them once, and each
    session, which marks its own pages as runnable, gets its own copies."""
    from streamlit.navigation import page as st_page

    made = []
    original = st_page.page_icon_and_name  # called once for each page made from a file

    def counted(path):
        made.append(path)
        return original(path)

    monkeypatch.setattr(st_page, "page_icon_and_name", counted)
    first = open_app("pages/chapter_1.py")
    assert len(made) >= 17
    made.clear()
    second = open_app("pages/chapter_2.py")
    assert made == []
    assert second.title[0].value == workbook().chapters[1].title
    mine, theirs = first.session_state["nav_pages:False"], second.session_state["nav_pages:False"]
    assert [p.url_path for p in mine] == [p.url_path for p in theirs]
    assert not any(a is b for a, b in zip(mine, theirs, strict=True))


def test_a_rerun_reads_no_source_code(monkeypatch):
    """Streamlit reads a cached function's source where it is decorated: a cache
    decorator in app.py or a page would do that on every run (2% of the server's time
    in a sign-in storm)."""
    import inspect

    at = open_app("pages/chapter_1.py")
    read = []
    original = inspect.getsource
    monkeypatch.setattr(inspect, "getsource", lambda obj: read.append(obj) or original(obj))
    at.run()
    at.switch_page("pages/today.py").run()
    assert read == []


def test_a_whole_page_run_leaves_no_function_of_app_py_as_garbage():
    """app.py runs as a new module on every whole-page run: a function defined there
    forms a reference cycle with that module's globals, garbage the collector has to
    find after each run (113 of them in a 10-couple load run). It defines none."""
    import gc
    from pathlib import Path

    at = open_app("pages/chapter_1.py")
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for _ in range(3):
            at.switch_page("pages/chapter_2.py").run()
            at.switch_page("pages/chapter_1.py").run()
        gc.collect()
        left = [
            o.__name__
            for o in gc.garbage
            if inspect.isfunction(o) and Path(o.__code__.co_filename).name == "app.py"
        ]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert not at.exception
    assert left == []


def test_drawing_the_partners_news_check_parses_no_time_text(monkeypatch):
    """The poll's interval is a number: given as "5s", Streamlit parsed it with pandas
    on every run of every page that draws it (Today and the chapters)."""
    import pandas as pd

    at = create_space(open_app())
    button(at, "I have saved my recovery key").click().run()

    def no_parsing(*args, **kwargs):
        raise AssertionError("a time text was parsed")

    monkeypatch.setattr(pd, "Timedelta", no_parsing)
    at.switch_page("pages/today.py").run()
    at.switch_page("pages/chapter_1.py").run()
    assert not at.exception
    assert at.title[0].value == workbook().chapters[0].title


def test_the_tab_icon_is_the_local_favicon_and_no_run_reads_it_from_disk(monkeypatch):
    """Given a file path, st.set_page_config read, hashed and registered the icon on
    every run (4% of a whole-page run); it is now a data URL made once."""
    import base64

    from streamlit.commands import page_config
    from streamlit.elements.lib import image_utils

    from workbook import ui

    header, data = ui.FAVICON.split(",", 1)
    assert header == "data:image/png;base64"
    assert base64.b64decode(data) == (PROJECT / "assets" / "favicon.png").read_bytes()
    converted = []
    original = image_utils.image_to_url

    def counted(image, *args, **kwargs):
        converted.append(image)
        return original(image, *args, **kwargs)

    monkeypatch.setattr(image_utils, "image_to_url", counted)
    monkeypatch.setattr(page_config, "image_to_url", counted)
    at = open_app("pages/chapter_1.py")
    at.run()
    assert not at.exception
    assert converted and set(converted) == {ui.FAVICON}  # passed on as it is: no file read
    assert page_config._get_favicon_string(ui.FAVICON) == ui.FAVICON
