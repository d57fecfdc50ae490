"""Together prompts: each partner answers apart, then both answers are revealed.

The reveal rule is enforced here, on the server, not by the page: no function returns
the other partner's answer until both answers exist (the same kind of control as
Bitwarden's collections; SECURITY.md). Answers are sealed with the space key, because
after the reveal both partners read them; before it, this module simply never opens
or returns the other's row.

The reveal moment is derived, not stored: it is when the second answer was first
saved. An answer changed after that moment is shown as edited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from workbook import drafts, presence, readable, rotation, vault
from workbook import text as messages
from workbook.spaces import Member
from workbook.store import Db, now
from workbook.tables import agreements, together_answers
from workbook.upsert import NewerAnswer, newer_words, upsert_sealed

MAX_CHARS = 20_000


class TogetherError(Exception):
    """An answer or agreement could not be saved; ``str()`` is a kind message."""


@dataclass(frozen=True)
class Answer:
    author_id: str
    text: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Agreement:
    text: str
    author_id: str | None
    updated_at: datetime


@dataclass(frozen=True)
class TogetherState:
    """What one partner may know about one together prompt.

    ``theirs`` is None until both have answered; ``partner_answered`` says only
    whether the other has answered, never what.
    """

    prompt_id: str
    mine: Answer | None
    partner_answered: bool
    theirs: Answer | None
    agreement: Agreement | None

    @property
    def revealed(self) -> bool:
        return self.mine is not None and self.theirs is not None

    @property
    def revealed_at(self) -> datetime | None:
        if not self.revealed:
            return None
        return max(self.mine.created_at, self.theirs.created_at)

    def edited_after_reveal(self, answer: Answer) -> bool:
        return self.revealed_at is not None and answer.updated_at > self.revealed_at


def _ad(row_id: str, space_id: str, table: str = "together_answers") -> bytes:
    return vault.ad(table, "body_ct", row_id, space_id, "shared")


def _clean(text: str) -> str:
    problem = messages.answer_problem(text, MAX_CHARS)
    if problem:
        raise TogetherError(problem)
    return text


def answer(
    db: Db,
    member: Member,
    prompt_id: str,
    text: str,
    draft: drafts.Whose = drafts.ANY_WINDOW,
    keep_newer: bool = False,
) -> Answer:
    """Save or revise the member's own answer to a together prompt (its draft goes in
    the same commit, if it is the saving window's: drafts.retire). ``keep_newer``: as
    in journal.save, a newer answer saved meanwhile is kept (upsert.NewerAnswer)."""
    words, text = text, _clean(text)
    with db.engine.begin() as conn:
        rotation.require_current_key(conn, member, TogetherError)
        newer = newer_words(_own_text(conn, member, prompt_id), words) if keep_newer else None
        if newer is not None:
            raise NewerAnswer(newer)
        stamp = now()
        _, created = upsert_sealed(
            conn,
            together_answers,
            {
                "space_id": member.space_id,
                "prompt_id": prompt_id,
                "author_id": member.partner_id,
            },
            lambda rid: {"body_ct": vault.seal(member.space_key, text, _ad(rid, member.space_id))},
            stamp,
        )
        presence.bump(conn, member)
        drafts.retire(conn, member, prompt_id, draft)  # the words are the answer now
    return Answer(member.partner_id, text, created, stamp)


def withdraw(db: Db, member: Member, prompt_id: str) -> None:
    """Take one's own answer back before the reveal (after it, it can only be edited).

    The space row is locked first (as ``answer`` does), so the partner's answer cannot
    commit between reading "not revealed" and the delete: a reveal the partner may
    already have seen is never undone.
    """
    with db.engine.begin() as conn:
        rotation.require_current_key(conn, member, TogetherError)
        state = _state(conn, member, prompt_id)
        if state.revealed:
            raise TogetherError(
                "You have both answered, so your answer can be changed but not taken back."
            )
        taken = conn.execute(
            delete(together_answers).where(
                together_answers.c.space_id == member.space_id,
                together_answers.c.prompt_id == prompt_id,
                together_answers.c.author_id == member.partner_id,
            )
        ).rowcount
        if taken:  # nothing taken back is no news for the partner
            presence.bump(conn, member)


def _own_text(conn, member: Member, prompt_id: str) -> str | None:
    """The member's saved answer to the prompt; None if there is none or it does not open."""
    row = conn.execute(
        select(together_answers).where(
            together_answers.c.space_id == member.space_id,
            together_answers.c.prompt_id == prompt_id,
            together_answers.c.author_id == member.partner_id,
        )
    ).first()
    if row is None:
        return None
    try:
        return _open(member, row).text
    except readable.UNREADABLE:
        return None


