"""The partner is present: a cheap way for an open page to notice the other's news.

Every change a partner could see (a together answer, an agreement, a reflection, a
check-in, an exercise) bumps ``spaces.revision`` and the writer's own
``partners.changes`` in the same transaction. An open page polls the two every few
seconds and reruns only when the revision moved, so nothing is decrypted while nothing
changed; the partner's count says whether the news is the partner's or this person's
own, from another tab. The counters say only that something changed, never what: no
more than the rows' own updated_at times show.

``statuses`` reads what Today needs from metadata alone (which prompts have an
answer, by whom), without opening any ciphertext.
"""

from __future__ import annotations

import json

from sqlalchemy import bindparam, func, select, update

from workbook import preferences
from workbook.spaces import Member
from workbook.store import Db
from workbook.tables import agreements, partners, reflections, spaces, together_answers
from workbook.today import TogetherStatus


def bump(conn, member: Member) -> None:
    """Mark the space as changed by ``member`` (call inside the writing transaction)."""
    conn.execute(
        update(spaces).where(spaces.c.id == member.space_id).values(revision=spaces.c.revision + 1)
    )
    conn.execute(
        update(partners)
        .where(partners.c.id == member.partner_id)
        .values(changes=partners.c.changes + 1)
    )


# Built once: the poll runs every few seconds on every open page.
_LATEST = select(
    spaces.c.revision,
    select(func.coalesce(func.sum(partners.c.changes), 0))
    .where(partners.c.space_id == bindparam("space"), partners.c.id != bindparam("me"))
    .scalar_subquery(),
).where(spaces.c.id == bindparam("space"))


def latest(db: Db, member: Member) -> tuple[int, int] | None:
    """(the space's revision, the other partner's count of changes); None once the
    space is gone. One statement, a primary-key lookup and the space's partner rows."""
    with db.reads.connect() as conn:
        row = conn.execute(_LATEST, {"space": member.space_id, "me": member.partner_id}).first()
    return None if row is None else (row[0], int(row[1]))


# Built once, like _LATEST: Today and every chapter page read them on each run.
_OWN_ANSWERED = select(reflections.c.prompt_id).where(
    reflections.c.space_id == bindparam("space"), reflections.c.author_id == bindparam("me")
)
_TOGETHER_AUTHORS = select(together_answers.c.prompt_id, together_answers.c.author_id).where(
    together_answers.c.space_id == bindparam("space")
)
_AGREED = select(agreements.c.prompt_id).where(agreements.c.space_id == bindparam("space"))


def statuses(db: Db, member: Member) -> tuple[set[str], dict[str, TogetherStatus]]:
    """(ids of the member's own answered prompts, status of every together prompt)."""
    ids = {"space": member.space_id, "me": member.partner_id}
    with db.reads.connect() as conn:
        own_ids = set(conn.execute(_OWN_ANSWERED, ids).scalars())
        rows = conn.execute(_TOGETHER_AUTHORS, ids).all()
        agreed = set(conn.execute(_AGREED, ids).scalars())
    mine: set[str] = set()
    theirs: set[str] = set()
    for prompt_id, author_id in rows:
        (mine if author_id == member.partner_id else theirs).add(prompt_id)
    return own_ids, {
        p: TogetherStatus(p in mine, p in theirs, p in agreed) for p in mine | theirs | agreed
    }


OPENED = "opened"


def opened(db: Db, member: Member) -> set[str]:
    """Together prompts this partner has opened (read side by side) at least once.

    Kept in the partner's own encrypted preferences, so a reveal waits for each of you
    until you have opened it, even if your partner already wrote what you agreed.
    """
    return _opened_in(preferences.load(db, member))


def _opened_in(prefs: dict[str, str]) -> set[str]:
    try:
        return set(json.loads(prefs.get(OPENED, "[]")))
    except (TypeError, ValueError):
        return set()


def mark_opened(db: Db, member: Member, prompt_id: str) -> set[str]:
    """Remember one more opened reveal; added inside the write, so two tabs opening two
    reveals at once keep both."""

    def add(prefs: dict[str, str]) -> dict[str, str]:
        return {**prefs, OPENED: json.dumps(sorted(_opened_in(prefs) | {prompt_id}))}

    return _opened_in(preferences.change(db, member, add))
