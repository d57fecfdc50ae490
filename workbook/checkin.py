"""Score the private PHQ-9 (mood) and GAD-7 (worry) check-ins.

The wording, answers and bands live in ``prompts/questionnaires.toml`` so that a
clinician can check them against the published forms without reading code. The rules
that keep someone safe live here, as pure functions with no Streamlit and no database,
so they can be tested on their own:

- a result is screening, never a diagnosis: it names a band ("Your answers suggest ...")
  and one next step;
- any PHQ-9 item 9 answer above "Not at all" asks for crisis support at once, whatever
  the total, because item 9 matters on its own (content-facts.md, section 8);
- the file is checked strictly at load: 9 and 7 items, scores 0 to 3, and bands that
  cover every possible total exactly once. A wrong band would tell someone the wrong
  thing, so a broken file raises ``ContentError`` naming the file and the field.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from workbook.content import PROMPTS_DIR, ContentError, _Reader, read_toml

QUESTIONNAIRES_FILE = PROMPTS_DIR / "questionnaires.toml"
ITEM_COUNTS = {"phq9": 9, "gad7": 7}
SCORES = (0, 1, 2, 3)
SAFETY_QUESTIONNAIRE = "phq9"
SAFETY_ITEM = 9  # 1-based: "Thoughts that you would be better off dead ..."
SAFETY_PLACEHOLDERS = {"crisis_line", "emergency"}
CHECK_AGAIN_AFTER = timedelta(days=14)


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


@dataclass(frozen=True)
class Outcome:
    """What a result means and what to do next: the one thing every screen shows."""

    label: str
    meaning: str
    next_step: str
    urgent: bool  # PHQ-9 item 9 above 0: crisis support, whatever the total


@dataclass(frozen=True)
class Result:
    questionnaire_id: str
    answers: tuple[int, ...]
    total: int
    max_total: int
    band: Band
    needs_crisis_support: bool  # PHQ-9 item 9 above 0: show the safety message first

    @property
    def outcome(self) -> Outcome:
        """The band's words, or the crisis words when item 9 is above 0."""
        if self.needs_crisis_support:
            s = questionnaires().safety
            return Outcome(s.label, s.meaning, s.next_step, True)
        b = self.band
        return Outcome(b.label, b.meaning, b.next_step, False)


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
    return Questionnaire(
        id=questionnaire_id,
        name=r.text("name"),
        stem=r.text("stem"),
        items=items,
        options=_options(r),
        difficulty_question=r.text("difficulty_question"),
        difficulty_options=difficulty_options,
        licence=r.text("licence"),
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


@cache
def questionnaires() -> CheckinText:
    """The shipped check-in text, read once per process (the same for every user)."""
    return load_questionnaires(QUESTIONNAIRES_FILE)


def questionnaire(questionnaire_id: str) -> Questionnaire:
    """One shipped questionnaire by id ("phq9" or "gad7"); ValueError if unknown."""
    return questionnaires().questionnaire(questionnaire_id)


def score(questionnaire_id: str, answers: Sequence[int]) -> Result:
    """Score one completed check-in: one answer (0 to 3) per item, in item order.

    Raises ValueError, saying what is wrong, for an unknown questionnaire, the wrong
    number of answers, or an answer that is not a whole number from 0 to 3.
    """
    q = questionnaire(questionnaire_id)
    if isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
        raise ValueError(f"{q.name} answers must be a list of numbers, one for each item.")
    if len(answers) != len(q.items):
        raise ValueError(
            f"{q.name} needs {len(q.items)} answers, one for each item, not {len(answers)}."
        )
    for number, answer in enumerate(answers, start=1):
        if isinstance(answer, bool) or not isinstance(answer, int) or answer not in SCORES:
            raise ValueError(
                f"{q.name} answer {number} must be a whole number from 0 to 3, not {answer!r}."
            )
    values = tuple(answers)
    total = sum(values)
    return Result(
        questionnaire_id=q.id,
        answers=values,
        total=total,
        max_total=q.max_total,
        band=q.band_for(total),
        needs_crisis_support=q.id == SAFETY_QUESTIONNAIRE and values[SAFETY_ITEM - 1] > 0,
    )


def outcome(questionnaire_id: str, answers: Sequence[int]) -> Outcome:
    """What a completed check-in means, from its answers (used for saved results too)."""
    return score(questionnaire_id, answers).outcome


def due_again(last_taken: datetime, now: datetime) -> bool:
    """True once CHECK_AGAIN_AFTER (14 days) has passed since the last check-in.

    Both times must be timezone-aware, or both naive; mixing them raises ValueError.
    """
    if (last_taken.tzinfo is None) != (now.tzinfo is None):
        raise ValueError("last_taken and now must both have a time zone, or both have none.")
    return now - last_taken >= CHECK_AGAIN_AFTER


__all__ = [
    "CHECK_AGAIN_AFTER",
    "Band",
    "CheckinText",
    "ContentError",
    "Option",
    "Outcome",
    "Questionnaire",
    "Reference",
    "Result",
    "Safety",
    "due_again",
    "load_questionnaires",
    "outcome",
    "parse_questionnaires",
    "questionnaire",
    "questionnaires",
    "score",
]
