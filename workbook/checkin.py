"""Score the private PHQ-9 (mood) and GAD-7 (worry) check-ins.

The wording, answers and bands live in ``prompts/questionnaires.toml`` so that a
clinician can check them against the published forms without reading code. The rules
that keep someone safe live here, as pure functions with no Streamlit and no database,
so they can be tested on their own:

- a result is screening, never a diagnosis: it names a band ("Your answers suggest ...")
  and one next step;
- any PHQ-9 item 9 answer above "Not at all" asks for crisis support at once, whatever
  the total, because item 9 matters on its own (content-facts.md, section 8);
- the file is checked strictly at load (``workbook.checkin_text``): 9 and 7 items,
  scores 0 to 3, and bands that cover every possible total exactly once. A wrong band
  would tell someone the wrong thing, so a broken file raises ``ContentError``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from workbook.checkin_text import (
    QUESTIONNAIRES_FILE,
    SCORES,
    Band,
    CheckinText,
    Option,
    Questionnaire,
    Reference,
    Safety,
    load_questionnaires,
    parse_questionnaires,
)
from workbook.reader import ContentError

SAFETY_QUESTIONNAIRE = "phq9"
SAFETY_ITEM = 9  # 1-based: "Thoughts that you would be better off dead ..."
CHECK_AGAIN_AFTER = timedelta(days=14)


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
