"""End to end: the real server in headless Chromium (Debian's), two partners, two browsers.

Screenshots are saved under each test's temporary folder. Every request the browser
makes is checked: nothing may go to any host but 127.0.0.1.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbook.content import workbook

from conftest import PROJECT, free_port
from helpers import PASS_A, PASS_B

pytestmark = pytest.mark.e2e
PROMPT = workbook().chapter("talking").together[0]
REVEAL = "You have both answered. Open them together when you are ready."
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("server-data")
    port = free_port()
    env = {**os.environ, "WORKBOOK_DATA_DIR": str(data)}
    env.pop("WORKBOOK_DATABASE_URL", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "serve.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
        ],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:  # noqa: S310
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("the app did not start: " + proc.stdout.read().decode()[-2000:])
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("WORKBOOK_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is required here (apt-get install chromium)")
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def people(request, browser, server, tmp_path):
    """Make partners' browsers; on a failure, screenshot each of them for the log."""
    made: list[Person] = []

    def make(name: str) -> Person:
        made.append(Person(browser, server, tmp_path, name))
        return made[-1]

    yield make
    failed = getattr(request.node, "rep_call", None)
    for person in made:
        if failed is not None and failed.failed:
            print("failure screenshot:", person.shot("failure"))
        person.context.close()


class Person:
    """One partner in their own browser context, with every request host recorded."""

    def __init__(self, browser, base: str, shots: Path, name: str) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 800})
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.base, self.shots, self.name = base, shots, name
        self.hosts: set[str] = set()
        self.page.on(
            "request", lambda req: self.hosts.add(re.sub(r"^\w+://([^/:]+).*$", r"\1", req.url))
        )

    def open(self, path: str = "") -> None:
        self.page.goto(f"{self.base}/{path}")
        self.settle()

    def go(self, title: str) -> None:
        """Move to another page inside the app, as a person would (a reload signs out)."""
        self.page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
        self.settle()

    def settle(self) -> None:
        self.page.wait_for_selector("[data-testid='stApp']")
        self.page.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=20_000
        )
        self.page.wait_for_timeout(300)

    def shot(self, label: str) -> Path:
        path = self.shots / f"{self.name}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def fill(self, label: str, value: str, tab: str | None = None) -> None:
        scope = self.page.get_by_role("tabpanel", name=tab) if tab else self.page
        field = scope.get_by_label(label, exact=True)
        field.fill(value)
        # Enter commits the field. (Tab from a password field lands on its own
        # show-password toggle, and Streamlit then does not commit the value.)
        field.press("Enter")
        self.settle()

    def click(self, name: str) -> None:
        self.page.get_by_role("button", name=name, exact=True).first.click()
        self.settle()


def make_couple(people, tag: str) -> tuple[Person, Person]:
    """Sam makes a space in one browser; Alex joins with the invite code in another."""
    sam = people("sam")
    # The first request may be a deep link on a fresh server: it must still run app.py
    # around the page (the help link is there, no "Page not found" pop-up).
    sam.open("account")
    sam.page.get_by_role("link", name="Get help now").first.wait_for()
    assert sam.page.get_by_text("Page not found").count() == 0
    sam.page.get_by_role("tab", name="Make a space").click()
    new = "Make a space"
    sam.fill("A name for your space", "Sam and Alex", new)
    sam.fill("Your name, as your partner will see it", "Sam", new)
    sam.fill("Sign-in name (only for signing in; nobody else sees it)", f"sam-{tag}", new)
    sam.fill("Passphrase", PASS_A, new)
    sam.fill("Type the passphrase again", PASS_A, new)
    sam.click("Make our space")
    sam.page.get_by_text("Your recovery key").wait_for()
    sam.shot("recovery-key")
    sam.click("I have saved my recovery key")
    sam.click("Make an invite code")
    code = sam.page.locator("[data-testid='stCode'] code").first.inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{2,4}){6}", code), code

    alex = people("alex")
    alex.open("account")
    alex.page.get_by_role("tab", name="Join your partner").click()
    for label, value in [
        ("Invite code", code),
        ("Your name, as your partner will see it", "Alex"),
        ("Sign-in name", f"alex-{tag}"),
        ("Passphrase", PASS_B),
        ("Type the passphrase again", PASS_B),
    ]:
        alex.fill(label, value, "Join your partner")
    alex.click("Join the space")
    alex.page.get_by_role("heading", name="Sam and Alex").wait_for()
    alex.click("I have saved my recovery key")
    return sam, alex


def test_two_partners_in_two_browsers_see_exactly_what_they_should(people):
    sam, alex = make_couple(people, "journal")

    sam.go("2. Your heart is healing too")
    areas = sam.page.locator("textarea")
    areas.nth(0).fill("Sam's private line, only for Sam")
    areas.nth(0).press("Tab")
    sam.settle()
    sam.page.get_by_role("button", name="Save just for me").nth(0).click()
    sam.settle()
    sam.page.get_by_text("Saved. Only you can see this.").first.wait_for()
    areas.nth(1).fill("Sam's shared line, for both of us")
    areas.nth(1).press("Tab")
    sam.settle()
    sam.page.get_by_role("button", name="Share with Alex").nth(1).click()
    sam.settle()
    sam.page.get_by_text("Saved and shared with Alex.").first.wait_for()
    sam.shot("saved")

    alex.go("2. Your heart is healing too")
    alex.page.get_by_text("Sam's shared line, for both of us").first.wait_for()
    assert alex.page.get_by_text("Sam's private line").count() == 0
    alex.shot("sees-shared-only")

    # Sign out, then back in: the private line is still there for Sam.
    sam.page.get_by_role("button", name="Sign out").first.click()
    sam.settle()
    assert sam.page.get_by_text("Sam's private line").count() == 0
    sam.go("Your space")
    panel = sam.page.get_by_role("tabpanel", name="Sign in")
    panel.get_by_label("Sign-in name", exact=True).fill("sam-journal")
    panel.get_by_label("Passphrase", exact=True).fill(PASS_A)
    panel.get_by_role("button", name="Sign in").click()
    sam.settle()
    sam.go("2. Your heart is healing too")
    sam.page.get_by_text("Only you can see this.").first.wait_for()
    assert sam.page.locator("textarea").nth(0).input_value() == "Sam's private line, only for Sam"
    sam.shot("signed-back-in")
    assert (sam.hosts | alex.hosts) <= {"127.0.0.1"}, sam.hosts | alex.hosts


