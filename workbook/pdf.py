"""An export as a tidy A4 PDF: DejaVu Sans, a square for what it cannot draw, fast wrapping.

Split from ``export.py``, which gathers what a partner may see: this module only lays
out the rows it is given. The font ships in ``assets/fonts`` under its own free
licence; HarfBuzz shapes right-to-left scripts. A character the font cannot draw
(most emoji) becomes a small square, and the document says so.

Why the hand-written wrapping (``_Document.wrap``, ``plain_lines``): fpdf2's
``multi_cell`` re-measures a line for every character it adds, and ``cell`` does work
plain lines never need; a 1,000-entry PDF took 6 to 18 s that way (issue 14 asks for
under 2 s).
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF

from workbook import readable
from workbook import text as messages
from workbook.entries import Entry, stamp

FONT_DIR = Path(__file__).resolve().parent.parent / "assets" / "fonts"
MISSING_GLYPH = "\u25a1"


@cache
def _covered() -> frozenset[str]:
    """The characters the PDF font draws, plus the line breaks and tabs layout handles."""
    with TTFont(FONT_DIR / "DejaVuSans.ttf") as font:
        return frozenset(map(chr, font.getBestCmap())) | {"\n", "\t"}


def printable(text: str) -> tuple[str, bool]:
    """Replace characters the PDF font cannot draw; say whether any were replaced."""
    covered = _covered()
    if covered.issuperset(text):  # nearly always: one set check instead of a loop
        return text, False
    out, replaced = [], False
    for ch in text:
        if ch in covered:
            out.append(ch)
        elif ch in "\u200d\ufe0f\ufe0e":  # joiners and emoji variation selectors
            replaced = True
        else:
            out.append(MISSING_GLYPH)
            replaced = True
    return "".join(out), replaced


def needs_shaping(text: str) -> bool:
    """Right-to-left letters or combining marks: text that plain layout would get wrong."""
    return any(
        unicodedata.bidirectional(ch) in ("R", "AL", "AN") or unicodedata.combining(ch)
        for ch in set(text)  # each distinct character once: an entry repeats most of them
    )


class _Document(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.doc_title = title
        self.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 18, 18)
        self.set_title(title)
        self.set_creator("After a miscarriage: a workbook for two")
        self.replaced = False
        self._widths: dict[tuple[str, float, str], float] = {}

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", size=8)
        self.set_text_color(120, 120, 120)
        self.cell(0, 6, f"{self.doc_title} · page {self.page_no()}", align="C")

    def write_text(
        self,
        text: str,
        size: float = 11,
        bold: bool = False,
        color: tuple[int, int, int] = (40, 40, 40),
        gap: float = 1.5,
    ) -> None:
        safe, replaced = printable(text)
        self.replaced |= replaced
        self.set_font("DejaVu", "B" if bold else "", size)
        self.set_text_color(*color)
        if needs_shaping(safe):
            # HarfBuzz shaping is what makes Arabic and Hebrew right, and fpdf2's own
            # line breaking handles it; both are slow, so only text that needs them.
            self.set_text_shaping(True)
            self.multi_cell(0, size * 0.5, safe, new_x="LMARGIN", new_y="NEXT", align="L")
            self.set_text_shaping(False)
        else:
            self.plain_lines(self.wrap(safe, self.epw), size * 0.5)
        self.ln(gap)

    def plain_lines(self, lines: list[str], height: float) -> None:
        """Lines of plain text, one below the other, breaking pages as ``cell`` would.

        ``cell`` does per-call work for features plain lines never use (markdown, links,
        borders, fills) and was most of a long export's time; ``text`` draws the same
        glyphs at the same place (``cell`` starts one cell margin in, on a baseline half
        the height plus 0.3 em down).
        """
        for line in lines:
            if self.will_page_break(height):
                self.add_page()
            if line:
                self.text(
                    self.l_margin + self.c_margin,
                    self.y + 0.5 * height + 0.3 * self.font_size,
                    line,
                )
            self.ln(height)

    def wrap(self, text: str, width: float) -> list[str]:
        """Break text into lines no wider than ``width`` at spaces, with cached word widths.

        fpdf2's ``multi_cell`` re-measures the whole line for every character it adds
        (most of the 6-18 s a 1,000-entry PDF took); measuring each word once is linear.
        A word wider than a line is broken between characters.
        """
        space = self.measure(" ")
        lines: list[str] = []
        for paragraph in text.replace("\t", "    ").split("\n"):
            current: list[str] = []
            used = 0.0
            for word in paragraph.split(" "):
                w = self.measure(word)
                if w > width:
                    if current:
                        lines.append(" ".join(current))
                    pieces = self._split_word(word, width)
                    lines.extend(pieces[:-1])
                    current, used = [pieces[-1]], self.measure(pieces[-1])
                    continue
                wider = used + space + w if current else w
                if current and wider > width:
                    lines.append(" ".join(current))
                    current, used = [word], w
                else:
                    current.append(word)
                    used = wider
            lines.append(" ".join(current))
        return lines

    def measure(self, word: str) -> float:
        key = (self.font_style, self.font_size_pt, word)
        width = self._widths.get(key)
        if width is None:
            width = self._widths[key] = self.get_string_width(word)
        return width

    def _split_word(self, word: str, width: float) -> list[str]:
        pieces, current, used = [], [], 0.0
        for ch in word:
            w = self.measure(ch)
            if current and used + w > width:
                pieces.append("".join(current))
                current, used = [], 0.0
            current.append(ch)
            used += w
        return [*pieces, "".join(current)]


def to_pdf(
    entries: list[Entry], title: str, subtitle: str, extra: dict[str, list[str]] | None = None
) -> bytes:
    """A tidy A4 document: title, date, one section per chapter, then the extras."""
    pdf = _Document(title)
    pdf.add_page()
    pdf.write_text(title, size=20, bold=True, color=(47, 84, 80), gap=2)
    pdf.write_text(subtitle, size=10, color=(110, 110, 110), gap=6)
    note = messages.unreadable_note(readable.count(entries))
    if note:
        pdf.write_text(note, size=10, color=(110, 110, 110), gap=6)
    chapter = None
    for e in entries:
        if e.chapter != chapter:
            chapter = e.chapter
            pdf.ln(2)
            pdf.write_text(chapter, size=15, bold=True, color=(47, 84, 80), gap=2)
        pdf.write_text(e.prompt, size=11, bold=True, gap=0.5)
        edited = f", edited {stamp(e.updated)}" if e.updated > e.created else ""
        pdf.write_text(
            f"{e.kind}, {e.author}, {e.visibility}, {stamp(e.created)}{edited}",
            size=8.5,
            color=(120, 120, 120),
            gap=1,
        )
        pdf.write_text(e.text, size=11, gap=4)
    for heading, lines in (extra or {}).items():
        if lines:
            pdf.ln(2)
            pdf.write_text(heading, size=15, bold=True, color=(47, 84, 80), gap=2)
            for line in lines:
                pdf.write_text(f"• {line}", size=10.5, gap=1)
    if not entries and not any((extra or {}).values()):
        pdf.write_text("Nothing here yet.", size=11)
    if pdf.replaced:
        pdf.ln(4)
        pdf.write_text(
            f"Some characters, such as emoji, cannot be shown in this PDF and appear as "
            f"{MISSING_GLYPH}. The Markdown and CSV downloads keep them.",
            size=8.5,
            color=(120, 120, 120),
        )
    return bytes(pdf.output())
