"""Reflections: a partner's saved answers to the workbook's prompts.

Private reflections are sealed with the author's own private key, shared ones with the
space key; the associated data includes the visibility, so a ciphertext flipped from
private to shared in the database no longer opens. Every read is filtered by space
and by "mine or shared" in SQL, and only then decrypted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update

from workbook import drafts, presence, readable, rotation, sealed
from workbook import text as messages
from workbook.spaces import Member
from workbook.store import Db, now
from workbook.tables import reflections
from workbook.upsert import NewerAnswer, newer_words, upsert_sealed
from workbook.vault import VaultError

PRIVATE, SHARED = sealed.PRIVATE, sealed.SHARED
TABLE, COLUMN = "reflections", "body_ct"
MAX_CHARS = 20_000


EDIT_DRAFT = "edit:"


def edit_draft_id(prompt_id: str, reflection_id: str) -> str:
    """The draft key of changes typed in an entry and not saved yet.

    Why: words typed into an entry's edit box are kept as a draft like an answer's
    (encrypted, one row per partner and key), so a reload, a lock, a sign-out or a
    crash does not cost them. Saving or deleting the entry takes the draft with it.
    The question is in the key so that words typed for an entry deleted meanwhile (in
    another window) can still go to its question (``edit_draft_parts``).
    """
    return f"{EDIT_DRAFT}{prompt_id}:{reflection_id}"


def edit_draft_parts(draft_id: str) -> tuple[str, str] | None:
    """The question and entry ids of an ``edit_draft_id``; None for any other draft."""
    if not draft_id.startswith(EDIT_DRAFT):
        return None
    prompt_id, _, reflection_id = draft_id.removeprefix(EDIT_DRAFT).rpartition(":")
    return (prompt_id, reflection_id) if prompt_id and reflection_id else None


class JournalError(Exception):
    """A reflection could not be saved or changed; ``str()`` is a kind message."""


@dataclass(frozen=True)
class Reflection:
    id: str
    author_id: str
    chapter_id: str
    prompt_id: str
    visibility: str
    text: str
    created_at: datetime
    updated_at: datetime

    @property
    def edited(self) -> bool:
        return self.updated_at > self.created_at


def _clean(text: str) -> str:
    problem = messages.answer_problem(text, MAX_CHARS)
    if problem:
        raise JournalError(problem)
    return text


def _visible_to(member: Member):
    return sealed.visible_to(reflections, member)


def _decrypt(member: Member, row) -> Reflection:
    body = sealed.open_field(member, TABLE, COLUMN, row)
    return Reflection(
        row.id,
        row.author_id,
        row.chapter_id,
        row.prompt_id,
        row.visibility,
        body,
        row.created_at,
        row.updated_at,
    )


def _text_or_none(member: Member, row) -> str | None:
    """The row's words, or None if they do not open with this member's keys."""
    try:
        return sealed.open_field(member, TABLE, COLUMN, row)
    except readable.UNREADABLE:
        return None


def _bump_if_seen(conn, member: Member, *visibilities: str | None) -> None:
    """Tell the partner's open page only of a change they can see.

    A private answer saved, edited or deleted must not make the other partner's
    screen say "something new from your partner": that would show when and how often
    the other writes privately.
    """
    if SHARED in visibilities:
        presence.bump(conn, member)


def save(
    db: Db,
    member: Member,
    *,
    chapter_id: str,
    prompt_id: str,
    text: str,
    visibility: str,
    draft: drafts.Whose = drafts.ANY_WINDOW,
    keep_newer: bool = False,
    keep_private: bool = False,
) -> Reflection:
    """Save the member's answer to a prompt: one answer per partner per prompt.

    Saving again replaces the text (and may change who can see it), keeping the
    created time. The partner's draft of this answer goes in the same commit, if it is
    the saving window's (``draft``, drafts.retire). Nothing is written, and
    upsert.NewerAnswer says what is saved now, if ``keep_newer`` (the words are what
    the saving window knew as the saved answer) and other words are saved now, or if
    ``keep_private`` (the window shares because the answer was shared when it last
    knew) and the answer is private now.
    """
    sealed.check_visibility(visibility)
    words, text = text, _clean(text)
    with db.engine.begin() as conn:
        rotation.require_current_key(conn, member, JournalError)
        mine = conn.execute(
            select(reflections).where(
                reflections.c.space_id == member.space_id,
                reflections.c.author_id == member.partner_id,
                reflections.c.prompt_id == prompt_id,
            )
        ).first()
        if mine is not None:
            newer = newer_words(_text_or_none(member, mine), words) if keep_newer else None
            private_now = keep_private and mine.visibility == PRIVATE
            if newer is not None or private_now:
                raise NewerAnswer(newer, PRIVATE if private_now else None)
        # Only for the partner's "something new" poll: a private answer tells them nothing.
        before = mine.visibility if mine is not None else None
        stamp = now()
        row_id, created = upsert_sealed(
            conn,
            reflections,
            {
                "space_id": member.space_id,
                "author_id": member.partner_id,
                "prompt_id": prompt_id,
            },
            lambda rid: {
                "chapter_id": chapter_id,
                "visibility": visibility,
                "body_ct": sealed.seal(member, TABLE, COLUMN, rid, visibility, text),
            },
            stamp,
        )
        _bump_if_seen(conn, member, before, visibility)
        drafts.retire(conn, member, prompt_id, draft)  # the words are the answer now
    return Reflection(
        row_id, member.partner_id, chapter_id, prompt_id, visibility, text, created, stamp
    )


def visible(db: Db, member: Member, *, chapter_id: str | None = None) -> list[Reflection]:
    """Everything the member may read: their own entries and the shared ones, newest first."""
    query = select(reflections).where(_visible_to(member))
    if chapter_id is not None:
        query = query.where(reflections.c.chapter_id == chapter_id)
    with db.reads.connect() as conn:
        rows = conn.execute(query.order_by(reflections.c.updated_at.desc(), reflections.c.id)).all()
    return readable.open_all(rows, lambda row: _decrypt(member, row))


@dataclass(frozen=True)
class SharedLately:
    """That the partner shared an answer, where and when, and whether it opens with
    this member's keys: never its words."""

    chapter_id: str
    updated_at: datetime
    readable: bool = True


