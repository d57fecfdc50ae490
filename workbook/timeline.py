"""The journal timeline as a pandas table, and its filters.

Decrypted text lives only in this in-memory frame for one page run; nothing is
indexed or cached in plaintext. The filters are plain functions so they can be
tested and timed without Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from workbook.content import Workbook
from workbook.journal import Reflection

COLUMNS = [
    "id",
    "chapter",
    "chapter_id",
    "prompt",
    "author",
    "author_id",
    "visibility",
    "created",
    "updated",
    "text",
]


def frame(
    entries: list[Reflection], book: Workbook, names: dict[str, str], me: str
) -> pd.DataFrame:
    """One row per entry, newest first, with readable chapter, prompt and author."""
    chapters = {c.id: c for c in book.chapters}
    prompts = {p.id: p.text for c in book.chapters for p in (*c.prompts, *c.together)}
    rows = [
        {
            "id": e.id,
            "chapter": chapters[e.chapter_id].title if e.chapter_id in chapters else e.chapter_id,
            "chapter_id": e.chapter_id,
            "prompt": prompts.get(e.prompt_id, e.prompt_id),
            "author": "You" if e.author_id == me else names.get(e.author_id, "Your partner"),
            "author_id": e.author_id,
            "visibility": e.visibility,
            "created": e.created_at,
            "updated": e.updated_at,
            "text": e.text,
        }
        for e in entries
    ]
    table = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("created", "updated"):
        table[column] = pd.to_datetime(table[column])
    return table.sort_values("updated", ascending=False, kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class Filters:
    chapters: tuple[str, ...] = ()  # chapter ids; empty means all
    author: str | None = None  # an author id; None means both
    visibility: str | None = None  # "private", "shared" or None for both
    start: date | None = None
    end: date | None = None
    search: str = ""


def apply(table: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """Rows matching every filter; the search ignores case and accents' letter case."""
    mask = pd.Series(True, index=table.index)
    if f.chapters:
        mask &= table["chapter_id"].isin(f.chapters)
    if f.author:
        mask &= table["author_id"] == f.author
    if f.visibility:
        mask &= table["visibility"] == f.visibility
    if f.start is not None:
        mask &= table["updated"].dt.date >= f.start
    if f.end is not None:
        mask &= table["updated"].dt.date <= f.end
    words = f.search.casefold().split()
    if words:
        haystack = (table["text"] + "\n" + table["prompt"]).str.casefold()
        for word in words:
            mask &= haystack.str.contains(word, regex=False)
    return table[mask]
