"""Exports and the therapist summary: what goes in, what never does, and that it opens."""

import io
from datetime import datetime

import pandas as pd
import pytest
from pypdf import PdfReader
from sqlalchemy import event

from workbook import careteam, export, journal, markdown, progress, spaces, together
from workbook.content import workbook
from workbook.pdf import to_pdf

from helpers import join, make_space

BOOK = workbook()
TOGETHER = BOOK.chapter("talking").together[0].id
UNICODE = "Ça va, mañana 💔 — مرحبا بك ‏שלום"


@pytest.fixture
def couple(db):
    sam = make_space(db).member
    alex = join(db, spaces.create_invite(db, sam)).member
    journal.save(
        db,
        sam,
        chapter_id="heart",
        prompt_id="heart-own-1",
        text="SAM-PRIVATE",
        visibility="private",
    )
    journal.save(
        db,
        sam,
        chapter_id="heart",
        prompt_id="heart-own-2",
        text="SAM-SHARED " + UNICODE,
        visibility="shared",
    )
    journal.save(
        db,
        alex,
        chapter_id="body",
        prompt_id="body-own-1",
        text="ALEX-PRIVATE",
        visibility="private",
    )
    together.answer(db, alex, TOGETHER, "ALEX-TOGETHER-HIDDEN")
    return sam, alex


def test_every_visible_entry_is_in_and_no_invisible_one(db, couple):
    sam, _ = couple
    texts = [e.text for e in export.collect(db, sam, BOOK)]
    assert "SAM-PRIVATE" in texts and "SAM-SHARED " + UNICODE in texts
    assert "ALEX-PRIVATE" not in texts
    assert "ALEX-TOGETHER-HIDDEN" not in texts


def test_revealed_together_answers_and_agreements_are_included(db, couple):
    sam, alex = couple
    together.answer(db, sam, TOGETHER, "SAM-TOGETHER")
    together.agree(db, sam, TOGETHER, "OUR-AGREEMENT")
    texts = [e.text for e in export.collect(db, alex, BOOK)]
    assert {"SAM-TOGETHER", "ALEX-TOGETHER-HIDDEN", "OUR-AGREEMENT"} <= set(texts)
    assert "SAM-PRIVATE" not in texts


def test_markdown_keeps_unicode_and_defuses_links(db, couple):
    sam, _ = couple
    journal.save(
        db,
        sam,
        chapter_id="heart",
        prompt_id="heart-own-3",
        text="![x](https://tracker.example/p.gif)",
        visibility="private",
    )
    md = export.to_markdown(export.collect(db, sam, BOOK), "Title", "Sub")
    assert UNICODE in md
    assert "![x](https" not in md
    assert "## Your heart is healing too" in md


def test_markdown_keeps_words_and_line_breaks_as_typed(db, couple):
    """Why: in a Markdown viewer the downloaded file still crossed out ~~words~~,
    turned $x^2$ into a formula and :smile: into an emoji, and ran an answer's lines
    together into one."""
    sam, _ = couple
    words = (
        "~~strike~~ $x^2$ :smile: &copy; a|b\n# not a heading\n1. not a list\n\n"
        "at 10:30, you & me, see https://example.org/help"
    )
    journal.save(
        db, sam, chapter_id="heart", prompt_id="heart-own-3", text=words, visibility="private"
    )
    md = export.to_markdown(export.collect(db, sam, BOOK), "Title", "Sub")
    assert (
        "> \\~\\~strike\\~\\~ \\$x^2\\$ \\:smile: \\&copy; a\\|b  \n"
        "> \\# not a heading  \n"
        "> 1\\. not a list  \n"
        ">\n"
        "> at 10:30, you & me, see https://example.org/help\n"
    ) in md


def test_no_line_of_a_note_or_answer_starts_formatting_after_spaces():
    """Why: "  # x" made a heading, "    x" a code block and a care-team note of
    several lines ("Dr X\n# Big\n---") a heading and a rule in the file."""
    nbsp = "\u00a0"
    assert markdown.escape_light("  # x") == f"{nbsp * 2}\\# x"
    assert markdown.escape_light("\t- x") == f"{nbsp * 4}\\- x"
    assert markdown.escape_light("    code?") == f"{nbsp * 4}code?"
    assert markdown.escape_light("  1) x") == f"{nbsp * 2}1\\) x"
    assert markdown.escape_light("Dr X\n# Big\n---\n1. one") == "Dr X\n\\# Big\n\\---\n1\\. one"


