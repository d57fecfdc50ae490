"""Times in the reader's own time zone (st.context.timezone), never labelled "UTC"."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from streamlit.testing.v1 import AppTest

from workbook.ui.clock import DATE, DATE_TIME, to_zone, zone_from
from workbook.ui.folds import OPEN_FOLDS

from apphelpers import APP, button, create_space, every_fold, fresh_install  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
STORED = datetime(2026, 12, 1, 23, 30)  # naive: every table stores UTC like this


def test_a_zone_name_wins_over_an_offset():
    assert zone_from("Pacific/Auckland", 60) == ZoneInfo("Pacific/Auckland")


def test_an_offset_is_used_when_there_is_no_usable_name():
    # the browser's offset is minutes behind UTC: -60 means UTC+1
    assert zone_from(None, -60) == timezone(timedelta(hours=1))
    assert zone_from("Not/AZone", -60) == timezone(timedelta(hours=1))
    assert zone_from(None, None) is None


@pytest.mark.parametrize(
    ("zone", "shown"),
    [
        ("Pacific/Auckland", "2 Dec 2026, 12:30"),  # the next day in New Zealand
        ("America/Los_Angeles", "1 Dec 2026, 15:30"),
        ("Europe/London", "1 Dec 2026, 23:30"),
    ],
)
def test_a_stored_time_is_shown_in_the_readers_zone(zone, shown):
    m = to_zone(STORED, ZoneInfo(zone))
    assert DATE_TIME.format(d=m.day, m=m) == shown
    assert DATE.format(d=m.day, m=m) == shown.split(",")[0]


def test_an_aware_time_is_moved_not_relabelled():
    aware = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
    assert to_zone(aware, ZoneInfo("Pacific/Auckland")).hour == 12


def test_no_page_writes_utc_on_screen():
    sources = [*ROOT.joinpath("workbook", "ui").glob("*.py"), *ROOT.joinpath("pages").glob("*.py")]
    for path in sources:
        if path.name == "clock.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"[\"'].*\bUTC\b", line) and not line.strip().startswith("#"):
                pytest.fail(f"{path.name}:{number} shows 'UTC': {line.strip()}")


@pytest.mark.usefixtures("fresh_install")
def test_a_saved_answer_says_when_in_the_readers_own_time():
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.context = {"timezone": "Pacific/Auckland"}
    at.session_state[OPEN_FOLDS] = every_fold()
    at.run()
    create_space(at)
    at.switch_page("pages/chapter_2.py").run()
    at.text_area[0].input("A few words").run()
    button(at, "Save").click().run()
    [saved] = [c.value for c in at.caption if c.value.startswith("Saved ")]
    assert "UTC" not in saved
    here = datetime.now(ZoneInfo("Pacific/Auckland"))
    hours = {f"{here:%H}:", f"{here - timedelta(minutes=2):%H}:"}
    assert any(f", {h}" in saved for h in hours), saved
    assert f"{here.day} {here:%b %Y}" in saved or f"{(here - timedelta(minutes=2)).day} " in saved


ADMIN_WORDS = ("instance secret", "instance.key", "data/", "database", "install ")


def screen_strings(path: Path) -> list[str]:
    """String literals in a file that can reach the screen (docstrings left out)."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_no_admin_words_on_a_couples_screen():
    files = [
        ROOT / "workbook" / "text.py",
        *ROOT.joinpath("workbook", "ui").glob("*.py"),
        *ROOT.joinpath("pages").glob("*.py"),
    ]
    found = [
        (path.name, words)
        for path in files
        for words in screen_strings(path)
        if any(admin in words.lower() for admin in ADMIN_WORDS)
    ]
    assert found == []
