"""Where a couple is in the workbook: counts per chapter and partner, and one next step.

Counts come from metadata (which prompts have an answer, by whom), never from opening
anything private. A partner is shown only counts of what was shared with them: how many
private answers the other wrote is not theirs to know, even though an operator could
count the rows. No streaks, no scores, and one gentle suggestion.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, insert, or_, select

from workbook import presence, readable, rotation, sealed, vault
from workbook.content import Chapter, Workbook
from workbook.spaces import Member, Partner
from workbook.store import Db, new_id, now
from workbook.tables import exercises_done, reflections, together_answers
from workbook.together import TogetherState

MAX_NOTE = 2_000


@dataclass(frozen=True)
class ExerciseNote:
    author_id: str
    note: str
    created_at: datetime  # exports and the therapy summary date the note by it


@dataclass
class ChapterProgress:
    chapter: Chapter
    own_answered: dict[str, int] = field(default_factory=dict)
    together_answered: dict[str, int] = field(default_factory=dict)
    together_revealed: int = 0
    waiting_on_me: list[str] = field(default_factory=list)
    waiting_on_partner: list[str] = field(default_factory=list)
    unagreed: list[str] = field(default_factory=list)
    exercise: dict[str, ExerciseNote] = field(default_factory=dict)


def _ad(row_id: str, space_id: str) -> bytes:
    return vault.ad("exercises_done", "note_ct", row_id, space_id, "shared")


def mark_exercise_done(db: Db, member: Member, chapter_id: str, note: str = "") -> None:
    """Mark this week's exercise done, with an optional short note both partners can read."""
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise ValueError(f"Please keep the note under {MAX_NOTE:,} characters.")
    with db.engine.begin() as conn:
        rotation.require_current_key(conn, member, ValueError)
        conn.execute(
            delete(exercises_done).where(
                exercises_done.c.space_id == member.space_id,
                exercises_done.c.chapter_id == chapter_id,
                exercises_done.c.author_id == member.partner_id,
            )
        )
        row_id = new_id()
        conn.execute(
            insert(exercises_done).values(
                id=row_id,
                space_id=member.space_id,
                author_id=member.partner_id,
                chapter_id=chapter_id,
                note_ct=vault.seal(member.space_key, note, _ad(row_id, member.space_id)),
                created_at=now(),
            )
        )
        presence.bump(conn, member)


def unmark_exercise(db: Db, member: Member, chapter_id: str) -> None:
    with db.engine.begin() as conn:
        # First, as every write does: the space row, then the partner's own row (bump).
        rotation.require_current_key(conn, member, ValueError)
        conn.execute(
            delete(exercises_done).where(
                exercises_done.c.space_id == member.space_id,
                exercises_done.c.chapter_id == chapter_id,
                exercises_done.c.author_id == member.partner_id,
            )
        )
        presence.bump(conn, member)


def exercises(
    db: Db, member: Member, chapter_id: str | None = None
) -> list[tuple[str, ExerciseNote]]:
    """(chapter id, note) for every exercise marked done in the space."""
    query = select(exercises_done).where(exercises_done.c.space_id == member.space_id)
    if chapter_id is not None:
        query = query.where(exercises_done.c.chapter_id == chapter_id)
    with db.reads.connect() as conn:
        rows = conn.execute(query).all()
    return readable.open_all(
        rows,
        lambda r: (
            r.chapter_id,
            ExerciseNote(
                r.author_id,
                vault.open_text(member.space_key, r.note_ct, _ad(r.id, r.space_id)),
                r.created_at,
            ),
        ),
    )


def summary(
    db: Db, member: Member, book: Workbook, states: dict[str, TogetherState]
) -> list[ChapterProgress]:
    """Per chapter and per partner: what is done and what waits on whom."""
    with db.reads.connect() as conn:
        own = conn.execute(
            select(reflections.c.author_id, reflections.c.prompt_id, func.count())
            .where(
                reflections.c.space_id == member.space_id,
                # A partner's private answers are theirs alone, even as a number.
                or_(
                    reflections.c.author_id == member.partner_id,
                    reflections.c.visibility == sealed.SHARED,
                ),
            )
            .group_by(reflections.c.author_id, reflections.c.prompt_id)
        ).all()
        together = conn.execute(
            select(together_answers.c.author_id, together_answers.c.prompt_id).where(
                together_answers.c.space_id == member.space_id
            )
        ).all()
    done = exercises(db, member)
    result = []
    for chapter in book.chapters:
        progress = ChapterProgress(chapter)
        own_ids = {p.id for p in chapter.prompts}
        together_ids = [t.id for t in chapter.together]
        for author_id, prompt_id, _ in own:
            if prompt_id in own_ids:
                progress.own_answered[author_id] = progress.own_answered.get(author_id, 0) + 1
        for author_id, prompt_id in together:
            if prompt_id in together_ids:
                progress.together_answered[author_id] = (
                    progress.together_answered.get(author_id, 0) + 1
                )
        for prompt_id in together_ids:
            state = states.get(prompt_id)
            if state is None:
                continue
            if state.revealed:
                progress.together_revealed += 1
                if state.agreement is None:
                    progress.unagreed.append(prompt_id)
            elif state.partner_answered and state.mine is None:
                progress.waiting_on_me.append(prompt_id)
            elif state.mine is not None and not state.partner_answered:
                progress.waiting_on_partner.append(prompt_id)
        for chapter_id, note in done:
            if chapter_id == chapter.id:
                progress.exercise[note.author_id] = note
        result.append(progress)
    return result


@dataclass(frozen=True)
class NextStep:
    text: str
    chapter_number: int | None  # the chapter page to open, if any


def next_step(
    member: Member,
    partners: list[Partner],
    progress: list[ChapterProgress],
    opened: Collection[str] = (),
) -> NextStep:
    """One gentle suggestion; never a demand, and waiting is always fine. ``opened``:
    together questions this partner has read side by side, never suggested again."""
    others = [p for p in partners if p.id != member.partner_id]
    for p in progress:
        if p.waiting_on_me:
            name = others[0].name if others else "Your partner"
            return NextStep(
                f"{name} has answered a together question in chapter {p.chapter.number}. "
                "When you feel ready, you can answer it too, and then you will see both answers.",
                p.chapter.number,
            )
    for p in progress:
        if any(prompt_id not in opened for prompt_id in p.unagreed):
            return NextStep(
                f"You have both answered a together question in chapter {p.chapter.number}. "
                "Read your answers side by side when you are ready, and note what you agree.",
                p.chapter.number,
            )
    for p in progress:
        mine = p.own_answered.get(member.partner_id, 0)
        if mine < len(p.chapter.prompts):
            return NextStep(
                f"You could carry on with chapter {p.chapter.number}, "
                f"\u201c{p.chapter.title}\u201d, whenever you feel able.",
                p.chapter.number,
            )
    if not others:
        return NextStep("When you are ready, you can invite your partner from Your space.", None)
    return NextStep(
        "You have been through every chapter. You can come back to any of it, "
        "or to the check-ins, whenever you like.",
        None,
    )
