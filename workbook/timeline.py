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
from workbook.together import TogetherState

# What each kind of entry is called on screen.
OWN, TOGETHER, AGREED = "On your own", "Together answer", "What we agreed"
COLUMNS = [
    "id",
    "kind",
    "chapter",
    "chapter_id",
    "prompt",
    "prompt_id",
    "author",
    "author_id",
    "visibility",
    "created",
    "updated",
    "text",
]


def frame(
    entries: list[Reflection],
    book: Workbook,
    names: dict[str, str],
    me: str,
    states: dict[str, TogetherState] | None = None,
) -> pd.DataFrame:
    """One row per entry, newest first, with readable chapter, prompt and author.

    ``states`` adds what the couple made together: both answers of every together
    question once revealed (never before), and every agreement.
    """
    chapters = {c.id: c for c in book.chapters}
    prompts = {p.id: p.text for c in book.chapters for p in (*c.prompts, *c.together)}

    def author(author_id: str | None) -> str:
        if author_id is None:
            return "Both of you"
        return "You" if author_id == me else names.get(author_id, "Your partner")

    rows = [
        {
            "id": e.id,
            "kind": OWN,
            "chapter": chapters[e.chapter_id].title if e.chapter_id in chapters else e.chapter_id,
            "chapter_id": e.chapter_id,
            "prompt": prompts.get(e.prompt_id, e.prompt_id),
            "prompt_id": e.prompt_id,
            "author": author(e.author_id),
            "author_id": e.author_id,
            "visibility": e.visibility,
            "created": e.created_at,
            "updated": e.updated_at,
            "text": e.text,
        }
        for e in entries
    ]
    rows += _together_rows(states or {}, book, author)
    table = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("created", "updated"):
        table[column] = pd.to_datetime(table[column])
    return table.sort_values("updated", ascending=False, kind="stable").reset_index(drop=True)


def _together_rows(states: dict[str, TogetherState], book: Workbook, author) -> list[dict]:
    rows = []
    for chapter in book.chapters:
        for prompt in chapter.together:
            state = states.get(prompt.id)
            if state is None or not state.revealed:
                continue  # an answer stays hidden until both have answered
            base = {
                "chapter": chapter.title,
                "chapter_id": chapter.id,
                "prompt": prompt.text,
                "prompt_id": prompt.id,
            }
            for answer in (state.mine, state.theirs):
                rows.append(
                    {
                        **base,
                        "id": f"together:{prompt.id}:{answer.author_id}",
                        "kind": TOGETHER,
                        "author": author(answer.author_id),
                        "author_id": answer.author_id,
                        "visibility": "shared",
                        "created": answer.created_at,
                        "updated": answer.updated_at,
                        "text": answer.text,
                    }
                )
            if state.agreement is not None:
                rows.append(
                    {
                        **base,
                        "id": f"agreement:{prompt.id}",
                        "kind": AGREED,
                        "author": "Both of you",
                        "author_id": "",
                        "visibility": "shared",
                        "created": state.agreement.updated_at,
                        "updated": state.agreement.updated_at,
                        "text": state.agreement.text,
                    }
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
