"""Accessibility: axe-core on every page at desktop and phone sizes, and a keyboard pass.

axe-core comes bundled in the axe-playwright-python package and is injected into the
page by Playwright; nothing is fetched from anywhere.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from browser import DESKTOP, PHONE, make_couple
from helpers import PASS_A

pytestmark = pytest.mark.e2e

# Every page a signed-in partner has in the menu, and every page a guest has.
PAGES = [
    ("Today", "today"),
    ("Where you are", "home"),
    ("Get help now", "get_help"),
    ("1. Your body is healing", "chapter_1"),
    ("2. Your heart is healing too", "chapter_2"),
    ("3. Talking with each other", "chapter_3"),
    ("4. Your support circle", "chapter_4"),
    ("5. When to see a therapist", "chapter_5"),
    ("Journal", "journal"),
    ("Bring to therapy", "therapy_summary"),
    ("Wellbeing check-in", "checkin"),
    ("Finding a therapist", "therapist"),
    ("Find support", "support"),
    ("Our care team", "care_team"),
    ("Your space", "account"),
    ("Your data", "your_data"),
]
GUEST_PAGES = [
    ("Welcome", "welcome"),
    ("Get help now", "get_help"),
    ("1. Your body is healing", "chapter_1"),
    ("2. Your heart is healing too", "chapter_2"),
    ("3. Talking with each other", "chapter_3"),
    ("4. Your support circle", "chapter_4"),
    ("5. When to see a therapist", "chapter_5"),
    ("Wellbeing check-in", "checkin"),
    ("Finding a therapist", "therapist"),
    ("Find support", "support"),
    ("Your space", "account"),
]


# What the keyboard focus looks like: the focused element's type, and the outline of
# it (a radio's or checkbox's label, which is what shows).
FOCUS_RING = """() => {
  const e = document.activeElement;
  const shown = e.closest('label') || e;
  const style = getComputedStyle(shown);
  return [e.type || e.tagName, style.outlineStyle, style.outlineWidth];
}"""


def serious(results) -> list[str]:
    found = []
    for v in results.response["violations"]:
        if v.get("impact") in ("serious", "critical"):
            nodes = [f"{n['target']}: {n.get('failureSummary', '')[:160]}" for n in v["nodes"]]
            found.append(f"{v['id']} ({v['impact']}): {v['help']} at {nodes[:3]}")
    return found


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_no_serious_accessibility_problems_on_any_page(people, size):
    sam, alex = make_couple(people, f"a11y-{size[0]}", size)
    alex.context.close()
    axe = Axe()
    problems: dict[str, list[str]] = {}
    for title, slug in PAGES:
        sam.go(title)
        sam.shot(f"{slug}-{size[0]}")
        found = serious(axe.run(sam.page))
        if found:
            problems[slug] = found
    assert not problems, problems


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_no_serious_accessibility_problems_for_a_guest(people, size):
    guest = people("guest", size)
    guest.open()
    axe = Axe()
    problems: dict[str, list[str]] = {}
    for title, slug in GUEST_PAGES:
        guest.go(title)
        guest.shot(f"guest-{slug}-{size[0]}")
        found = serious(axe.run(guest.page))
        if found:
            problems[slug] = found
    assert not problems, problems


def test_sign_in_and_save_with_the_keyboard_only(people):
    sam, _ = make_couple(people, "keyboard")
    sam.page.get_by_role("button", name="Sign out").first.click()
    sam.settle()
    sam.go("Your space")
    page = sam.page
    page.get_by_role("tabpanel", name="Sign in").get_by_label("Sign-in name", exact=True).focus()
    page.keyboard.type("sam-keyboard")
    page.keyboard.press("Tab")
    page.keyboard.type(PASS_A)
    page.keyboard.press("Enter")
    sam.settle()
    page.get_by_text("Signed in as").first.wait_for()
    sam.go("1. Your body is healing")
    fold = page.locator("summary").filter(has_text="On your own").first
    fold.focus()
    page.keyboard.press("Enter")  # open the fold with the keyboard
    page.wait_for_timeout(300)
    page.locator("textarea").first.focus()
    page.keyboard.type("Typed with the keyboard only")
    page.keyboard.press("Tab")  # leaves the text area: the words are kept
    sam.settle()
    focused, rings = "", []
    for _ in range(3):  # past the who-can-see-it choice ("Just for me" stays chosen)
        focused = page.evaluate("document.activeElement && document.activeElement.innerText")
        rings.append(page.evaluate(FOCUS_RING))
        if (focused or "").strip() == "Save":
            break
        page.keyboard.press("Tab")
    assert (focused or "").strip() == "Save", focused
    # Each stop shows where the keyboard is: the choice too, not only the buttons
    # (Streamlit gave a radio and a link a faint tint, about 1.1:1 against the page).
    assert rings[0][0] == "radio" and all(ring[1:] == ["solid", "3px"] for ring in rings), rings
    page.keyboard.press("Enter")
    sam.settle()
    page.get_by_text("Saved. Only you can see this.").first.wait_for()
    sam.shot("keyboard-saved")
