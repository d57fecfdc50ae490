"""The journal timeline as rows, its filters, and the table shown on the page.

Decrypted text lives only in these in-memory rows for one page run; nothing is
indexed or cached in plaintext. The filters are plain functions so they can be
tested and timed without Streamlit.

Why plain rows and not a pandas table: the journal builds the timeline on every run
of its page, and with a few entries pandas' own bookkeeping (building the frame,
masks, ``itertuples``) was a third of the page's server time (issue 14). The
overview table the page shows is an Arrow table (``table``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime

import pyarrow as pa

from workbook.content import Workbook
from workbook.journal import Reflection
from workbook.together import TogetherState

# What each kind of entry is called on screen.
OWN, TOGETHER, AGREED = "On your own", "Together answer", "What we agreed"


@dataclass(frozen=True, slots=True)
class Row:
    """One entry of the timeline, with readable chapter, prompt and author."""

    id: str
    kind: str
    chapter: str
    chapter_id: str
    prompt: str
    prompt_id: str
    author: str
    author_id: str | None
    visibility: str
    created: datetime
    updated: datetime
    text: str


def frame(
    entries: list[Reflection],
    book: Workbook,
    names: dict[str, str],
    me: str,
    states: dict[str, TogetherState] | None = None,
    opened: Collection[str] | None = None,
) -> list[Row]:
    """One row per entry, newest first, with readable chapter, prompt and author.

    ``states`` adds what the couple made together: both answers of every together
    question once revealed (never before), and every agreement. ``opened``: the
    together questions this partner has opened side by side; of one not opened yet,
    only their own answer is listed (the partner's waits for "Open together", the
    moment of the reveal). None lists every revealed one.
    """
    chapters = {c.id: c for c in book.chapters}
    prompts = {p.id: p.text for c in book.chapters for p in (*c.prompts, *c.together)}

    def author(author_id: str | None) -> str:
        if author_id is None:
            return "Both of you"
        return "You" if author_id == me else names.get(author_id, "Your partner")

    rows = [
        Row(
            id=e.id,
            kind=OWN,
            chapter=chapters[e.chapter_id].title if e.chapter_id in chapters else e.chapter_id,
            chapter_id=e.chapter_id,
            prompt=prompts.get(e.prompt_id, e.prompt_id),
            prompt_id=e.prompt_id,
            author=author(e.author_id),
            author_id=e.author_id,
            visibility=e.visibility,
            created=e.created_at,
            updated=e.updated_at,
            text=e.text,
        )
        for e in entries
    ]
    rows += _together_rows(states or {}, book, author, me, opened)
    return sorted(rows, key=lambda row: row.updated, reverse=True)  # stable: ties keep order


def _together_rows(
    states: dict[str, TogetherState],
    book: Workbook,
    author: Callable[[str | None], str],
    me: str,
    opened: Collection[str] | None,
) -> list[Row]:
    rows: list[Row] = []
    for chapter in book.chapters:
        for prompt in chapter.together:
            state = states.get(prompt.id)
            if state is None or not state.revealed:
                continue  # an answer stays hidden until both have answered
            waits = opened is not None and prompt.id not in opened
            base = {
                "chapter": chapter.title,
                "chapter_id": chapter.id,
                "prompt": prompt.text,
                "prompt_id": prompt.id,
                "visibility": "shared",
            }
            for answer in (state.mine, state.theirs):
                if waits and answer.author_id != me:
                    continue
                rows.append(
                    Row(
                        **base,
                        id=f"together:{prompt.id}:{answer.author_id}",
                        kind=TOGETHER,
                        author=author(answer.author_id),
                        author_id=answer.author_id,
                        created=answer.created_at,
                        updated=answer.updated_at,
                        text=answer.text,
                    )
                )
            if state.agreement is not None and not waits:
                rows.append(
                    Row(
                        **base,
                        id=f"agreement:{prompt.id}",
                        kind=AGREED,
                        author="Both of you",
                        author_id="",
                        created=state.agreement.updated_at,
                        updated=state.agreement.updated_at,
                        text=state.agreement.text,
                    )
                )
    return rows


@dataclass(frozen=True)
class Filters:
    chapters: tuple[str, ...] = ()  # chapter ids; empty means all
    author: str | None = None  # an author id; None means both
    visibility: str | None = None  # "private", "shared" or None for both
    start: date | None = None
    end: date | None = None
    search: str = ""


def apply(
    rows: list[Row], f: Filters, day_of: Callable[[datetime], date] = datetime.date
) -> list[Row]:
    """Rows matching every filter, in their order; the search ignores letter case.

    ``day_of`` gives the day of a stored time as the reader sees it (the page passes
    their time zone's), so "between" picks the days the table shows.
    """
    words = f.search.casefold().split()

    def keep(row: Row) -> bool:
        if f.chapters and row.chapter_id not in f.chapters:
            return False
        if f.author and row.author_id != f.author:
            return False
        if f.visibility and row.visibility != f.visibility:
            return False
        day = day_of(row.updated)
        if (f.start is not None and day < f.start) or (f.end is not None and day > f.end):
            return False
        if words:
            haystack = f"{row.text}\n{row.prompt}".casefold()
            return all(word in haystack for word in words)
        return True

    return [row for row in rows if keep(row)]


def table(rows: list[Row], columns: list[str], **computed: Callable[[Row], object]) -> pa.Table:
    """The overview table the page shows: the chosen columns, each a field of the rows
    or, when named in ``computed``, what that function makes of a row.

    An Arrow table, which ``st.dataframe`` sends as it is: from a pandas frame,
    building it and converting it to Arrow cost about 1 ms of every journal run.
    """
    data = {
        name: [computed[name](row) if name in computed else getattr(row, name) for row in rows]
        for name in columns
    }
    if not rows:  # no values to tell the types by: empty text columns
        return pa.table({name: pa.array([], pa.string()) for name in columns})
    return pa.table(data)
