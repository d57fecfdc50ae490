"""The readiness check-in: each partner answers privately, the couple sees both at once.

Like together prompts, the rule lives here: a round's answers are returned to either
partner only when both have answered it. A partner can revise their answer until the
other answers; after that, answering again starts a new round, so the history of
earlier check-ins stays as it was.

The guidance follows the article's advice: no sex before the doctor's go-ahead; if
either partner is not ready, waiting is fine, with ways to stay close without sex.

The go-ahead question is asked only of the partner who was pregnant (their body is
the one healing); the other partner is asked how they feel about waiting instead. A
partner who would rather not say sees both and may answer that the go-ahead is not
theirs to ask. So a partner who was not pregnant can never hold the couple at "wait"
by answering "I have not asked".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import func, insert, select, update

from workbook import presence, readable, rotation, vault
from workbook.content import PROMPTS_DIR, Source, _Reader, read_toml
from workbook.spaces import Member
from workbook.store import Db, new_id, now
from workbook.tables import readiness_answers

READY = "Ready"
GREEN = "Yes"


@dataclass(frozen=True)
class Guidance:
    key: str
    title: str
    text: str


@dataclass(frozen=True)
class ReadinessText:
    intro: str
    green_light_question: str
    physical_question: str
    emotional_question: str
    green_light_options: tuple[str, ...]
    green_light_not_mine: str
    waiting_question: str
    waiting_options: tuple[str, ...]
    scale_options: tuple[str, ...]
    guidance: dict[str, Guidance]
    close_without_sex: tuple[str, ...]
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Answers:
    """One partner's check-in. ``green_light`` is "" when the go-ahead was not theirs to
    ask (they were not pregnant); ``waiting`` is how they feel about waiting, if asked."""

    green_light: str
    physical: str
    emotional: str
    waiting: str = ""

    @property
    def asked_go_ahead(self) -> bool:
        return bool(self.green_light)

    @property
    def feels_ready(self) -> bool:
        return self.physical == READY and self.emotional == READY

    @property
    def ready(self) -> bool:
        return self.feels_ready and self.green_light in ("", GREEN)


@dataclass(frozen=True)
class Round:
    number: int
    mine: Answers | None
    theirs: Answers | None  # None until both have answered this round
    partner_answered: bool
    completed_at: datetime | None

    @property
    def complete(self) -> bool:
        return self.mine is not None and self.theirs is not None


@cache
def load_text() -> ReadinessText:
    path = PROMPTS_DIR / "readiness.toml"
    r = _Reader(path.name, "readiness", read_toml(path))
    guidance = {}
    for key in ("no_green_light", "no_one_asked", "not_ready", "both_ready"):
        g = r.table("guidance").table(key)
        guidance[key] = Guidance(key, g.text("title"), g.text("text"))
    return ReadinessText(
        intro=r.text("intro"),
        green_light_question=r.text("green_light_question"),
        physical_question=r.text("physical_question"),
        emotional_question=r.text("emotional_question"),
        green_light_options=r.strings("green_light_options"),
        green_light_not_mine=r.text("green_light_not_mine"),
        waiting_question=r.text("waiting_question"),
        waiting_options=r.strings("waiting_options"),
        scale_options=r.strings("scale_options"),
        guidance=guidance,
        close_without_sex=r.strings("close_without_sex"),
        sources=tuple(
            Source(s.text("fact"), s.text("source"), s.text("url"))
            for s in r.tables("sources", required=False)
        ),
    )


def guidance_for(a: Answers, b: Answers) -> Guidance:
    """The one piece of guidance that fits both partners' answers together.

    Only the go-ahead answers given count: those of the partner who was pregnant (or
    of a partner who would rather not say and answered it).
    """
    text = load_text()
    asked = [x.green_light for x in (a, b) if x.asked_go_ahead]
    if not asked:
        return text.guidance["no_one_asked"]
    if any(answer != GREEN for answer in asked):
        return text.guidance["no_green_light"]
    if not (a.feels_ready and b.feels_ready):
        return text.guidance["not_ready"]
    return text.guidance["both_ready"]


def form_for(role: str) -> tuple[bool, bool]:
    """(ask the go-ahead question, ask the waiting question) for a partner's role."""
    if role == "pregnant":
        return True, False
    if role == "partner":
        return False, True
    return True, True


