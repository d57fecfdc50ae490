"""A way in that is obvious (AppTest): Welcome's one main action, the sign-in view in
place of a page that needs the space, and unlocking where the lock happened."""

from __future__ import annotations

import pytest

from workbook.content import workbook

from apphelpers import (
    button,
    create_space,
    fresh_install,  # noqa: F401  (a fixture, used through pytestmark)
    open_app,
    open_tab,
    sign_in,
    texts,
)
from helpers import PASS_A

pytestmark = pytest.mark.usefixtures("fresh_install")
BODY = workbook().chapter("body")
TITLES = {
    "journal": "Your journal",
    "home": "Where you are",
    "your_data": "Your data",
    "therapy_summary": "Bring to therapy",
    "care_team": "Our care team",
}


def test_welcome_has_one_main_action_and_a_quieter_one():
    at = open_app()
    start = button(at, "Start your space")
    assert start.proto.type == "primary"
    assert button(at, "Read chapter 1 first").proto.type != "primary"
    assert [b for b in at.button if b.proto.type == "primary"] == [start]
    for chapter in workbook().chapters:  # whole sentences, as text, not in a link label
        assert chapter.summary in texts(at)
    start.click().run()
    assert at.title[0].value == "Your space"
    assert at.text_input(key="new_space_name")  # "Make a space" is the open tab
    at = open_app()
    button(at, "Read chapter 1 first").click().run()
    assert at.title[0].value == BODY.title


@pytest.mark.parametrize("page", ["journal", "home", "your_data", "therapy_summary", "care_team"])
def test_a_page_that_needs_the_space_shows_sign_in_in_its_place(page):
    at = create_space(open_app())
    button(at, "I have saved my recovery key").click().run()
    guest = open_app(f"pages/{page}.py")  # a new session, as a reload or a shared link
    assert guest.title[0].value == "Your space"
    fields = [t for t in guest.text_input if t.label in ("Sign-in name", "Passphrase")]
    fields[0].input("sam")
    fields[1].input(PASS_A)
    button(guest, "Sign in").click().run()
    assert not guest.exception, guest.exception
    assert guest.title[0].value == TITLES[page]  # the page that was asked for


def test_a_locked_screen_unlocks_in_place_with_the_draft_still_there():
    at = create_space(open_app())
    at.switch_page("pages/chapter_1.py").run()
    [area] = [a for a in at.text_area if a.key and a.key.endswith(f":{BODY.prompts[0].id}")]
    area.input("Still here after the lock").run()
    button(at, "Lock").click().run()
    assert "Still here" not in texts(at)
    assert not at.text_area
    [field] = [t for t in at.text_input if t.label == "Passphrase"]
    field.input(PASS_A)
    button(at, "Unlock").click().run()
    assert at.title[0].value == BODY.title
    [area] = [a for a in at.text_area if a.key and a.key.endswith(f":{BODY.prompts[0].id}")]
    assert area.value == "Still here after the lock"


def test_a_space_made_from_another_page_points_to_its_recovery_key():
    at = open_tab(open_app(), "Make a space").switch_page("pages/journal.py").run()
    assert at.title[0].value == "Your space"  # the sign-in view, in place
    at.text_input(key="new_space_name").input("Sam and Alex")
    at.text_input(key="new_name").input("Sam")
    at.text_input(key="new_login").input("sam")
    at.text_input(key="new_pass").input(PASS_A)
    at.text_input(key="new_confirm").input(PASS_A)
    button(at, "Make our space").click().run()
    assert at.title[0].value == "Your journal"
    assert "Your recovery key is ready" in texts(at)
    at.switch_page("pages/account.py").run()
    button(at, "I have saved my recovery key").click().run()
    at.switch_page("pages/journal.py").run()
    assert "Your recovery key is ready" not in texts(at)


def test_the_sign_in_view_builds_only_the_open_tab_and_remembers_it():
    """Issue 14: five forms built on every visit made a rush of sign-ins cost twice as
    much; only the tab a person has open is built."""
    at = open_app("pages/account.py")
    assert [t.label for t in at.text_input] == ["Sign-in name", "Passphrase"]
    assert not at.get("file_uploader")
    open_tab(at, "Restore a backup").run()
    assert at.get("file_uploader")
    assert "Sign-in name" not in [t.label for t in at.text_input]
    at.switch_page("pages/welcome.py").run()
    at.switch_page("pages/account.py").run()
    assert at.get("file_uploader"), "the open tab was forgotten on a second visit"


def test_names_typed_in_one_tab_are_still_there_after_looking_at_another():
    """Only the open tab is built, so its fields went with it: a person who checked
    "Join your partner" and came back had to type everything again. Names, the
    sign-in name, the invite code and the role choice are kept; passphrases are not."""
    at = open_tab(open_app("pages/account.py"), "Make a space").run()
    at.text_input(key="new_space_name").input("Sam and Alex")
    at.text_input(key="new_name").input("Sam")
    at.text_input(key="new_login").input("sam")
    at.text_input(key="new_pass").input("a secret phrase")
    at.radio(key="new_role").set_value("pregnant").run()
    open_tab(at, "Join your partner").run()
    at.text_input(key="join_code").input("ABCD-EFGH").run()
    open_tab(at, "Make a space").run()
    assert at.text_input(key="new_space_name").value == "Sam and Alex"
    assert at.text_input(key="new_name").value == "Sam"
    assert at.text_input(key="new_login").value == "sam"
    assert at.radio(key="new_role").value == "pregnant"
    assert not at.text_input(key="new_pass").value, "a passphrase outlived its tab"
    open_tab(at, "Join your partner").run()
    assert at.text_input(key="join_code").value == "ABCD-EFGH"
    # Once in, what was typed to get in is not kept any longer.
    create_space(at)
    kept = [
        k
        for k in ("new_space_name", "new_name", "new_login", "join_code", "new_role")
        if k in at.session_state
    ]
    assert not kept, kept


def test_signing_in_from_a_chapter_comes_back_to_it():
    """Why: a reload signs out; signing in from the chapter's own link then landed on
    Today, and the person had to find their chapter again."""
    at = create_space(open_app())
    at.switch_page("pages/chapter_2.py").run()
    guest = open_app("pages/chapter_2.py")  # the reload
    [link] = [p for p in guest.get("page_link") if p.proto.label == "Make a space or sign in"]
    assert "then=chapter_2" in link.proto.query_string
    guest.query_params["then"] = "chapter_2"  # the link's address
    sign_in(guest, "sam", PASS_A)
    assert guest.session_state["current_page"] == "pages/chapter_2.py"
    assert "Your heart is healing too" in [t.value for t in guest.title]


@pytest.mark.parametrize("then", ["", "journal", "https://example.org", "../app"])
def test_signing_in_from_elsewhere_lands_on_today(then):
    create_space(open_app())
    guest = open_app()
    if then:
        guest.query_params["then"] = then
    sign_in(guest, "sam", PASS_A)
    assert guest.session_state.get("current_page") != "pages/journal.py"
    assert any("Today" in t.value for t in guest.title), [t.value for t in guest.title]
