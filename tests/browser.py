"""Browser fixtures: the real server, Debian's headless Chromium, and partners in it.

Every request a page makes is recorded, so tests can check that nothing goes to any
host but 127.0.0.1. Screenshots are saved under each test's temporary folder.
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

from conftest import PROJECT, free_port
from helpers import PASS_A, PASS_B

CHROMIUM = "/usr/bin/chromium"
DESKTOP, PHONE = (1280, 800), (390, 844)
MOBILE_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
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


def start_server(data: Path, **extra_env: str) -> Iterator[str]:
    """Run serve.py on a free port with its data in ``data``; yield its URL, then stop it."""
    port = free_port()
    env = {**os.environ, "WORKBOOK_DATA_DIR": str(data), **extra_env}
    env.pop("WORKBOOK_DATABASE_URL", None)
    # A file, not a pipe: nobody reads a pipe while the tests run, and a full one
    # would stall the server in the middle of a test.
    log = (data / "server.log").open("wb")
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
        stdout=log,
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
        log.close()
        pytest.fail("the app did not start: " + (data / "server.log").read_text()[-2000:])
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    yield from start_server(tmp_path_factory.mktemp("server-data"))


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

    def make(name: str, size: tuple[int, int] = DESKTOP) -> Person:
        made.append(Person(browser, server, tmp_path, name, size))
        return made[-1]

    yield make
    close_people(request, made)


def close_people(request, made: list[Person]) -> None:
    """Close every browser context; after a failed test, screenshot each for the log."""
    failed = getattr(request.node, "rep_call", None)
    for person in made:
        try:
            if failed is not None and failed.failed:
                print("failure screenshot:", person.shot("failure"))
            person.context.close()
        except Exception:  # noqa: S110  (already closed by the test)
            pass


class Person:
    """One partner in their own browser context, with every request host recorded."""

    def __init__(
        self, browser, base: str, shots: Path, name: str, size: tuple[int, int] = (1280, 800)
    ) -> None:
        phone = size[0] < 600  # a phone: touch, a mobile browser, as a person would have
        self.context = browser.new_context(
            viewport={"width": size[0], "height": size[1]},
            is_mobile=phone,
            has_touch=phone,
            **({"user_agent": MOBILE_AGENT} if phone else {}),
        )
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

    def tab(self, name: str) -> None:
        """Open a tab, checking it took: a click during a rerun can be lost."""
        tab = self.page.get_by_role("tab", name=name)
        for _ in range(3):
            tab.click()
            self.settle()
            if tab.get_attribute("aria-selected") == "true":
                return
        raise AssertionError(f"the tab {name!r} did not open")

    def go(self, title: str) -> None:
        """Move to another page inside the app, as a person would (a reload signs out).

        On a phone-sized screen the sidebar starts closed: open it first.
        """
        # A link's accessible name starts with its icon's name ("home Welcome").
        name = re.compile(rf"^([a-z0-9_]+\s+)?{re.escape(title)}$")
        link = self.page.get_by_test_id("stSidebarNav").get_by_role("link", name=name).first
        expand = self.page.get_by_test_id("stExpandSidebarButton")
        if expand.is_visible():  # a phone-sized screen: the sidebar starts closed
            expand.click()
        link.wait_for()
        link.click()
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


def make_couple(people, tag: str, size: tuple[int, int] = DESKTOP) -> tuple[Person, Person]:
    """Sam makes a space in one browser; Alex joins with the invite code in another."""
    sam = people("sam", size)
    # The first request may be a deep link on a fresh server: it must still run app.py
    # around the page (the help link is there, no "Page not found" pop-up).
    sam.open("account")
    sam.page.get_by_role("link", name="Get help now").first.wait_for()
    assert sam.page.get_by_text("Page not found").count() == 0
    sam.tab("Make a space")
    new = "Make a space"
    sam.fill("A name for your space", "Sam and Alex", new)
    sam.fill("Your name, as your partner will see it", "Sam", new)
    sam.fill("Sign-in name (only for signing in; nobody else sees it)", f"sam-{tag}", new)
    sam.fill("Passphrase", PASS_A, new)
    sam.fill("Type the passphrase again", PASS_A, new)
    sam.click("Make our space")
    sam.page.get_by_role("heading", name="Your recovery key").wait_for()
    sam.shot("recovery-key")
    sam.click("I have saved my recovery key")
    sam.click("Make an invite code")
    code = sam.page.locator("[data-testid='stCode'] code").first.inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{2,4}){6}", code), code

    alex = people("alex", size)
    alex.open("account")
    alex.tab("Join your partner")
    for label, value in [
        ("Invite code", code),
        ("Your name, as your partner will see it", "Alex"),
        ("Sign-in name (only for signing in; nobody else sees it)", f"alex-{tag}"),
        ("Passphrase", PASS_B),
        ("Type the passphrase again", PASS_B),
    ]:
        alex.fill(label, value, "Join your partner")
    alex.click("Join the space")
    alex.page.get_by_role("heading", name="Sam and Alex").wait_for()
    alex.click("I have saved my recovery key")
    return sam, alex


def open_fold(person: Person, starts_with: str) -> None:
    """Open one of a chapter's folds ("On your own", "Together", ...) if it is closed."""
    summary = person.page.locator("summary").filter(has_text=starts_with)
    details = person.page.locator("details").filter(has=summary).first
    if details.get_attribute("open") is None:
        summary.first.click()
        person.page.wait_for_timeout(300)


def save_own(person: Person, prompt, words: str, shared: bool = False) -> None:
    """Type an on-your-own answer, choose who can see it, and press the one Save."""
    area = person.page.get_by_label(prompt.text, exact=True)
    area.fill(words)
    area.press("Tab")
    person.settle()
    # Streamlit gives each keyed widget a class: st-key-<key, ":" as "-">.
    choice = person.page.locator(f".st-key-visibility-{prompt.id}")
    choice.get_by_text(re.compile("^Share with" if shared else "^Just for me")).click()
    person.settle()
    person.page.locator(f".st-key-save-{prompt.id} button").click()
    person.settle()
