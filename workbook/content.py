"""Load the workbook's chapters from ``prompts/`` into typed objects.

The content is data so that a writer or clinician can edit it without touching code
(the jrnl and datasette habit of keeping content apart from code). A broken file must
fail loudly at start-up, never half-render: every problem raises ``ContentError``
naming the file, the chapter and the field, so the writer knows where to look.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from workbook.reader import PROMPTS_DIR, ContentError, _Reader, read_toml

AUDIENCES = ("everyone", "pregnant", "partner")
MIN_OWN_PROMPTS = 4
MIN_TOGETHER_PROMPTS = 3
ONLY_ONE_PER_CHAPTER = (1, 2)  # how many prompts a chapter may mark "if you only do one"
ONLY_ONE_LABEL = "If you only do one"


@dataclass(frozen=True)
class Prompt:
    """An on-your-own prompt; ``audience`` says who it is written for."""

    id: str
    text: str
    audience: str
    hint: str = ""
    only_one: bool = False  # "If you only do one": one or two per chapter


@dataclass(frozen=True)
class TogetherPrompt:
    """A prompt both partners answer apart, then read side by side."""

    id: str
    text: str
    follow_up: str
    only_one: bool = False  # "If you only do one": one or two per chapter


@dataclass(frozen=True)
class Exercise:
    title: str
    text: str


@dataclass(frozen=True)
class Source:
    """A fact beyond the article and where it was checked."""

    fact: str
    source: str
    url: str


@dataclass(frozen=True)
class Chapter:
    id: str
    number: int
    title: str
    summary: str
    covers: tuple[str, ...]
    why_it_matters: str
    more: str
    prompts: tuple[Prompt, ...]
    together: tuple[TogetherPrompt, ...]
    exercise: Exercise
    get_help: str
    sources: tuple[Source, ...]
    file: str

    def paragraphs(self) -> list[str]:
        """Every paragraph a reader can see in this chapter, for checks on the text."""
        parts = [
            self.why_it_matters,
            self.more,
            self.exercise.text,
            self.get_help,
            *(f"{p.text} {p.hint}" for p in self.prompts),
            *(f"{t.text} {t.follow_up}" for t in self.together),
        ]
        return [para.strip() for part in parts for para in part.split("\n\n") if para.strip()]

    def prompt(self, prompt_id: str) -> Prompt | TogetherPrompt:
        """Find a prompt of either kind by id (raises KeyError for an unknown id)."""
        for p in (*self.prompts, *self.together):
            if p.id == prompt_id:
                return p
        raise KeyError(prompt_id)


@dataclass(frozen=True)
class ArticlePoint:
    """A point of the source article; ``evidence`` is what a chapter must say to cover it.

    Each evidence item is a case-insensitive regular expression; a chapter covers the
    point only when one paragraph of its text matches all of them (checked in tests).
    """

    id: str
    summary: str
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Workbook:
    chapters: tuple[Chapter, ...]
    points: tuple[ArticlePoint, ...]

    def chapter(self, chapter_id: str) -> Chapter:
        for c in self.chapters:
            if c.id == chapter_id:
                return c
        raise KeyError(chapter_id)


def parse_chapter(data: dict[str, Any], file: str) -> Chapter:
    """Check one chapter file's data against the schema and build a Chapter."""
    chapter_id = data.get("id") if isinstance(data.get("id"), str) else "?"
    r = _Reader(file, chapter_id, data)
    r.text("id")
    prompts = []
    for p in r.tables("prompts"):
        audience = p.text("for")
        if audience not in AUDIENCES:
            p.fail("for", f"must be one of {', '.join(AUDIENCES)}, not '{audience}'")
        prompts.append(
            Prompt(
                p.text("id"), p.text("text"), audience, p.text("hint", False), p.flag("only_one")
            )
        )
    if len(prompts) < MIN_OWN_PROMPTS:
        r.fail("prompts", f"needs at least {MIN_OWN_PROMPTS} on-your-own prompts")
    together = [
        TogetherPrompt(t.text("id"), t.text("text"), t.text("follow_up"), t.flag("only_one"))
        for t in r.tables("together")
    ]
    if len(together) < MIN_TOGETHER_PROMPTS:
        r.fail("together", f"needs at least {MIN_TOGETHER_PROMPTS} together prompts")
    marked = sum(p.only_one for p in (*prompts, *together))
    low, high = ONLY_ONE_PER_CHAPTER
    if not low <= marked <= high:
        r.fail("only_one", f"mark {low} or {high} prompts 'only_one = true', not {marked}")
    ids = [p.id for p in (*prompts, *together)]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        r.fail("prompts", f"prompt ids must be unique: {', '.join(dupes)}")
    exercise = r.table("exercise")
    sources = [
        Source(s.text("fact"), s.text("source"), s.text("url"))
        for s in r.tables("sources", required=False)
    ]
    covers = r.strings("covers")
    if not covers:
        r.fail("covers", "must name at least one point of the article")
    return Chapter(
        id=chapter_id,
        number=r.integer("number"),
        title=r.text("title"),
        summary=r.text("summary"),
        covers=covers,
        why_it_matters=r.text("why_it_matters"),
        more=r.text("more", required=False),
        prompts=tuple(prompts),
        together=tuple(together),
        exercise=Exercise(exercise.text("title"), exercise.text("text")),
        get_help=r.table("get_help").text("text"),
        sources=tuple(sources),
        file=file,
    )


