"""Load the "When to see a therapist" help page from ``prompts/therapist_guide.toml``.

The page is content, not code, so a writer or clinician can change its words without
touching Python, like the chapters in ``workbook.content``. It tells people when to
look for help, so a broken file must fail loudly at start-up rather than show half a
page: every problem raises ``ContentError`` naming the file and the field. The six
sections the page is built around must all be there, and each section id is unique so
the page can link to a section by id.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from workbook.content import PROMPTS_DIR, ContentError, _Reader, read_toml

GUIDE_FILE = PROMPTS_DIR / "therapist_guide.toml"
SECTION_IDS = (
    "signs",
    "what-therapy-does",
    "kinds",
    "first-session",
    "questions",
    "both-partners",
)
URL_PREFIXES = ("https://", "http://")


@dataclass(frozen=True)
class GuideSource:
    """Where a fact in a section was checked (copied from content-facts.md)."""

    source: str
    url: str


@dataclass(frozen=True)
class Section:
    """One part of the page; ``body`` is Markdown."""

    id: str
    heading: str
    body: str
    sources: tuple[GuideSource, ...]


@dataclass(frozen=True)
class Guide:
    title: str
    intro: str
    sections: tuple[Section, ...]
    file: str

    def section(self, section_id: str) -> Section:
        """Find a section by id (raises KeyError for an unknown id)."""
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(section_id)


def _source(r: _Reader) -> GuideSource:
    url = r.text("url")
    if not url.startswith(URL_PREFIXES):
        r.fail("url", f"must be a web address starting with https://, not '{url}'")
    return GuideSource(r.text("source"), url)


def parse_guide(data: dict[str, Any], file: str = GUIDE_FILE.name) -> Guide:
    """Check the page's data against its schema and build a Guide.

    ContentError's "chapter" slot holds the section id when the problem is inside a
    section (``-`` for the page itself or a section without an id).
    """
    r = _Reader(file, "-", data)
    title, intro = r.text("title"), r.text("intro")
    sections: list[Section] = []
    seen: dict[str, int] = {}
    for number, item in enumerate(r.tables("sections"), start=1):
        raw_id = item.data.get("id")
        label = raw_id.strip() if isinstance(raw_id, str) and raw_id.strip() else "-"
        s = _Reader(file, label, item.data, item.where)
        section_id = s.text("id")
        if section_id in seen:
            s.fail("id", f"'{section_id}' is also used by section {seen[section_id]}")
        seen[section_id] = number
        sources = tuple(_source(src) for src in s.tables("sources", required=False))
        sections.append(Section(section_id, s.text("heading"), s.text("body"), sources))
    missing = [i for i in SECTION_IDS if i not in seen]
    if missing:
        r.fail("sections", f"needs a section with id {', '.join(repr(m) for m in missing)}")
    return Guide(title, intro, tuple(sections), file)


def load_guide(path: Path = GUIDE_FILE) -> Guide:
    """Read and check one guide file (uncached: tests use it on broken copies)."""
    return parse_guide(read_toml(path), path.name)


@cache
def guide(path: Path = GUIDE_FILE) -> Guide:
    """The shipped page, read once per process: it is the same for every user."""
    return load_guide(path)


__all__ = [
    "SECTION_IDS",
    "ContentError",
    "Guide",
    "GuideSource",
    "Section",
    "guide",
    "load_guide",
    "parse_guide",
]