def test_welcome_and_a_chapter_render_in_a_real_browser(people):
    guest = people("guest")
    guest.open()
    guest.page.get_by_role("heading", name="After a miscarriage: a workbook for two").wait_for()
    assert guest.page.get_by_text("Get help now").first.is_visible()
    assert guest.shot("welcome").stat().st_size > 10_000
    guest.open("chapter_2")
    guest.page.get_by_role("heading", name="Your heart is healing too").wait_for()
    area = guest.page.locator("textarea").first
    area.fill("A few words typed in the browser")
    area.press("Tab")
    guest.settle()
    assert guest.page.locator("textarea").first.input_value() == "A few words typed in the browser"
    guest.shot("chapter")
    guest.open("get_help")
    guest.page.get_by_role("heading", name="Get help now").first.wait_for()
    guest.shot("get-help")
    assert guest.hosts <= {"127.0.0.1"}, guest.hosts


def answer_together(person: Person, words: str) -> None:
    area = person.page.get_by_label(PROMPT.text, exact=True)
    area.fill(words)
    area.press("Tab")
    person.settle()
    # Streamlit gives each keyed widget a class: st-key-<key, ":" as "-">.
    person.page.locator(f".st-key-together-{PROMPT.id} button").click()
    person.settle()


def test_answer_apart_then_reveal_together_in_two_browsers(people):
    sam, alex = make_couple(people, "together")
    sam.go("3. Talking with each other")
    answer_together(sam, "Sam's together answer")
    sam.page.get_by_text("Waiting for Alex to answer").first.wait_for()
    sam.shot("waiting")

    alex.go("3. Talking with each other")
    alex.page.get_by_text("Sam has answered").first.wait_for()
    assert alex.page.get_by_text("Sam's together answer").count() == 0
    alex.shot("sees-waiting-not-text")
    answer_together(alex, "Alex's together answer")
    alex.page.get_by_text(REVEAL, exact=True).first.click()
    alex.page.get_by_text("Sam's together answer").first.wait_for()
    agreed = alex.page.get_by_label("What you agreed").first
    agreed.fill("We will talk on Sunday evenings")
    agreed.press("Tab")
    alex.settle()
    alex.page.get_by_role("button", name="Save what we agreed").first.click()
    alex.settle()
    alex.shot("revealed")

    sam.go("Where you are")
    sam.go("3. Talking with each other")
    sam.page.get_by_text(REVEAL, exact=True).first.click()
    sam.page.get_by_text("Alex's together answer").first.wait_for()
    assert sam.page.get_by_label("What you agreed").first.input_value() == (
        "We will talk on Sunday evenings"
    )
    sam.shot("revealed")
    assert (sam.hosts | alex.hosts) <= {"127.0.0.1"}


def test_one_device_hand_over_in_a_single_browser(people):
    sam, alex = make_couple(people, "handover")
    alex.context.close()
    sam.go("3. Talking with each other")
    answer_together(sam, "Sam's words on the shared laptop")
    sam.page.get_by_role("button", name="Pass to Alex").first.click()
    sam.settle()
    sam.page.get_by_role("heading", name="Pass to Alex").wait_for()
    assert sam.page.get_by_text("Sam's words on the shared laptop").count() == 0
    assert sam.page.locator("textarea").count() == 0
    sam.shot("pass-to-alex")
    sam.page.get_by_label("Passphrase", exact=True).fill(PASS_B)
    sam.page.get_by_role("button", name="Continue").click()
    sam.settle()
    sam.page.get_by_text("Sam has answered").first.wait_for()
    assert sam.page.get_by_text("Sam's words on the shared laptop").count() == 0
    answer_together(sam, "Alex's words on the shared laptop")
    sam.page.get_by_text(REVEAL, exact=True).first.click()
    sam.page.get_by_text("Sam's words on the shared laptop").first.wait_for()
    sam.shot("both-on-one-device")


def test_a_partner_downloads_an_export_with_exactly_what_they_may_see(people):
    sam, alex = make_couple(people, "export")
    sam.go("2. Your heart is healing too")
    areas = sam.page.locator("textarea")
    for index, words, button in (
        (0, "Export-private-line", "Save just for me"),
        (1, "Export-shared-line", "Share with Alex"),
    ):
        areas.nth(index).fill(words)
        areas.nth(index).press("Tab")
        sam.settle()
        sam.page.get_by_role("button", name=button).nth(index).click()
        sam.settle()
    for person, expect, never in (
        (sam, ["Export-private-line", "Export-shared-line"], []),
        (alex, ["Export-shared-line"], ["Export-private-line"]),
    ):
        person.go("Journal")
        with person.page.expect_download(timeout=30_000) as download:
            person.page.get_by_role("button", name="Markdown").click()
        content = Path(download.value.path()).read_text(encoding="utf-8")
        for words in expect:
            assert words in content, (person.name, content[:500])
        for words in never:
            assert words not in content
        person.shot("journal")
    assert (sam.hosts | alex.hosts) <= {"127.0.0.1"}
