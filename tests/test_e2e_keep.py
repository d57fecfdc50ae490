"""Nothing typed is lost, in a real browser: Tab out of every form field keeps its value,
and a reload keeps a draft (issue 13, point 4).

Each field is filled with the keyboard only: focus, type, Tab, as a person would. A
password field's Tab lands on its own "Show password" toggle; before the fix, the
value typed in "Type the passphrase again" was then never sent.
"""

from __future__ import annotations

import re

import pytest

from workbook.content import workbook

from browser import Person, open_fold, save_own
from helpers import PASS_A, PASS_B

pytestmark = pytest.mark.e2e
NEW_PASS = "harbour violet seven kites"


def keyboard_fill(person: Person, fields: list[tuple[str, str]], scope=None) -> None:
    """Type each value into its field and leave it with Tab, never with Enter or a click."""
    where = scope if scope is not None else person.page
    for label, value in fields:
        where.get_by_label(label, exact=True).focus()
        person.page.keyboard.type(value)
        person.page.keyboard.press("Tab")
        person.page.wait_for_timeout(400)
    person.settle()
    for label, value in fields:  # still there after every rerun the typing caused
        assert where.get_by_label(label, exact=True).input_value() == value, label


def new_partner(prefix_values: list[tuple[str, str]], login: str, secret: str):
    return [
        *prefix_values,
        ("Your name, as your partner will see it", login.split("-")[0].title()),
        ("Sign-in name (only for signing in; nobody else sees it)", login),
        ("Passphrase", secret),
        ("Type the passphrase again", secret),
    ]


def test_every_form_keeps_what_was_typed_when_tabbing_out(people):
    sam = people("sam")
    sam.open("account")
    sam.tab("Make a space")
    panel = sam.page.get_by_role("tabpanel", name="Make a space")
    keyboard_fill(
        sam, new_partner([("A name for your space", "Sam and Alex")], "sam-kb", PASS_A), panel
    )
    sam.click("Make our space")
    sam.page.get_by_role("heading", name="Your recovery key").wait_for()
    sam.click("I have saved my recovery key")
    sam.click("Make an invite code")
    code = sam.page.locator("[data-testid='stCode'] code").first.inner_text().strip()

    alex = people("alex")
    alex.open("account")
    alex.tab("Join your partner")
    panel = alex.page.get_by_role("tabpanel", name="Join your partner")
    keyboard_fill(alex, new_partner([("Invite code", code)], "alex-kb", PASS_B), panel)
    alex.click("Join the space")
    alex.page.get_by_role("heading", name="Sam and Alex").wait_for()

    # Save an answer: type, Tab out, then save.
    sam.go("1. Your body is healing")
    open_fold(sam, "On your own")
    area = sam.page.locator("textarea").first
    area.focus()
    sam.page.keyboard.type("Typed, then Tab")
    sam.page.keyboard.press("Tab")
    sam.settle()
    assert sam.page.locator("textarea").first.input_value() == "Typed, then Tab"
    sam.page.get_by_role("button", name="Save", exact=True).first.click()
    sam.settle()
    sam.page.get_by_text("Saved. Only you can see this.").first.wait_for()

    # Change the passphrase.
    sam.go("Your data")
    sam.page.get_by_text("Change your passphrase").first.click()
    sam.settle()
    keyboard_fill(
        sam,
        [
            ("Current passphrase", PASS_A),
            ("New passphrase", NEW_PASS),
            ("Type the new passphrase again", NEW_PASS),
        ],
    )
    sam.click("Change passphrase")
    sam.page.get_by_text("Your passphrase is changed").first.wait_for()

    # Sign in.
    sam.page.get_by_role("button", name="Sign out").first.click()
    sam.settle()
    sam.go("Your space")
    panel = sam.page.get_by_role("tabpanel", name="Sign in")
    panel.get_by_label("Sign-in name", exact=True).focus()
    sam.page.keyboard.type("sam-kb")
    sam.page.keyboard.press("Tab")
    sam.page.keyboard.type(NEW_PASS)
    sam.page.keyboard.press("Tab")
    sam.settle()
    sam.click("Sign in")
    sam.page.get_by_text("Signed in as").first.wait_for()
    assert sam.page.get_by_text(re.compile("do not match")).count() == 0