def _open(member: Member, row) -> Answer:
    body = vault.open_text(member.space_key, row.body_ct, _ad(row.id, row.space_id))
    return Answer(row.author_id, body, row.created_at, row.updated_at)


def _states(conn, member: Member, prompt_ids: list[str] | None) -> dict[str, TogetherState]:
    query = select(together_answers).where(together_answers.c.space_id == member.space_id)
    if prompt_ids is not None:
        query = query.where(together_answers.c.prompt_id.in_(prompt_ids))
    rows = conn.execute(query).all()
    by_prompt: dict[str, list] = {}
    for row in rows:
        by_prompt.setdefault(row.prompt_id, []).append(row)
    agreement_rows = conn.execute(
        select(agreements).where(agreements.c.space_id == member.space_id)
    ).all()
    agreed = {r.prompt_id: r for r in agreement_rows}
    result = readable.ReadableMap()
    for prompt_id in prompt_ids if prompt_ids is not None else sorted(by_prompt):
        state, failed = _prompt_state(member, prompt_id, by_prompt.get(prompt_id, []), agreed)
        result[prompt_id] = state
        result.unreadable += failed
    return result


def _prompt_state(
    member: Member, prompt_id: str, rows: list, agreed: dict
) -> tuple[TogetherState, int]:
    """One prompt's state, and how many of its rows could not be opened (shown as absent)."""
    failed = 0

    def attempt(opener):
        nonlocal failed
        try:
            return opener()
        except readable.UNREADABLE:
            failed += 1
            return None

    mine_row = next((r for r in rows if r.author_id == member.partner_id), None)
    their_row = next((r for r in rows if r.author_id != member.partner_id), None)
    mine = attempt(lambda: _open(member, mine_row)) if mine_row else None
    # The rule: the other's answer is opened only when both exist.
    theirs = attempt(lambda: _open(member, their_row)) if (mine and their_row) else None
    agreement = None
    if prompt_id in agreed and theirs is not None:
        a = agreed[prompt_id]
        agreement = attempt(
            lambda: Agreement(
                vault.open_text(member.space_key, a.body_ct, _ad(a.id, a.space_id, "agreements")),
                a.author_id,
                a.updated_at,
            )
        )
    return TogetherState(prompt_id, mine, their_row is not None, theirs, agreement), failed


def _state(conn, member: Member, prompt_id: str) -> TogetherState:
    return _states(conn, member, [prompt_id])[prompt_id]


def states(db: Db, member: Member, prompt_ids: list[str] | None = None) -> dict[str, TogetherState]:
    """The member's view of each together prompt (all answered ones if ids are None)."""
    with db.reads.connect() as conn:
        return _states(conn, member, prompt_ids)


def agree(db: Db, member: Member, prompt_id: str, text: str) -> Agreement:
    """Save what the couple agreed after the reveal; either partner may write or edit it."""
    text = _clean(text)
    with db.engine.begin() as conn:
        rotation.require_current_key(conn, member, TogetherError)
        if not _state(conn, member, prompt_id).revealed:
            raise TogetherError(
                "You can write what you agreed once you have both answered this question."
            )
        stamp = now()
        upsert_sealed(
            conn,
            agreements,
            {"space_id": member.space_id, "prompt_id": prompt_id},
            lambda rid: {
                "author_id": member.partner_id,
                "body_ct": vault.seal(
                    member.space_key, text, _ad(rid, member.space_id, "agreements")
                ),
            },
            stamp,
        )
        presence.bump(conn, member)
    return Agreement(text, member.partner_id, stamp)
