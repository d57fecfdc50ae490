"""One flat row of an export, and how its times read, shared by every format.

Why a module of its own: ``export.py`` gathers the rows and writes Markdown and CSV,
``pdf.py`` lays the same rows out on A4; both need the row and the same date stamp.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

COLUMNS = ["kind", "chapter", "prompt", "author", "visibility", "created", "updated", "text"]
KIND_ORDER = ("answer on your own", "together answer", "agreement", "exercise note")


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


def stamp(moment: datetime) -> str:
    """A row's time as every export writes it: day, month, year, minutes, in UTC."""
    return f"{moment:%d %b %Y %H:%M} UTC"
