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