def shared_lately(db: Db, member: Member, limit: int) -> list[SharedLately]:
    """The partner's latest shared answers, newest first, with no words.

    Where you are shows only the chapter and the time of each, and says so when one
    cannot be opened (it must not point to words nobody can read). Only these few are
    opened, to tell; reading and decrypting every entry cost that page 30 ms a run
    with 1,000 entries (make bench).
    """
    with db.reads.connect() as conn:
        rows = conn.execute(shared_lately_query(member, limit)).all()
    return [SharedLately(r.chapter_id, r.updated_at, _opens(member, r)) for r in rows]


def _opens(member: Member, row) -> bool:
    try:
        _decrypt(member, row)
    except readable.UNREADABLE:
        return False
    return True


def shared_lately_query(member: Member, limit: int):
    """The query of ``shared_lately`` (``make bench`` shows SQLite's plan for it)."""
    return (
        select(reflections)
        .where(_visible_to(member), reflections.c.author_id != member.partner_id)
        .order_by(reflections.c.updated_at.desc(), reflections.c.id)
        .limit(limit)
    )


def get(db: Db, member: Member, reflection_id: str) -> Reflection:
    with db.reads.connect() as conn:
        row = conn.execute(
            select(reflections).where(reflections.c.id == reflection_id, _visible_to(member))
        ).first()
    if row is None:
        raise JournalError(messages.GONE)
    try:
        return _decrypt(member, row)
    except readable.UNREADABLE as exc:
        raise JournalError(messages.ENTRY_UNREADABLE) from exc


def _own_row(conn, member: Member, reflection_id: str):
    row = sealed.own_row(conn, reflections, member, reflection_id)
    if row is None:
        raise JournalError(messages.NOT_YOURS)
    return row


def edit(
    db: Db,
    member: Member,
    reflection_id: str,
    text: str,
    draft: drafts.Whose = drafts.ANY_WINDOW,
    keep_newer: bool = False,
) -> Reflection:
    """Change the text of one of the member's own entries (its edit draft goes with it
    if it is the saving window's, as in ``save``). ``keep_newer``: the words are the
    entry as the saving window showed it; other words saved since stay (NewerAnswer)."""
    words, text = text, _clean(text)
    with db.engine.begin() as conn:
        rotation.require_current_key(conn, member, JournalError)
        row = _own_row(conn, member, reflection_id)
        newer = newer_words(_text_or_none(member, row), words) if keep_newer else None
        if newer is not None:
            raise NewerAnswer(newer)
        stamp = now()
        conn.execute(
            update(reflections)
            .where(reflections.c.id == row.id)
            .values(
                body_ct=sealed.seal(member, TABLE, COLUMN, row.id, row.visibility, text),
                updated_at=stamp,
            )
        )
        _bump_if_seen(conn, member, row.visibility)
        drafts.retire(conn, member, edit_draft_id(row.prompt_id, row.id), draft)  # saved now
    return Reflection(
        row.id,
        row.author_id,
        row.chapter_id,
        row.prompt_id,
        row.visibility,
        text,
        row.created_at,
        stamp,
    )


def set_visibility(db: Db, member: Member, reflection_id: str, visibility: str) -> Reflection:
    """Share or unshare one's own entry: re-sealed under the other key in one transaction."""
    with db.engine.begin() as conn:
        rotation.require_current_key(conn, member, JournalError)
        row = _own_row(conn, member, reflection_id)
        text = sealed.change_visibility(conn, member, reflections, COLUMN, row, visibility)
        _bump_if_seen(conn, member, row.visibility, visibility)
    return Reflection(
        row.id,
        row.author_id,
        row.chapter_id,
        row.prompt_id,
        visibility,
        text,
        row.created_at,
        row.updated_at,
    )


def remove(db: Db, member: Member, reflection_id: str) -> None:
    """Delete one of the member's own entries for good (secure_delete overwrites it)."""
    with db.engine.begin() as conn:
        row = _own_row(conn, member, reflection_id)
        conn.execute(delete(reflections).where(reflections.c.id == reflection_id))
        _bump_if_seen(conn, member, row.visibility)
        drafts.retire(conn, member, edit_draft_id(row.prompt_id, row.id))  # changes go too


__all__ = [
    "PRIVATE",
    "SHARED",
    "JournalError",
    "Reflection",
    "SharedLately",
    "VaultError",
    "edit",
    "edit_draft_id",
    "edit_draft_parts",
    "get",
    "remove",
    "save",
    "set_visibility",
    "shared_lately",
    "visible",
]
