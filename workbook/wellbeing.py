"""Saved wellbeing check-ins (PHQ-9, GAD-7): private by default, shareable by choice.

The whole result (which questionnaire, the answers, the total and band) is one
encrypted JSON field: even the score stays unreadable without a key. Scoring itself
lives in ``workbook.checkin``; this module only keeps results and reads them back.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select

from workbook import checkin, readable, rotation, sealed
from workbook.spaces import Member
from workbook.store import Db, new_id, now
from workbook.tables import wellbeing_results

TABLE, COLUMN = "wellbeing_results", "result_ct"
NAMES = {"phq9": "PHQ-9", "gad7": "GAD-7"}


@dataclass(frozen=True)
class SavedResult:
    id: str
    author_id: str
    visibility: str
    questionnaire_id: str
    answers: tuple[int, ...]
    total: int
    band_label: str  # as saved; show ``outcome.label`` instead, which applies item 9
    created_at: datetime

    @property
    def outcome(self) -> checkin.Outcome:
        """Worked out from the saved answers, so the item-9 rule holds for old rows too."""
        return checkin.outcome(self.questionnaire_id, self.answers)

    @property
    def name(self) -> str:
        return NAMES.get(self.questionnaire_id, self.questionnaire_id)


def save(
    db: Db, member: Member, result: checkin.Result, visibility: str = sealed.PRIVATE
) -> SavedResult:
    sealed.check_visibility(visibility)
    payload = json.dumps(
        {
            "questionnaire": result.questionnaire_id,
            "answers": list(result.answers),
            "total": result.total,
            "band": result.band.label,
        }
    )
    row_id, stamp = new_id(), now()
    with db.engine.begin() as conn:
        rotation.require_current_key(conn, member, ValueError)
        conn.execute(
            insert(wellbeing_results).values(
                id=row_id,
                space_id=member.space_id,
                author_id=member.partner_id,
                visibility=visibility,
                result_ct=sealed.seal(member, TABLE, COLUMN, row_id, visibility, payload),
                created_at=stamp,
            )
        )
    return SavedResult(
        row_id,
        member.partner_id,
        visibility,
        result.questionnaire_id,
        tuple(result.answers),
        result.total,
        result.band.label,
        stamp,
    )


def _open(member: Member, row) -> SavedResult:
    data = json.loads(sealed.open_field(member, TABLE, COLUMN, row))
    return SavedResult(
        row.id,
        row.author_id,
        row.visibility,
        data["questionnaire"],
        tuple(data["answers"]),
        data["total"],
        data["band"],
        row.created_at,
    )


def history(db: Db, member: Member) -> list[SavedResult]:
    """The member's own results and any their partner shared, oldest first."""
    with db.reads.connect() as conn:
        rows = conn.execute(
            select(wellbeing_results)
            .where(sealed.visible_to(wellbeing_results, member))
            .order_by(wellbeing_results.c.created_at, wellbeing_results.c.id)
        ).all()
    return readable.open_all(rows, lambda r: _open(member, r))


def set_visibility(db: Db, member: Member, result_id: str, visibility: str) -> None:
    """Share one's own result with the partner, or make it private again."""
    with db.engine.begin() as conn:
        rotation.require_current_key(conn, member, ValueError)
        row = sealed.own_row(conn, wellbeing_results, member, result_id)
        if row is None:
            raise ValueError("That check-in is not yours or is no longer here.")
        sealed.change_visibility(conn, member, wellbeing_results, COLUMN, row, visibility)


def remove(db: Db, member: Member, result_id: str) -> None:
    with db.engine.begin() as conn:
        conn.execute(
            delete(wellbeing_results).where(
                wellbeing_results.c.id == result_id,
                wellbeing_results.c.space_id == member.space_id,
                wellbeing_results.c.author_id == member.partner_id,
            )
        )


def summary(result: SavedResult) -> str:
    """One line for a list or an export: the meaning's label first, then the score.

    Every place that lists saved results uses this, so the item-9 rule (crisis words,
    never the band's "minimal") cannot be forgotten in one of them.
    """
    return f"{result.name}: {result.outcome.label} (score {result.total})"


def chart_rows(
    results: list[SavedResult], to_local: Callable[[datetime], datetime]
) -> list[dict[str, object]]:
    """Rows for the history chart: its labels say what each result means, item 9 applied."""
    return [
        {
            "date": to_local(r.created_at),
            "check-in": r.name,
            "score": r.total,
            "what it means": r.outcome.label,
        }
        for r in results
    ]
