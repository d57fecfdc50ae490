"""Drafts: what a signed-in partner has typed but not saved, kept so nothing is lost.

A reload, a crash, a sign-out or a timeout must never cost a person their words. Each
draft is one row per partner and prompt (the primary key), written with an upsert so
two tabs or two processes never make duplicates, and sealed with the partner's private
key like a private entry: the other partner and the database see only that a draft
exists for a prompt. A draft is deleted when its answer is saved.

One row per prompt, but a person may have the same question open in two windows. A
window deletes only the draft it wrote or found (``written_at``, the row's time as this
window last saw it): a Save in one window leaves words typed since in the other, which
would otherwise be gone after that window's next reload.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from workbook import vault
from workbook.spaces import Member
from workbook.store import Db, now
from workbook.tables import drafts

# A draft is never cut: words past the answer limit (20,000) are kept whole, so the
# person can split them into two answers after a reload. Only a paste past this bound
# is not stored (the earlier draft stays, and the words stay on screen).
MAX_CHARS = 80_000
MAX_KEY = 120


class DraftTooLong(ValueError):
    """Too long to keep as a draft; nothing was stored and nothing was cut."""


class Kept(NamedTuple):
    words: str
    written_at: datetime  # the row's time: what a window passes back to delete it


class AnyWindow:
    """Whose draft to delete: whoever wrote it (the entry itself is gone, or a caller
    that does not track windows)."""


ANY_WINDOW = AnyWindow()
# When this window last wrote or read the draft; None: it never did, so a draft that
# exists is another window's.
Whose = datetime | None | AnyWindow


def _ad(member: Member, prompt_id: str) -> bytes:
    return vault.ad("drafts", "body_ct", prompt_id, member.space_id, member.partner_id)


def save(
    db: Db, member: Member, prompt_id: str, words: str, whose: Whose = ANY_WINDOW
) -> datetime | None:
    """Keep (or replace) this partner's draft for one prompt, and return the time it
    was stored under (the window's mark for it). Empty words delete the draft
    ``whose`` says is this window's, and return None."""
    if len(prompt_id) > MAX_KEY:
        raise ValueError("prompt id too long for a draft")
    if not words.strip():
        discard(db, member, prompt_id, whose)
        return None
    if len(words) > MAX_CHARS:
        raise DraftTooLong(f"a draft keeps at most {MAX_CHARS} characters")
    stamp = now()
    values = {
        "partner_id": member.partner_id,
        "prompt_id": prompt_id,
        "space_id": member.space_id,
        "body_ct": vault.seal(member.private_key, words, _ad(member, prompt_id)),
        "updated_at": stamp,
    }
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(drafts).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[drafts.c.partner_id, drafts.c.prompt_id],
        set_={"body_ct": statement.excluded.body_ct, "updated_at": statement.excluded.updated_at},
    )
    with db.engine.begin() as conn:
        conn.execute(statement)
    return stamp


def load(db: Db, member: Member) -> dict[str, str]:
    """Every draft of this partner, by prompt id (``load_marked`` without the times)."""
    return {prompt_id: kept.words for prompt_id, kept in load_marked(db, member).items()}


def load_marked(db: Db, member: Member) -> dict[str, Kept]:
    """Every draft of this partner, by prompt id, with the time a window needs to
    delete it later. A draft that cannot be opened (an old key) is skipped rather
    than failing the sign-in."""
    with db.reads.connect() as conn:
        rows = conn.execute(
            select(drafts.c.prompt_id, drafts.c.body_ct, drafts.c.updated_at).where(
                drafts.c.partner_id == member.partner_id,
                drafts.c.space_id == member.space_id,
            )
        ).all()
    found: dict[str, Kept] = {}
    for prompt_id, body_ct, written_at in rows:
        try:
            words = vault.open_text(member.private_key, body_ct, _ad(member, prompt_id))
        except vault.VaultError:
            continue
        found[prompt_id] = Kept(words, written_at)
    return found


def discard(db: Db, member: Member, prompt_id: str, whose: Whose = ANY_WINDOW) -> None:
    """Delete one draft (its answer was saved, or the words were cleared)."""
    with db.engine.begin() as conn:
        retire(conn, member, prompt_id, whose)


def retire(conn, member: Member, prompt_id: str, whose: Whose = ANY_WINDOW) -> None:
    """Delete one draft inside the caller's transaction: the answer's own write takes
    its draft with it, in one commit, so the two never both stand.

    ``whose``: the row's time as the saving window last wrote or read it. A draft
    stored since by another window of the same person holds words this save does
    not, so it stays; None (this window never kept a draft of it) deletes nothing.
    """
    if whose is None:
        return
    where = [drafts.c.partner_id == member.partner_id, drafts.c.prompt_id == prompt_id]
    if isinstance(whose, datetime):
        where.append(drafts.c.updated_at == whose)
    conn.execute(delete(drafts).where(*where))


def discard_all(db: Db, member: Member) -> None:
    """Delete every draft of this partner (for "delete what I wrote")."""
    with db.engine.begin() as conn:
        conn.execute(delete(drafts).where(drafts.c.partner_id == member.partner_id))
