"""The idle lock runs on time, without a click (issue 11, section 7), in a real browser."""

from __future__ import annotations

import pytest

from browser import start_server
from helpers import PASS_A

pytestmark = pytest.mark.e2e
LOCK_SECONDS = 12


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """This module's own server, with an idle lock of a few seconds."""
    yield from start_server(
        tmp_path_factory.mktemp("idle-data"), WORKBOOK_LOCK_MINUTES=str(LOCK_SECONDS / 60)
    )


def test_an_idle_screen_locks_by_itself_and_unlocks_in_place(people):
    sam = people("sam")
    sam.open("account")
    sam.tab("Make a space")
    new = "Make a space"
    sam.fill("A name for your space", "Sam and Alex", new)
    sam.fill("Your name, as your partner will see it", "Sam", new)
    sam.fill("Sign-in name (only for signing in; nobody else sees it)", "sam-idle", new)
    sam.fill("Passphrase", PASS_A, new)
    sam.fill("Type the passphrase again", PASS_A, new)
    sam.click("Make our space")
    sam.click("I have saved my recovery key")
    page = sam.page
    page.get_by_text("Signed in as").first.wait_for()
    # No click, no key: the screen locks on its own within the limit and a few seconds.
    page.get_by_text("Locked to keep your words private").first.wait_for(
        timeout=(LOCK_SECONDS + 15) * 1000
    )
    assert page.get_by_text("Signed in as").count() == 0
    assert page.get_by_text("Sam and Alex").count() == 0
    sam.shot("locked-by-itself")
    field = page.get_by_label("Passphrase", exact=True)
    field.fill(PASS_A)
    field.press("Enter")
    sam.settle()
    page.get_by_text("Signed in as").first.wait_for()
