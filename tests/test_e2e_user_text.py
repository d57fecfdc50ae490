"""In Chromium: markup a partner wrote is shown literally and calls no outside host.

A Markdown image, a link and an HTML ``<img>`` sit in every field a person writes
(space name, both display names, private and shared answers, together answers, the
agreement, exercise notes, care-team contacts). Both partners open every page; no
request may leave 127.0.0.1, no element may point at tracker.example, and the words
must show as typed (no stray backslashes either). Issue 11, section 3.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator

import pytest
from payloads import ALEX_NAME, HTML, IMG, LINK, SAM_NAME, SPACE_NAME, fill_everything

from workbook import settings, store

from browser import Person, start_server
from conftest import PROJECT
from helpers import PASS_A, PASS_B


def _nav_titles() -> list[str]:
    """Every page a signed-in partner has in the sidebar, read from app.py's NAV."""
    tree = ast.parse((PROJECT / "app.py").read_text())
    nav = next(
        n.value
        for n in tree.body
        if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "NAV"
    )
    return [
        row.elts[1].value
        for row in nav.elts
        if getattr(row.elts[3], "id", "") in ("GUEST", "PARTNER")
    ]


PAGES = _nav_titles()
# Where each payload must be visible, typed as it was (not all are on every page).
EXPECTED = {
    "Your space": [LINK, HTML],  # the space name as the title
    "1. Your body is healing": [IMG, LINK, HTML],  # notes, answers, names
    "Journal": [IMG, LINK, HTML],
    "Our care team": [IMG, LINK, HTML],
}


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """A server whose database already holds the payloads (same data folder and secret)."""
    data = tmp_path_factory.mktemp("markup-data")
    before = {k: os.environ.get(k) for k in ("WORKBOOK_DATA_DIR", "WORKBOOK_DATABASE_URL")}
    os.environ["WORKBOOK_DATA_DIR"] = str(data)
    os.environ.pop("WORKBOOK_DATABASE_URL", None)
    try:
        db = store.open_db(settings.from_environment())
        fill_everything(db)
        store.dispose_all()
    finally:
        for k, v in before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    yield from start_server(data)


def _shown(person: Person) -> str:
    return person.page.locator("[data-testid='stApp']").inner_text().replace("\u2060", "")


def _open_options(person: Person, label: str) -> str:
    """Open a select box's option list (a click during a rerun can be lost: retry)."""
    listbox = person.page.get_by_role("listbox")
    for _ in range(4):
        person.settle()
        person.page.get_by_label(label).click()
        try:
            listbox.wait_for(timeout=4_000)
        except Exception:  # noqa: BLE001, S112 - closed by a rerun: try again
            continue
        return listbox.inner_text().replace("\u2060", "")
    raise AssertionError(f"the {label!r} options did not open")


def _sign_in(person: Person, login: str, secret: str) -> None:
    person.open("account")
    person.tab("Sign in")
    panel = person.page.get_by_role("tabpanel", name="Sign in")
    panel.get_by_label("Sign-in name", exact=True).fill(login)
    panel.get_by_label("Passphrase", exact=True).fill(secret)
    panel.get_by_role("button", name="Sign in").click()
    person.settle()
    person.page.get_by_test_id("stSidebar").get_by_text("Signed in as").wait_for()


def _open_expanders(person: Person) -> None:
    summaries = person.page.locator("[data-testid='stExpander'] summary")
    for i in range(summaries.count()):
        summary = summaries.nth(i)
        if summary.is_visible() and summary.locator("xpath=..").get_attribute("open") is None:
            summary.click()
    person.settle()


def _check_page(person: Person, title: str) -> list[str]:
    problems = []
    page = person.page
    for selector in ("img[src*='tracker']", "a[href*='tracker']", "[srcset*='tracker']"):
        if page.locator(selector).count():
            html = page.locator(selector).first.evaluate("e => e.outerHTML")
            problems.append(f"{person.name} {title}: an element {selector}: {html[:300]}")
    # The invisible word joiner only stops autolinks (markdown.escape).
    shown = page.locator("[data-testid='stApp']").inner_text().replace("\u2060", "")
    # (Bring to therapy previews the Markdown file itself, escapes and all.)
    if "\\" in shown and title != "Bring to therapy":
        problems.append(f"{person.name} {title}: a backslash is showing")
    for words in EXPECTED.get(title, []):
        if words not in shown:
            problems.append(f"{person.name} {title}: {words!r} is not shown literally")
    return problems


def test_markup_in_every_field_is_shown_as_text_and_calls_nobody(people):
    problems = []
    for name, login, secret, partner in (
        ("sam", "sam", PASS_A, ALEX_NAME),
        ("alex", "alex", PASS_B, SAM_NAME),
    ):
        person = people(name)
        _sign_in(person, login, secret)
        sidebar = person.page.get_by_test_id("stSidebar").inner_text().replace("\u2060", "")
        if SPACE_NAME not in sidebar:
            problems.append(f"{name}: the sidebar does not show the space name literally")
        for title in PAGES:
            person.go(title)
            _open_expanders(person)
            problems += _check_page(person, title)
            if title == "Where you are" and partner not in _shown(person):
                problems.append(f"{name}: the home page does not show the partner's name")
            if title == "Journal":
                # Option lists are plain text: the partner's name as typed, nothing loaded.
                options = _open_options(person, "Written by")
                if partner not in options:
                    problems.append(f"{name}: 'Written by' does not list {partner!r}: {options}")
                problems += _check_page(person, "Journal, 'Written by' open")
                person.page.keyboard.press("Escape")
        if name == "sam":
            # One device: the hand-over screen and the locked screen name the partners.
            person.go("1. Your body is healing")
            pass_to = person.page.get_by_role("button", name="Pass to").first
            if not pass_to.is_visible():  # the together questions are folded
                person.page.locator("summary").filter(has_text="Together").first.click()
            pass_to.click()
            person.settle()
            problems += _check_page(person, "hand-over")
            if ALEX_NAME not in _shown(person):
                problems.append("the hand-over screen does not show Alex's name literally")
            person.page.get_by_role("button", name="Back to").first.click()
            person.settle()
            person.go("Your space")
            problems += _check_page(person, "locked")
            if SAM_NAME not in _shown(person):
                problems.append("the locked screen does not show Sam's name literally")
        person.shot("markup-last-page")
        outside = person.hosts - {"127.0.0.1"}
        if outside:
            problems.append(f"{name}'s browser called {outside}")
    assert not problems, "\n".join(problems)