def _ad(row_id: str, space_id: str) -> bytes:
    return vault.ad("readiness_answers", "answers_ct", row_id, space_id, "shared")


def _check(answers: Answers) -> None:
    text = load_text()
    if answers.green_light and answers.green_light not in text.green_light_options:
        raise ValueError("Please choose one of the answers about the go-ahead.")
    if answers.waiting and answers.waiting not in text.waiting_options:
        raise ValueError("Please choose one of the answers about waiting.")
    for value in (answers.physical, answers.emotional):
        if value not in text.scale_options:
            raise ValueError("Please choose one answer for each question.")


def answers_from_form(
    role: str, green: str | None, waiting: str | None, body: str | None, heart: str | None
) -> Answers:
    """Turn the check-in form into Answers, or raise ValueError with a kind message.

    A partner who would rather not say may answer that the go-ahead is not theirs to
    ask (``green_light_not_mine``): then it is stored as not asked.
    """
    ask_green, ask_waiting = form_for(role)
    text = load_text()
    if body is None or heart is None or (ask_green and green is None):
        raise ValueError("Please choose one answer for each question.")
    if role == "partner" and waiting is None:
        raise ValueError("Please choose one answer for each question.")
    green_light = green if ask_green and green != text.green_light_not_mine else ""
    return Answers(green_light or "", body, heart, (waiting or "") if ask_waiting else "")


def submit(db: Db, member: Member, answers: Answers) -> int:
    """Record the member's check-in; returns the round it belongs to."""
    _check(answers)
    payload = json.dumps(answers.__dict__)
    with db.engine.begin() as conn:
        rotation.require_current_key(conn, member, ValueError)
        latest = conn.execute(
            select(func.max(readiness_answers.c.round)).where(
                readiness_answers.c.space_id == member.space_id
            )
        ).scalar()
        number = latest or 1
        rows = conn.execute(
            select(readiness_answers.c.id, readiness_answers.c.author_id).where(
                readiness_answers.c.space_id == member.space_id,
                readiness_answers.c.round == number,
            )
        ).all()
        mine = next((r for r in rows if r.author_id == member.partner_id), None)
        stamp = now()
        presence.bump(conn, member)
        if mine is not None and len(rows) < 2:
            conn.execute(
                update(readiness_answers)
                .where(readiness_answers.c.id == mine.id)
                .values(
                    answers_ct=vault.seal(member.space_key, payload, _ad(mine.id, member.space_id)),
                    updated_at=stamp,
                )
            )
            return number
        if mine is not None:  # this round is complete: start the next one
            number += 1
        row_id = new_id()
        conn.execute(
            insert(readiness_answers).values(
                id=row_id,
                space_id=member.space_id,
                author_id=member.partner_id,
                round=number,
                answers_ct=vault.seal(member.space_key, payload, _ad(row_id, member.space_id)),
                created_at=stamp,
                updated_at=stamp,
            )
        )
    return number


def _open(member: Member, row) -> Answers:
    data = json.loads(vault.open_text(member.space_key, row.answers_ct, _ad(row.id, row.space_id)))
    return Answers(
        data["green_light"], data["physical"], data["emotional"], data.get("waiting", "")
    )


def rounds(db: Db, member: Member) -> list[Round]:
    """Every check-in round of the space, newest first, as this member may see it."""
    with db.reads.connect() as conn:
        rows = conn.execute(
            select(readiness_answers)
            .where(readiness_answers.c.space_id == member.space_id)
            .order_by(readiness_answers.c.round.desc())
        ).all()
    by_round: dict[int, list] = {}
    for row in rows:
        by_round.setdefault(row.round, []).append(row)

    def one_round(item: tuple[int, list]) -> Round:
        number, group = item
        mine_row = next((r for r in group if r.author_id == member.partner_id), None)
        their_row = next((r for r in group if r.author_id != member.partner_id), None)
        both = mine_row is not None and their_row is not None
        return Round(
            number=number,
            mine=_open(member, mine_row) if mine_row else None,
            theirs=_open(member, their_row) if both else None,
            partner_answered=their_row is not None,
            completed_at=max(mine_row.created_at, their_row.created_at) if both else None,
        )

    return readable.open_all(by_round.items(), one_round)
