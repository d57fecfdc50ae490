"""The database goes away while a couple is signed in (a PostgreSQL restart, a network
cut, a disk that fails): every page still opens, with no error box and no stack trace,
and the pages that read the space say kindly that it could not be loaded just now."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from apphelpers import couple, fresh_install, texts  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("fresh_install")

# pages that read the space before they draw: each says it could not load just now
READS_FIRST = ["today", "home", "journal", "therapy_summary", "care_team"]
OTHERS = ["chapter_1", "chapter_3", "chapter_5", "checkin", "account", "your_data"]
HELP = ["get_help", "support", "therapist"]


def _unreachable(*_args, **_kwargs):
    raise OperationalError("connect", {}, ConnectionRefusedError("connection refused"))


@pytest.mark.parametrize("page", READS_FIRST + OTHERS + HELP)
def test_every_page_opens_while_the_database_is_unreachable(page, monkeypatch):
    sam, _alex = couple()
    monkeypatch.setattr(Engine, "connect", _unreachable)
    monkeypatch.setattr(Engine, "raw_connection", _unreachable)
    sam.switch_page(f"pages/{page}.py").run()
    assert not sam.exception, f"{page}: {sam.exception}"
    shown = texts(sam)
    if page in READS_FIRST:
        assert "just now" in shown, shown[:500]
    assert "Signed in as" in shown  # still signed in: nothing lost, nothing to redo


def _sam_with_things_to_change():
    """Sam has a check-in result, a care-team contact and a journal entry."""
    from workbook import careteam, checkin, journal, wellbeing
    from workbook.content import workbook
    from workbook.ui.session import db

    sam, _alex = couple()
    me = sam.session_state["member"]
    wellbeing.save(db(), me, checkin.score("phq9", [1, 1, 1, 1, 1, 1, 1, 1, 2]))
    careteam.add(db(), me, role="Midwife", name="Jo Brown")
    prompt = workbook().chapters[0].prompts[0]
    journal.save(
        db(), me, chapter_id="body", prompt_id=prompt.id, text="to keep", visibility="private"
    )
    return sam, me


def _click(at, key_start: str) -> None:
    [found] = [b for b in at.button if (b.key or "").startswith(key_start)]
    found.click().run()


# Each button's callback runs before the page is drawn: an error escaping it replaced
# the whole page (the check-in's crisis box among it) with Streamlit's error.
@pytest.mark.parametrize(
    ("page", "click", "first"),
    [
        ("checkin", "wb-share:", None),
        ("care_team", "care-vis:", None),
        ("care_team", "care-del:", None),
        ("journal", "switch:", "edit-toggle:"),
    ],
)
def test_a_click_while_the_database_is_unreachable_says_so_kindly(page, click, first, monkeypatch):
    sam, _me = _sam_with_things_to_change()
    sam.switch_page(f"pages/{page}.py").run()
    if first:
        _click(sam, first)
    monkeypatch.setattr(Engine, "begin", _unreachable)  # every write; reads still work
    _click(sam, click)
    assert not sam.exception, f"{page}: {sam.exception}"
    assert "We could not change this just now" in texts(sam)


def test_a_deleted_journal_entry_that_could_not_be_deleted_says_so(monkeypatch):
    sam, _me = _sam_with_things_to_change()
    sam.switch_page("pages/journal.py").run()
    _click(sam, "edit-toggle:")
    monkeypatch.setattr(Engine, "begin", _unreachable)  # every write; reads still work
    [yes] = [b for b in sam.button if b.label == "Yes, delete it"]
    yes.click().run()
    assert not sam.exception, sam.exception
    assert "We could not change this just now" in texts(sam)
    assert [t.value for t in sam.text_area if t.label == "Your words"] == ["to keep"]
