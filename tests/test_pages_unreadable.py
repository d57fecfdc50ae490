"""AppTest: a row no key opens shows the rest of each page with a kind note (issue 11, §1)."""

from __future__ import annotations

import pytest

from workbook import settings, spaces, store, vault
from workbook.content import workbook
from workbook.store import new_id, now
from workbook.tables import reflections, together_answers

from apphelpers import ALL_PAGES, couple, fresh_install, texts  # noqa: F401  (fixture)
from helpers import PASS_A

pytestmark = pytest.mark.usefixtures("fresh_install")
TALKING = workbook().chapter("talking")


def _add_rows_under_a_stray_key() -> None:
    """A shared reflection and a together answer sealed under a key nobody holds now."""
    db = store.open_db(settings.from_environment())
    sam = spaces.sign_in(db, "sam", PASS_A)
    stray = vault.Key.new()
    stamp = now()
    with db.engine.begin() as conn:
        for table, values in (
            (
                reflections,
                {"chapter_id": "heart", "prompt_id": "heart-own-1", "visibility": "shared"},
            ),
            (together_answers, {"prompt_id": TALKING.together[0].id}),
        ):
            row_id = new_id()
            place = vault.ad(table.name, "body_ct", row_id, sam.space_id, "shared")
            conn.execute(
                table.insert().values(
                    id=row_id,
                    space_id=sam.space_id,
                    author_id=sam.partner_id,
                    body_ct=vault.seal(stray, "STRAY", place),
                    created_at=stamp,
                    updated_at=stamp,
                    **values,
                )
            )


def test_journal_chapter_and_together_pages_show_the_rest_with_a_note():
    sam, alex = couple()
    _add_rows_under_a_stray_key()
    # Alex has not answered the together prompt, so Sam's answer is not opened for Alex.
    for at, pages in (
        (sam, ("pages/journal.py", "pages/home.py", "pages/chapter_2.py", "pages/chapter_3.py")),
        (alex, ("pages/journal.py", "pages/chapter_2.py")),
    ):
        for page in pages:
            at.switch_page(page).run()
            assert not at.exception, (page, at.exception)
            shown = texts(at)
            assert "could not be opened" in shown, page
            assert "STRAY" not in shown
        at.switch_page("pages/therapy_summary.py").run()
        assert not at.exception, at.exception


def test_every_page_opens_for_both_partners_with_a_row_no_key_opens():
    sam, alex = couple()
    _add_rows_under_a_stray_key()
    for at in (sam, alex):
        for page in ALL_PAGES:
            at.switch_page(page).run()
            assert not at.exception, (page, at.exception)
            assert "STRAY" not in texts(at), page
