"""Everything a partner may see, as Markdown, CSV or PDF; and the summary for a therapist.

Built in memory and handed to the page as bytes: never a plaintext file on disk
(SECURITY.md). What goes in is exactly what the partner may read through the app:
their own private entries and everything shared, never the other's private entries
and never a together answer before both have answered.

The PDF uses DejaVu Sans, shipped in ``assets/fonts`` under its own free licence,
with HarfBuzz shaping for right-to-left scripts. A character the font cannot draw
(most emoji) becomes a small square, and the document says so.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF

from workbook import (
    careteam,
    journal,
    markdown,
    progress,
    readable,
    readiness,
    spaces,
    together,
    wellbeing,
)
from workbook import text as messages
from workbook.content import Workbook
from workbook.readable import Readable
from workbook.spaces import Member
from workbook.store import Db

FONT_DIR = Path(__file__).resolve().parent.parent / "assets" / "fonts"
MISSING_GLYPH = "\u25a1"
COLUMNS = ["kind", "chapter", "prompt", "author", "visibility", "created", "updated", "text"]
KIND_ORDER = ("reflection", "together answer", "agreement", "exercise note")


@dataclass(frozen=True)
class Entry:
    """One row of an export: flat, so the same list feeds Markdown, CSV and PDF."""

    kind: str
    chapter: str
    prompt: str
    author: str
    visibility: str
    created: datetime
    updated: datetime
    text: str


def collect(db: Db, member: Member, book: Workbook) -> list[Entry]:
    """Every entry the member may read, in workbook order, for export or a summary."""
    names = {p.id: p.name for p in spaces.partners_of(db, member)}

    def who(author_id: str | None) -> str:
        if author_id == member.partner_id:
            return f"{member.name} (you)"
        return names.get(author_id or "", "Your partner")

    chapter_of, prompt_text = {}, {}
    for c in book.chapters:
        for p in (*c.prompts, *c.together):
            chapter_of[p.id] = c
            prompt_text[p.id] = p.text
    entries: list[Entry] = []
    reflections = journal.visible(db, member)
    for r in reflections:
        c = chapter_of.get(r.prompt_id)
        entries.append(
            Entry(
                "reflection",
                c.title if c else r.chapter_id,
                prompt_text.get(r.prompt_id, r.prompt_id),
                who(r.author_id),
                r.visibility,
                r.created_at,
                r.updated_at,
                r.text,
            )
        )
    states = together.states(db, member, list(prompt_text))
    for prompt_id, state in states.items():
        c = chapter_of[prompt_id]
        for answer in (state.mine, state.theirs):
            if answer is not None:
                entries.append(
                    Entry(
                        "together answer",
                        c.title,
                        prompt_text[prompt_id],
                        who(answer.author_id),
                        "shared" if state.revealed else "hidden until both answer",
                        answer.created_at,
                        answer.updated_at,
                        answer.text,
                    )
                )
        if state.agreement is not None:
            entries.append(
                Entry(
                    "agreement",
                    c.title,
                    prompt_text[prompt_id],
                    who(state.agreement.author_id),
                    "shared",
                    state.agreement.updated_at,
                    state.agreement.updated_at,
                    state.agreement.text,
                )
            )
    titles = {c.id: c.title for c in book.chapters}
    notes = progress.exercises(db, member)
    for chapter_id, note in notes:
        c = book.chapter(chapter_id)
        entries.append(
            Entry(
                "exercise note",
                titles[chapter_id],
                c.exercise.title,
                who(note.author_id),
                "shared",
                note.created_at,
                note.created_at,
                note.note or "Marked as done.",
            )
        )
    order = {c.title: i for i, c in enumerate(book.chapters)}
    entries.sort(key=lambda e: (order.get(e.chapter, 99), KIND_ORDER.index(e.kind), e.created))
    # Rows no key of this session opens are left out and counted, never an error.
    return Readable(entries, readable.count(reflections, states, notes))


def readiness_lines(db: Db, member: Member) -> list[str]:
    """Completed readiness check-ins, oldest first, as short lines."""
    lines = []
    history = readiness.rounds(db, member)
    for r in reversed(history):
        if r.complete:
            g = readiness.guidance_for(r.mine, r.theirs)
            lines.append(
                f"{r.completed_at:%d %b %Y}: {g.title}. You: {r.mine.green_light}, "
                f"body {r.mine.physical}, feelings {r.mine.emotional}. Partner: "
                f"{r.theirs.green_light}, body {r.theirs.physical}, feelings "
                f"{r.theirs.emotional}."
            )
    return _with_note(lines, history)


def _with_note(lines: list[str], *results: object) -> list[str]:
    """``lines``, plus the kind note if some rows behind them could not be opened."""
    note = messages.unreadable_note(readable.count(*results))
    return [*lines, note] if note else lines


def other_lines(db: Db, member: Member) -> dict[str, list[str]]:
    """Check-in results and care-team contacts the member may read."""
    names = {p.id: p.name for p in spaces.partners_of(db, member)}
    results = wellbeing.history(db, member)
    people = careteam.contacts(db, member)
    checks = [
        f"{r.created_at:%d %b %Y} {names.get(r.author_id, 'Partner')}: "
        f"{wellbeing.summary(r)}, {r.visibility}"
        for r in results
    ]
    contacts = [
        " / ".join(x for x in (c.role, c.name, c.phone, c.email, c.notes) if x) for c in people
    ]
    return {
        "Wellbeing check-ins": _with_note(checks, results),
        "Care team": _with_note(contacts, people),
    }


def _when(moment: datetime) -> str:
    return f"{moment:%d %b %Y %H:%M} UTC"


def to_markdown(
    entries: list[Entry], title: str, subtitle: str, extra: dict[str, list[str]] | None = None
) -> str:
    """A readable Markdown document; the partner's words are escaped and quoted."""
    out = [f"# {markdown.escape_light(title)}", "", markdown.escape_light(subtitle), ""]
    note = messages.unreadable_note(readable.count(entries))
    if note:
        out += [f"*{markdown.escape_light(note)}*", ""]
    chapter = None
    for e in entries:
        if e.chapter != chapter:
            chapter = e.chapter
            out += [f"## {markdown.escape_light(chapter)}", ""]
        out.append(f"**{markdown.escape_light(e.prompt)}**  ")
        edited = f", edited {_when(e.updated)}" if e.updated > e.created else ""
        author = markdown.escape_light(e.author)
        out.append(f"*{e.kind}, {author}, {e.visibility}, {_when(e.created)}{edited}*")
        out.append("")
        out += ["> " + markdown.escape_light(line) if line else ">" for line in e.text.splitlines()]
        out.append("")
    for heading, lines in (extra or {}).items():
        if lines:
            out += [f"## {markdown.escape_light(heading)}", ""]
            out += [f"- {markdown.escape_light(line)}" for line in lines]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


