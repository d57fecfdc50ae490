"""Issue 11, section 1: one row sealed under an old key never breaks a page or an export.

The row is made exactly as the old bug made it: a session from before the re-key
sealed a shared entry with the key the partner who left may have kept.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import insert

from workbook import (
    careteam,
    checkin,
    export,
    journal,
    owndata,
    progress,
    readiness,
    spaces,
    text,
    together,
    vault,
    wellbeing,
)
from workbook.content import workbook
from workbook.pdf import to_pdf
from workbook.store import new_id, now
from workbook.tables import (
    care_contacts,
    exercises_done,
    readiness_answers,
    reflections,
    together_answers,
    wellbeing_results,
)

from helpers import PASS_A, join, make_space

BOOK = workbook()
TOGETHER = BOOK.chapter("talking").together[0].id
PASS_C = "violet harbour stone drum"


def _old_key_rows(db, space_id: str, author_id: str, old: vault.Key) -> None:
    """One shared row of every kind, sealed under ``old`` (as a stale session did)."""
    stamp = now()

    def seal(table: str, column: str, row_id: str, body: str) -> bytes:
        return vault.seal(old, body, vault.ad(table, column, row_id, space_id, "shared"))

    with db.engine.begin() as conn:
        rid = new_id()
        conn.execute(
            insert(reflections).values(
                id=rid,
                space_id=space_id,
                author_id=author_id,
                chapter_id="heart",
                prompt_id="heart-own-3",
                visibility="shared",
                body_ct=seal("reflections", "body_ct", rid, "OLD-KEY"),
                created_at=stamp,
                updated_at=stamp,
            )
        )
        rid = new_id()
        conn.execute(
            insert(together_answers).values(
                id=rid,
                space_id=space_id,
                author_id=author_id,
                prompt_id=TOGETHER,
                body_ct=seal("together_answers", "body_ct", rid, "OLD-KEY"),
                created_at=stamp,
                updated_at=stamp,
            )
        )
        rid = new_id()
        conn.execute(
            insert(exercises_done).values(
                id=rid,
                space_id=space_id,
                author_id=author_id,
                chapter_id="heart",
                note_ct=seal("exercises_done", "note_ct", rid, "OLD-KEY"),
                created_at=stamp,
            )
        )
        rid = new_id()
        conn.execute(
            insert(readiness_answers).values(
                id=rid,
                space_id=space_id,
                author_id=author_id,
                round=1,
                answers_ct=seal("readiness_answers", "answers_ct", rid, "{}"),
                created_at=stamp,
                updated_at=stamp,
            )
        )
        rid = new_id()
        conn.execute(
            insert(wellbeing_results).values(
                id=rid,
                space_id=space_id,
                author_id=author_id,
                visibility="shared",
                result_ct=seal("wellbeing_results", "result_ct", rid, "{}"),
                created_at=stamp,
            )
        )
        rid = new_id()
        conn.execute(
            insert(care_contacts).values(
                id=rid,
                space_id=space_id,
                author_id=author_id,
                visibility="shared",
                contact_ct=seal("care_contacts", "contact_ct", rid, "{}"),
                created_at=stamp,
                updated_at=stamp,
            )
        )


@pytest.fixture
def rekeyed(db):
    """Sam stayed after Alex left and re-keyed; Jo joined; old-key rows are in the space."""
    made = make_space(db)
    alex = join(db, spaces.create_invite(db, made.member)).member
    old = made.member.space_key
    owndata.leave_space(db, alex)
    sam = spaces.sign_in(db, "sam", PASS_A)
    jo = join(db, spaces.create_invite(db, sam), login="jo-2", name="Jo", secret=PASS_C).member
    journal.save(
        db, sam, chapter_id="heart", prompt_id="heart-own-1", text="SAM-SHARED", visibility="shared"
    )
    together.answer(db, jo, TOGETHER, "JO-TOGETHER")
    careteam.add(db, sam, role="Midwife", name="Ana", visibility="shared")
    wellbeing.save(db, sam, checkin.score("phq9", [0] * 9), "shared")
    _old_key_rows(db, sam.space_id, sam.partner_id, old)
    return sam, jo


def test_lists_show_the_rest_and_count_what_did_not_open(db, rekeyed):
    for member in rekeyed:
        seen = journal.visible(db, member)
        assert [r.text for r in seen] == ["SAM-SHARED"] and seen.unreadable == 1
        states = together.states(db, member)
        assert states.unreadable >= 1
        assert progress.exercises(db, member).unreadable == 1
        # The readiness answer is opened only for its author until both have answered.
        author = member.partner_id == rekeyed[0].partner_id
        assert readiness.rounds(db, member).unreadable == (1 if author else 0)
        contacts = careteam.contacts(db, member)
        assert [c.name for c in contacts] == ["Ana"] and contacts.unreadable == 1
        results = wellbeing.history(db, member)
        assert len(results) == 1 and results.unreadable == 1
    sam, jo = rekeyed
    # Jo's own together answer stays readable to Jo; Sam's old-key one is left out.
    assert together.states(db, jo)[TOGETHER].mine.text == "JO-TOGETHER"


def test_every_export_works_and_says_what_was_left_out(db, rekeyed):
    for member in rekeyed:
        entries = export.collect(db, member, BOOK)
        assert "SAM-SHARED" in [e.text for e in entries]
        assert "OLD-KEY" not in [e.text for e in entries]
        assert entries.unreadable >= 3
        title, subtitle = export.heading_for(member, datetime(2026, 12, 1))
        extra = {
            "Readiness check-ins": export.readiness_lines(db, member),
            **export.other_lines(db, member),
        }
        markdown_text = export.to_markdown(entries, title, subtitle, extra)
        assert "could not be opened" in markdown_text
        assert "SAM-SHARED" in markdown_text
        assert b"SAM-SHARED" in export.to_csv(entries)
        assert to_pdf(entries, title, subtitle, extra).startswith(b"%PDF")
        summary, pdf = export.therapy_summary(entries, member, datetime(2026, 12, 1), [], [])
        assert "SAM-SHARED" in summary and pdf.startswith(b"%PDF")
        author = member.partner_id == rekeyed[0].partner_id
        for heading, lines in extra.items():
            if author or heading != "Readiness check-ins":
                assert any("could not be opened" in line for line in lines), heading


def test_one_unreadable_entry_gets_a_kind_error_not_a_crash(db, rekeyed):
    sam, _ = rekeyed
    [row_id] = [r.id for r in journal.visible(db, sam)]
    assert journal.get(db, sam, row_id).text == "SAM-SHARED"
    assert text.unreadable_note(1) == text.SOME_UNREADABLE
    assert text.unreadable_note(0) is None
