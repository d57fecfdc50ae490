"""Every export runs with every kind of entry the app stores (issue 11, section 4).

Exercises marked done made every export and "Bring to therapy" fail with
AttributeError (``note.created_at``); and CSV cells starting with ``=``, ``+``, ``-``,
``@``, tab or carriage return became live formulas in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from pypdf import PdfReader

from workbook import (
    careteam,
    checkin,
    export,
    journal,
    progress,
    readiness,
    spaces,
    together,
    wellbeing,
)
from workbook.content import workbook
from workbook.pdf import to_pdf
from workbook.readiness import Answers
from workbook.sealed import PRIVATE, SHARED

from helpers import join, make_space

BOOK = workbook()
FORMULAS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def fill_every_kind(db):
    """Both partners write one of everything the app keeps."""
    sam = make_space(db).member
    alex = join(db, spaces.create_invite(db, sam)).member
    chapter = BOOK.chapters[0]
    prompt = chapter.together[0].id
    words = readiness.load_text()
    for who, tag in ((sam, "SAM"), (alex, "ALEX")):
        for i, p in enumerate(chapter.prompts[:2]):
            journal.save(
                db,
                who,
                chapter_id=chapter.id,
                prompt_id=p.id,
                text=f"{tag}-REFLECTION-{i}",
                visibility=SHARED if i else PRIVATE,
            )
        together.answer(db, who, prompt, f"{tag}-TOGETHER")
        progress.mark_exercise_done(db, who, chapter.id, f"{tag}-EXERCISE-NOTE")
        readiness.submit(
            db, who, Answers(words.green_light_options[0], *[words.scale_options[0]] * 2)
        )
        wellbeing.save(db, who, checkin.score("phq9", [1] * 9), SHARED)
        wellbeing.save(db, who, checkin.score("gad7", [0] * 7), PRIVATE)
        careteam.add(db, who, role="Midwife", name=f"{tag}-CONTACT", visibility=SHARED)
    progress.mark_exercise_done(db, sam, BOOK.chapters[1].id)  # done without a note
    together.agree(db, sam, prompt, "OUR-AGREEMENT")
    return sam, alex


@pytest.fixture
def filled(db):
    return fill_every_kind(db)


def test_every_export_runs_with_every_kind_of_entry(db, filled):
    for member in filled:
        entries = export.collect(db, member, BOOK)
        kinds = {e.kind for e in entries}
        assert kinds == {"answer on your own", "together answer", "agreement", "exercise note"}
        title, subtitle = export.heading_for(member, datetime(2026, 1, 1))
        extra = {
            "Readiness check-ins": export.readiness_lines(db, member),
            **export.other_lines(db, member),
        }
        assert all(extra.values()), extra
        md = export.to_markdown(entries, title, subtitle, extra)
        assert "EXERCISE-NOTE" in md and "OUR-AGREEMENT" in md and "CONTACT" in md
        rows = list(csv.DictReader(io.StringIO(export.to_csv(entries).decode("utf-8-sig"))))
        assert len(rows) == len(entries)
        pdf = PdfReader(io.BytesIO(to_pdf(entries, title, subtitle, extra)))
        assert "OUR-AGREEMENT" in "".join(p.extract_text() for p in pdf.pages)
        shared = [e for e in entries if e.visibility == "shared"]
        summary_md, summary_pdf = export.therapy_summary(
            shared, member, datetime(2026, 1, 1), extra["Readiness check-ins"], ["A question?"]
        )
        assert "OUR-AGREEMENT" in summary_md
        assert summary_pdf.startswith(b"%PDF")


def test_exercise_notes_carry_the_day_they_were_marked(db, filled):
    sam, _ = filled
    notes = [e for e in export.collect(db, sam, BOOK) if e.kind == "exercise note"]
    assert {e.text for e in notes} >= {"SAM-EXERCISE-NOTE", "ALEX-EXERCISE-NOTE"}
    assert all(isinstance(e.created, datetime) for e in notes)


@pytest.mark.parametrize("danger", FORMULAS)
def test_csv_cells_never_start_a_formula(danger):
    moment = datetime(2026, 1, 1)
    entry = export.Entry(
        "answer on your own", "Ch", danger, danger, "private", moment, moment, danger + " and more"
    )
    (row,) = csv.DictReader(io.StringIO(export.to_csv([entry]).decode("utf-8-sig")))
    for column in ("prompt", "author", "text"):
        cell = row[column]
        assert cell[0] not in "=+-@\t\r", (column, cell)
        assert cell == "'" + (danger if column != "text" else danger + " and more")


def test_csv_leaves_ordinary_words_alone():
    moment = datetime(2026, 1, 1)
    entry = export.Entry(
        "answer on your own", "Ch", "P", "Sam", "shared", moment, moment, "It's fine"
    )
    (row,) = csv.DictReader(io.StringIO(export.to_csv([entry]).decode("utf-8-sig")))
    assert row["text"] == "It's fine" and row["author"] == "Sam"