def load_points(path: Path) -> tuple[ArticlePoint, ...]:
    r = _Reader(path.name, "-", read_toml(path))
    points = []
    for p in r.tables("points"):
        evidence = p.strings("evidence")
        if not evidence:
            p.fail("evidence", "needs at least one pattern the chapter text must hold")
        for pattern in evidence:
            try:
                re.compile(pattern)
            except re.error as exc:
                p.fail("evidence", f"'{pattern}' is not a valid pattern: {exc}")
        points.append(ArticlePoint(p.text("id"), p.text("summary"), evidence))
    return tuple(points)


def load_workbook(directory: Path = PROMPTS_DIR) -> Workbook:
    """Load and cross-check every chapter file in ``directory``.

    Beyond each file's own schema: chapter ids and numbers are unique, prompt ids are
    unique across chapters (saved answers refer to them), every ``covers`` id is a
    known article point, and every article point is covered by some chapter.
    """
    points = load_points(directory / "article_points.toml")
    point_ids = {p.id for p in points}
    chapters = []
    for path in sorted(directory.glob("[0-9][0-9]-*.toml")):
        chapter = parse_chapter(read_toml(path), path.name)
        for point in chapter.covers:
            if point not in point_ids:
                raise ContentError(path.name, chapter.id, "covers", f"unknown point '{point}'")
        chapters.append(chapter)
    if not chapters:
        raise ContentError(str(directory), "-", "", "holds no chapter files (NN-name.toml)")
    seen_chapters: dict[str, str] = {}
    seen_prompts: dict[str, str] = {}
    for c in chapters:
        if c.id in seen_chapters:
            raise ContentError(c.file, c.id, "id", f"also used in {seen_chapters[c.id]}")
        seen_chapters[c.id] = c.file
        for p in (*c.prompts, *c.together):
            if p.id in seen_prompts:
                raise ContentError(
                    c.file, c.id, "prompts", f"id '{p.id}' also used in {seen_prompts[p.id]}"
                )
            seen_prompts[p.id] = c.file
    covered = {point for c in chapters for point in c.covers}
    missing = [p.id for p in points if p.id not in covered]
    if missing:
        raise ContentError(
            "article_points.toml",
            "-",
            "points",
            f"not covered by any chapter: {', '.join(missing)}",
        )
    chapters.sort(key=lambda c: c.number)
    return Workbook(tuple(chapters), points)


@cache
def workbook() -> Workbook:
    """The shipped workbook, read once per process: it is the same for every user."""
    return load_workbook(PROMPTS_DIR)


@cache
def page_text(name: str) -> str:
    """A free-text page from prompts/ (for example the welcome page), as Markdown."""
    path = PROMPTS_DIR / f"{name}.md"
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ContentError(path.name, "-", "", f"cannot be read ({exc.strerror})") from exc
