"""The PDF export lays out 1,000 entries in under 2 s of CPU, and its own line
breaking keeps every word, in order, inside the page width."""

from __future__ import annotations

import io
import random
import time
from datetime import datetime

import pypdf
import pytest

from workbook import pdf
from workbook.entries import Entry

WORDS = "we walked to the sea and talked about the baby and what we hoped for next".split()


def _entries(n: int) -> list[Entry]:
    rng = random.Random(14)  # noqa: S311 - test data
    return [
        Entry(
            kind="answer on your own",
            chapter=f"Chapter {i // 200 + 1}",
            prompt="What do you want your partner to know about how you feel today?",
            author="Sam",
            visibility="private",
            created=datetime(2026, 1, 1),
            updated=datetime(2026, 1, 2),
            text=f"entry{i} " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 120))),
        )
        for i in range(n)
    ]


def test_a_pdf_of_1000_entries_takes_under_two_seconds_of_cpu():
    entries = _entries(1000)
    pdf.to_pdf(entries[:5], "Warm", "up")  # fonts loaded once per process
    started = time.process_time()
    data = pdf.to_pdf(entries, "Our workbook", "Made for a test")
    assert time.process_time() - started < 2.0
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages[-3:])
    assert "entry999" in text


@pytest.mark.parametrize(
    "text",
    [
        "short",
        " ".join(WORDS * 30),
        "two\nparagraphs\n\nwith a blank line",
        "x" * 5000,  # one long pasted word
        "tab\tand  double  spaces",
    ],
)
def test_wrapped_lines_fit_the_page_and_keep_every_word(text):
    document = pdf._Document("t")
    document.add_page()
    document.set_font("DejaVu", "", 11)
    lines = document.wrap(text, document.epw)
    assert all(document.get_string_width(line) <= document.epw + 0.01 for line in lines)
    expected = text.replace("\t", "    ")
    assert "".join(lines).replace(" ", "") == expected.replace(" ", "").replace("\n", "")
    assert len(lines) >= expected.count("\n") + 1


@pytest.mark.parametrize(
    ("text", "shown", "replaced"),
    [
        ("plain words\nand a tab\t", "plain words\nand a tab\t", False),
        ("Ça va, mañana", "Ça va, mañana", False),
        ("a bell \x07 rings", f"a bell {pdf.MISSING_GLYPH} rings", True),
        ("a hug \U0001f917", f"a hug {pdf.MISSING_GLYPH}", True),  # emoji: not in DejaVu
    ],
)
def test_only_characters_the_font_cannot_draw_are_replaced(text, shown, replaced):
    assert pdf.printable(text) == (shown, replaced)