def test_a_reload_keeps_the_draft(people):
    sam = people("sam")
    sam.open("account")
    sam.tab("Make a space")
    panel = sam.page.get_by_role("tabpanel", name="Make a space")
    keyboard_fill(
        sam, new_partner([("A name for your space", "Sam and Alex")], "sam-reload", PASS_A), panel
    )
    sam.click("Make our space")
    sam.click("I have saved my recovery key")
    sam.go("1. Your body is healing")
    open_fold(sam, "On your own")
    area = sam.page.locator("textarea").first
    area.focus()
    sam.page.keyboard.type("Words I have not saved yet")
    sam.page.wait_for_timeout(3000)  # a pause in typing, still in the field
    sam.settle()  # the rerun that stored the draft has finished
    assert area.evaluate("el => el === document.activeElement")
    sam.page.reload()
    sam.settle()
    sam.go("Your space")
    sam.page.get_by_text("Anything you typed while signed in is kept").first.wait_for()
    panel = sam.page.get_by_role("tabpanel", name="Sign in")
    panel.get_by_label("Sign-in name", exact=True).fill("sam-reload")
    panel.get_by_label("Passphrase", exact=True).fill(PASS_A)
    sam.click("Sign in")
    sam.page.get_by_text("Signed in as").first.wait_for()
    sam.go("1. Your body is healing")
    open_fold(sam, "On your own")
    assert sam.page.locator("textarea").first.input_value() == "Words I have not saved yet"
    sam.shot("draft-back")


def test_a_reload_keeps_words_typed_in_a_journal_entry(people):
    """A journal entry's edit box is a draft too: a pause in typing stores it, and after
    a reload the entry says its changes wait, and Edit shows them."""
    sam = people("sam")
    sam.open("account")
    sam.tab("Make a space")
    panel = sam.page.get_by_role("tabpanel", name="Make a space")
    keyboard_fill(
        sam, new_partner([("A name for your space", "Sam and Alex")], "sam-jreload", PASS_A), panel
    )
    sam.click("Make our space")
    sam.click("I have saved my recovery key")
    sam.go("1. Your body is healing")
    open_fold(sam, "On your own")
    save_own(sam, workbook().chapter("body").prompts[0], "As I saved it")
    sam.page.get_by_text("Saved. Only you can see this.").first.wait_for()
    sam.go("Journal")
    sam.page.get_by_role("button", name="Edit", exact=True).click()
    area = sam.page.get_by_label("Your words", exact=True)
    area.focus()
    sam.page.keyboard.press("End")
    sam.page.keyboard.type(", and what I added later")
    sam.page.wait_for_timeout(3000)  # a pause in typing, still in the box
    sam.settle()
    assert area.evaluate("el => el === document.activeElement")
    sam.page.reload()
    sam.settle()
    sam.go("Your space")
    panel = sam.page.get_by_role("tabpanel", name="Sign in")
    panel.get_by_label("Sign-in name", exact=True).fill("sam-jreload")
    panel.get_by_label("Passphrase", exact=True).fill(PASS_A)
    sam.click("Sign in")
    sam.page.get_by_text("Signed in as").first.wait_for()
    sam.go("Journal")
    note = sam.page.get_by_text("You have changes here that are not saved yet")
    note.wait_for()
    note.scroll_into_view_if_needed()
    sam.shot("journal-changes-waiting")
    sam.page.get_by_role("button", name="Edit", exact=True).click()
    area = sam.page.get_by_label("Your words", exact=True)
    area.wait_for()
    assert area.input_value() == "As I saved it, and what I added later"
