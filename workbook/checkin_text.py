"""The check-in text as data: the PHQ-9 and GAD-7 wording, answers, bands and safety words.

Read from ``prompts/questionnaires.toml`` and checked strictly, because a wrong band
would tell someone the wrong thing: 9 and 7 items, scores 0 to 3, bands that cover
every total exactly once, and safety words that never hold a phone number. A broken
file raises ``ContentError`` naming the file and the field. Scoring lives in
``workbook.checkin``.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbook.reader import PROMPTS_DIR, _Reader, read_toml

QUESTIONNAIRES_FILE = PROMPTS_DIR / "questionnaires.toml"
ITEM_COUNTS = {"phq9": 9, "gad7": 7}
SCORES = (0, 1, 2, 3)
SAFETY_PLACEHOLDERS = {"crisis_line", "emergency"}


@dataclass(frozen=True)
class Option:
    label: str
    score: int


@dataclass(frozen=True)
class Band:
    """A range of totals, inclusive at both ends, with what it means and what to do."""

    min: int
    max: int
    label: str
    meaning: str
    next_step: str


@dataclass(frozen=True)
class Reference:
    title: str
    url: str


@dataclass(frozen=True)
class Questionnaire:
    id: str
    name: str
    stem: str
    items: tuple[str, ...]
    options: tuple[Option, ...]
    difficulty_question: str  # optional, never added to the score
    difficulty_options: tuple[str, ...]
    licence: str
    licence_source: Reference  # where the licence line was checked
    source: Reference
    bands: tuple[Band, ...]

    @property
    def max_total(self) -> int:
        return len(self.items) * SCORES[-1]

    def band_for(self, total: int) -> Band:
        for band in self.bands:
            if band.min <= total <= band.max:
                return band
        raise ValueError(f"{self.name} total must be from 0 to {self.max_total}, not {total}.")


@dataclass(frozen=True)
class Safety:
    """The message shown at once when PHQ-9 item 9 is above 0.

    ``label``, ``meaning`` and ``next_step`` replace the band's own wherever a result
    is shown, so no place ever pairs a self-harm answer with a "you're fine" message.
    """

    title: str
    text: str  # holds {crisis_line} and {emergency}; never a phone number
    label: str
    meaning: str
    next_step: str

    def render(self, crisis_line: str, emergency: str) -> str:
        """The message with the checked numbers (or links to them) filled in."""
        return self.text.format(crisis_line=crisis_line, emergency=emergency)


@dataclass(frozen=True)
class CheckinText:
    screening_note: str
    safety: Safety
    questionnaires: tuple[Questionnaire, ...]

    def questionnaire(self, questionnaire_id: str) -> Questionnaire:
        for q in self.questionnaires:
            if q.id == questionnaire_id:
                return q
        known = ", ".join(q.id for q in self.questionnaires)
        raise ValueError(f"Unknown questionnaire '{questionnaire_id}': use one of {known}.")


def _options(r: _Reader) -> tuple[Option, ...]:
    options = tuple(Option(o.text("label"), o.integer("score")) for o in r.tables("options"))
    scores = tuple(o.score for o in options)
    if scores != SCORES:
        r.fail("options", f"must be four answers scored 0, 1, 2, 3 in order, not {scores}")
    labels = [o.label for o in options]
    if len(set(labels)) != len(labels):
        r.fail("options", "each answer needs its own label")
    return options


def _bands(r: _Reader, max_total: int) -> tuple[Band, ...]:
    bands = []
    expected_min = 0
    for b in r.tables("bands"):
        low, high = b.integer("min"), b.integer("max")
        if low < expected_min:
            b.fail("min", f"overlaps the band before: it must be {expected_min}, not {low}")
        if low > expected_min:
            b.fail("min", f"leaves a gap: it must be {expected_min}, not {low}")
        if high < low:
            b.fail("max", f"must not be below min ({low}), not {high}")
        if high > max_total:
            b.fail("max", f"must not pass the highest total ({max_total}), not {high}")
        meaning = b.text("meaning")
        if not meaning.startswith("Your answers suggest"):
            b.fail("meaning", "must start 'Your answers suggest': screening, not diagnosis")
        bands.append(Band(low, high, b.text("label"), meaning, b.text("next_step")))
        expected_min = high + 1
    if not bands:
        r.fail("bands", "needs at least one band")
    if expected_min != max_total + 1:
        r.fail("bands", f"must reach the highest total ({max_total}); they stop at {bands[-1].max}")
    return tuple(bands)


def _questionnaire(top: _Reader, questionnaire_id: str) -> Questionnaire:
    r = top.table(questionnaire_id)
    items = r.strings("items")
    count = ITEM_COUNTS[questionnaire_id]
    if len(items) != count:
        r.fail("items", f"must have {count} items, not {len(items)}")
    if not all(item.strip() for item in items):
        r.fail("items", "has an empty item")
    difficulty_options = r.strings("difficulty_options")
    if len(difficulty_options) != len(SCORES):
        r.fail("difficulty_options", f"must have 4 answers, not {len(difficulty_options)}")
    source = r.table("source")
    url = source.text("url")
    if not url.startswith("https://"):
        source.fail("url", "must be an https:// address")
    licence_source = r.table("licence_source")
    if not licence_source.text("url").startswith("https://"):
        licence_source.fail("url", "must be an https:// address")
    return Questionnaire(
        id=questionnaire_id,
        name=r.text("name"),
        stem=r.text("stem"),
        items=items,
        options=_options(r),
        difficulty_question=r.text("difficulty_question"),
        difficulty_options=difficulty_options,
        licence=r.text("licence"),
        licence_source=Reference(licence_source.text("title"), licence_source.text("url")),
        source=Reference(source.text("title"), url),
        bands=_bands(r, count * SCORES[-1]),
    )


def _safety(top: _Reader) -> Safety:
    r = top.table("safety")
    text = r.text("text")
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        r.fail("text", f"has a broken {{placeholder}}: {exc}")
    if names != SAFETY_PLACEHOLDERS:
        wanted = ", ".join(f"{{{n}}}" for n in sorted(SAFETY_PLACEHOLDERS))
        r.fail("text", f"must use exactly the placeholders {wanted}")
    if any(ch.isdigit() for ch in text):
        r.fail("text", "must not hold a number: numbers come from resources.toml")
    words = {f: r.text(f) for f in ("label", "meaning", "next_step")}
    for field, value in words.items():
        if any(ch.isdigit() for ch in value):
            r.fail(field, "must not hold a number: numbers come from resources.toml")
    return Safety(r.text("title"), text, **words)


def parse_questionnaires(data: dict[str, Any], file: str = QUESTIONNAIRES_FILE.name) -> CheckinText:
    """Check the questionnaire file's data and build the check-in text."""
    top = _Reader(file, "-", data)
    allowed = {"screening_note", "safety", *ITEM_COUNTS}
    unknown = sorted(set(data) - allowed)
    if unknown:
        top.fail(unknown[0], "is not a known field or questionnaire")
    return CheckinText(
        screening_note=top.text("screening_note"),
        safety=_safety(top),
        questionnaires=tuple(_questionnaire(top, qid) for qid in ITEM_COUNTS),
    )


def load_questionnaires(path: Path = QUESTIONNAIRES_FILE) -> CheckinText:
    """Read and check one questionnaire file (uncached: tests use broken copies)."""
    return parse_questionnaires(read_toml(path), path.name)
