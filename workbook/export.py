"""Everything a partner may see, as Markdown, CSV or PDF; and the summary for a therapist.

Built in memory and handed to the page as bytes: never a plaintext file on disk
(SECURITY.md). What goes in is exactly what the partner may read through the app:
their own private entries and everything shared, never the other's private entries
and never a together answer before both have answered.

The rows are ``entries.Entry``; ``pdf.py`` lays the same rows out on A4.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from dataclasses import asdict
from datetime import datetime

from workbook import (
    careteam,
    journal,
    markdown,
    progress,
    readable,
    readiness,
    snapshots,
    spaces,
    together,
    wellbeing,
)
from workbook import text as messages
from workbook.content import Workbook
from workbook.entries import COLUMNS, KIND_ORDER, Entry, stamp
from workbook.pdf import to_pdf
from workbook.readable import Readable
from workbook.spaces import Member
from workbook.store import Db


def collect(
    db: Db, member: Member, book: Workbook, opened: Collection[str] | None = None
) -> list[Entry]:
    """Every entry the member may read, in workbook order, for export or a summary.

    ``opened``: the together questions this partner has opened side by side; of one
    both answered and not opened yet, the partner's answer and what was agreed wait
    for "Open together", as in the journal (timeline.frame). None: no such wait.
    """
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
                "answer on your own",
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
        waits = opened is not None and state.revealed and prompt_id not in opened
        for answer in (state.mine, None if waits else state.theirs):
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
        if state.agreement is not None and not waits:
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


def everything(
    db: Db,
    member: Member,
    book: Workbook,
    *,
    with_extra: bool = True,
    opened: Collection[str] | None = None,
) -> tuple[list[Entry], dict[str, list[str]]]:
    """The entries and (``with_extra``) the other sections of an export, read as one
    moment: a partner who writes meanwhile is in every part of the file or in none.

    Why: each part is its own read (partners, journal, together answers, exercises,
    check-ins, care team); read one after another, a shared answer and an exercise
    marked done in one minute could land half in the file (workbook/snapshots.py).
    """
    with snapshots.one_snapshot(db) as moment:
        entries = collect(moment, member, book, opened)
        if not with_extra:
            return entries, {}
        extra = {
            "Readiness check-ins": readiness_lines(moment, member),
            **other_lines(moment, member),
        }
        return entries, extra


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


def quoted(text: str) -> list[str]:
    """A person's words as a Markdown quote, each of their line breaks kept (a line
    ending in two spaces): without, a viewer ran the lines together into one."""
    lines = text.splitlines()
    return [
        ("> " + markdown.escape_light(line) + ("  " if at < len(lines) - 1 else ""))
        if line.strip()
        else ">"
        for at, line in enumerate(lines)
    ]


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
        edited = f", edited {stamp(e.updated)}" if e.updated > e.created else ""
        author = markdown.escape_light(e.author)
        out.append(f"*{e.kind}, {author}, {e.visibility}, {stamp(e.created)}{edited}*")
        out.append("")
        out += quoted(e.text)
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