# A spreadsheet runs a cell starting with one of these as a formula (OWASP, "CSV
# Injection"): a partner's answer or name could then call out or read other cells.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """The cell as text a spreadsheet shows, never runs: a leading ' as OWASP advises."""
    return "'" + value if value.startswith(FORMULA_START) else value


def to_csv(entries: list[Entry]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read accents and emoji."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    for e in entries:
        row = {k: csv_cell(v) if isinstance(v, str) else v for k, v in asdict(e).items()}
        row["created"], row["updated"] = e.created.isoformat(), e.updated.isoformat()
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8-sig")


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
        edited = f", edited {_when(e.updated)}" if e.updated > e.created else ""
        pdf.write_text(
            f"{e.kind}, {e.author}, {e.visibility}, {_when(e.created)}{edited}",
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


def heading_for(member: Member, moment: datetime) -> tuple[str, str]:
    return (
        f"{member.space_name}: our workbook",
        f"Exported for {member.name} on {moment:%d %B %Y}. Private: keep it safe.",
    )


def therapy_summary(
    entries: list[Entry],
    member: Member,
    moment: datetime,
    readiness_history: list[str],
    questions: list[str],
    pdf: bool = True,
) -> tuple[str, bytes]:
    """The summary to bring to a therapist, as (Markdown, PDF; empty if ``pdf`` is off)."""
    title = "What we would like to talk about"
    subtitle = (
        f"Prepared by {member.name} ({member.space_name}) on {moment:%d %B %Y}, "
        "from entries we chose to share."
    )
    extra = {
        "Readiness check-ins": readiness_history,
        "Questions we want to ask": [q for q in questions if q.strip()],
    }
    document = to_pdf(entries, title, subtitle, extra) if pdf else b""
    return to_markdown(entries, title, subtitle, extra), document