def test_an_export_keeps_the_partners_together_answer_until_it_is_opened(db, couple):
    sam, alex = couple
    together.answer(db, sam, TOGETHER, "SAM-TOGETHER")
    together.agree(db, sam, TOGETHER, "OUR-AGREEMENT")
    waiting = {e.text for e in export.collect(db, alex, BOOK, opened=set())}
    assert "ALEX-TOGETHER-HIDDEN" in waiting  # their own answer, always
    assert not {"SAM-TOGETHER", "OUR-AGREEMENT"} & waiting
    opened = {e.text for e in export.collect(db, alex, BOOK, opened={TOGETHER})}
    assert {"SAM-TOGETHER", "OUR-AGREEMENT"} <= opened


def test_csv_opens_in_pandas_with_the_right_columns(db, couple):
    sam, _ = couple
    frame = pd.read_csv(
        io.BytesIO(export.to_csv(export.collect(db, sam, BOOK))), encoding="utf-8-sig"
    )
    assert list(frame.columns) == export.COLUMNS
    assert "SAM-SHARED " + UNICODE in set(frame["text"])
    assert "ALEX-PRIVATE" not in set(frame["text"])


def test_the_pdf_is_valid_and_its_text_can_be_read(db, couple):
    sam, _ = couple
    entries = export.collect(db, sam, BOOK)
    pdf = to_pdf(entries, "Sam and Alex: our workbook", "Exported today")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) > 0
    text = "".join(page.extract_text() for page in reader.pages)
    assert "SAM-PRIVATE" in text and "Ça va, mañana" in text and "مرحبا" in text
    assert "ALEX-PRIVATE" not in text
    assert "cannot be shown in this PDF" in text  # the emoji fell back, and it says so


def test_a_long_export_runs_to_several_pages():
    entry = export.Entry(
        "answer on your own",
        "Chapter",
        "Prompt",
        "Sam",
        "private",
        datetime(2026, 11, 24),
        datetime(2026, 11, 24),
        "words " * 2000,
    )
    assert len(PdfReader(io.BytesIO(to_pdf([entry] * 3, "T", "S"))).pages) > 2


def test_therapy_summary_holds_only_what_was_chosen(db, couple):
    sam, _ = couple
    chosen = [e for e in export.collect(db, sam, BOOK) if e.text.startswith("SAM-SHARED")]
    md, pdf = export.therapy_summary(
        chosen,
        sam,
        datetime(2026, 11, 24),
        ["24 Nov 2026: Waiting is fine."],
        ["How do we talk about trying again?", " "],
    )
    assert "SAM-SHARED" in md and "SAM-PRIVATE" not in md
    assert "How do we talk about trying again?" in md
    assert "Readiness check-ins" in md
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 1


def test_an_export_is_one_moment_while_the_partner_writes(db, couple):
    """The export reads its parts one after another. Alex shares an answer, marks the
    week's exercise done and shares a care-team contact between the journal read and
    the later ones: the file holds all or none (before: the exercise and the contact
    without the answer)."""
    sam, alex = couple
    armed = [True]

    def meanwhile(_conn, _cursor, statement, *_args) -> None:
        if armed[0] and "FROM together_answers" in statement:
            armed[0] = False
            journal.save(
                db,
                alex,
                chapter_id="body",
                prompt_id="body-own-2",
                text="ALEX-SHARED-MEANWHILE",
                visibility="shared",
            )
            progress.mark_exercise_done(db, alex, "body", "ALEX-EXERCISE-MEANWHILE")
            careteam.add(
                db, alex, role="Midwife", name="ALEX-CONTACT-MEANWHILE", visibility="shared"
            )

    event.listen(db.engine, "before_cursor_execute", meanwhile)
    try:
        entries, extra = export.everything(db, sam, BOOK)
    finally:
        event.remove(db.engine, "before_cursor_execute", meanwhile)
    assert not armed[0], "the export never read the together answers: this proves nothing"
    texts = [e.text for e in entries]
    assert "ALEX-SHARED-MEANWHILE" not in texts
    assert "ALEX-EXERCISE-MEANWHILE" not in texts
    assert "SAM-SHARED " + UNICODE in texts
    assert not any("ALEX-CONTACT-MEANWHILE" in line for line in extra["Care team"])
    later, later_extra = export.everything(db, sam, BOOK)
    assert {"ALEX-SHARED-MEANWHILE", "ALEX-EXERCISE-MEANWHILE"} <= {e.text for e in later}
    assert any("ALEX-CONTACT-MEANWHILE" in line for line in later_extra["Care team"])


def test_reads_through_one_moment_cannot_write(db, couple):
    from workbook import snapshots

    with snapshots.one_snapshot(db) as moment, pytest.raises(RuntimeError):
        moment.engine.begin()
