"""The whole journey of a couple, in two browsers, at desktop and at phone size.

Make a space, join with the invite, work a chapter, save private and shared answers,
answer a together question through the reveal, export, sign out and sign back in.
A screenshot of every step is kept under the test's temporary folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from workbook.content import workbook

from browser import DESKTOP, PHONE, make_couple, open_fold, save_own
from helpers import PASS_A

pytestmark = pytest.mark.e2e
TOGETHER = workbook().chapter("talking").together[1]


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_couples_journey(people, size):
    tag = f"journey-{size[0]}"
    sam, alex = make_couple(people, tag, size)
    sam.shot("01-space-made")
    alex.shot("02-joined")

    sam.go("2. Your heart is healing too")
    open_fold(sam, "On your own")
    heart = workbook().chapter("heart").prompts
    save_own(sam, heart[0], "Journey private words")
    save_own(sam, heart[1], "Journey shared words", shared=True)
    sam.page.get_by_text("Saved and shared with Alex.").first.wait_for()
    sam.shot("03-chapter-saved")

    for person, words in ((sam, "Sam: a walk after dinner"), (alex, "Alex: sitting close")):
        person.go("3. Talking with each other")
        open_fold(person, "Together")
        area = person.page.get_by_label(TOGETHER.text, exact=True)
        area.fill(words)
        area.press("Tab")
        person.settle()
        person.page.locator(f".st-key-together-{TOGETHER.id} button").click()
        person.settle()
    alex.page.get_by_role("button", name="Open together").first.click()
    alex.settle()
    alex.page.get_by_text("Sam: a walk after dinner").first.wait_for()
    alex.shot("04-revealed")

    alex.go("Journal")
    alex.page.get_by_text("Journey shared words").first.wait_for()
    assert alex.page.get_by_text("Journey private words").count() == 0
    with alex.page.expect_download(timeout=30_000) as download:
        alex.page.get_by_role("button", name="CSV (spreadsheet)").click()
    csv = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "Journey shared words" in csv and "Alex: sitting close" in csv
    assert "Journey private words" not in csv
    alex.shot("05-exported")

    sam.go("Your space")  # Sign out is in the sidebar too, but that is closed on a phone
    sam.page.get_by_test_id("stMain").get_by_role("button", name="Sign out").click()
    sam.settle()
    sam.shot("06-signed-out")
    sam.go("Your space")
    panel = sam.page.get_by_role("tabpanel", name="Sign in")
    panel.get_by_label("Sign-in name", exact=True).fill(f"sam-{tag}")
    panel.get_by_label("Passphrase", exact=True).fill(PASS_A)
    panel.get_by_role("button", name="Sign in").click()
    sam.page.get_by_role("heading", name="Today").wait_for()  # sign-in lands on Today
    sam.settle()
    sam.go("Journal")
    sam.page.get_by_text("Journey private words").first.wait_for()
    sam.shot("07-signed-back-in")
    assert (sam.hosts | alex.hosts) <= {"127.0.0.1"}
