"""A way in that is obvious (issue 13, point 5), in a real browser at desktop and phone size.

Guests see only the pages they can use; a signed-in partner sees the rest; no two
pages share a title; Welcome has one main action; a deep link survives signing in; on
a phone the menu button says "Menu" and no page scrolls sideways at 390 px.
"""

from __future__ import annotations

import re

import pytest

from browser import DESKTOP, PHONE, Person, make_couple
from helpers import PASS_A

pytestmark = pytest.mark.e2e
GUEST_MENU = [
    "Welcome",
    "Get help now",
    "1. Your body is healing",
    "2. Your heart is healing too",
    "3. Talking with each other",
    "4. Your support circle",
    "5. When to see a therapist",
    "Wellbeing check-in",
    "Finding a therapist",
    "Find support",
    "Your space",
]
PARTNER_ONLY = ["Where you are", "Journal", "Bring to therapy", "Our care team", "Your data"]


def menu(person: Person) -> list[str]:
    person.page.get_by_role("link", name="Get help now").first.wait_for()
    expand = person.page.get_by_test_id("stExpandSidebarButton")
    if expand.is_visible():
        expand.click()
        person.page.wait_for_timeout(400)
    nav = person.page.get_by_test_id("stSidebarNav")
    nav.get_by_role("link").first.wait_for()
    links = nav.get_by_role("link").all()
    names = [re.sub(r"^[a-z0-9_]+\s+", "", link.inner_text().strip()) for link in links]
    return [n.splitlines()[-1].strip() for n in names]


def no_sideways_scroll(person: Person) -> bool:
    return person.page.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth + 1"
    )


def test_a_guest_sees_what_they_can_use_and_one_way_in(people):
    guest = people("guest")
    guest.open()
    shown = menu(guest)
    assert shown == GUEST_MENU, shown
    start = guest.page.get_by_role("button", name=re.compile("Start your space"))
    assert start.get_attribute("data-testid") == "stBaseButton-primary"
    # Every chapter's summary is shown as whole sentences, not cut inside a link.
    assert guest.page.get_by_text(
        "Who to lean on, what to ask them for, and words you can use when you do not know "
        "what to say."
    ).is_visible()
    guest.shot("welcome")
    start.click()
    guest.settle()
    made = guest.page.get_by_role("tab", name="Make a space")
    assert made.get_attribute("aria-selected") == "true"


def test_a_deep_link_survives_signing_in_and_a_partner_sees_the_rest(people):
    sam, alex = make_couple(people, "way-in")
    alex.context.close()
    shown = menu(sam)
    assert len(shown) == len(set(shown)), shown
    assert "Welcome" not in shown
    for title in PARTNER_ONLY + [t for t in GUEST_MENU if t != "Welcome"]:
        assert title in shown, title
    # A guest who opens a partner's page gets the sign-in view there, and the page after.
    guest = people("sam-again")
    guest.open("journal")
    panel = guest.page.get_by_role("tabpanel", name="Sign in")
    panel.get_by_label("Sign-in name", exact=True).fill("sam-way-in")
    panel.get_by_label("Passphrase", exact=True).fill(PASS_A)
    guest.click("Sign in")
    guest.page.get_by_role("heading", name="Journal").first.wait_for()


@pytest.mark.parametrize("signed_in", [False, True], ids=["guest", "partner"])
def test_on_a_phone_the_menu_is_plain_and_nothing_scrolls_sideways(people, signed_in):
    if signed_in:
        person, other = make_couple(people, "phone", PHONE)
        other.context.close()
    else:
        person = people("guest", PHONE)
        person.open()
    expand = person.page.get_by_test_id("stExpandSidebarButton")
    assert "Menu" in expand.evaluate("el => getComputedStyle(el, '::after').content")
    person.shot("menu-button")
    titles = menu(person)
    wide = []
    for title in titles:
        person.go(title)
        if not no_sideways_scroll(person):
            wide.append(title)
            person.shot(f"wide-{title[:12]}")
    assert not wide, wide


def test_desktop_menu_has_no_duplicate_titles(people):
    guest = people("guest", DESKTOP)
    guest.open()
    shown = menu(guest)
    assert len(shown) == len(set(shown)), shown
