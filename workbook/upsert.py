"""One row per unique key, written race-free: the database decides, never a prior read.

Two tabs (or two processes) saving the same answer at once each used to find no row
and insert one. Here the unique constraint is the referee.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from workbook.store import new_id


class NewerAnswer(Exception):
    """A Save held back: what is saved now is not what the saving window knew.

    Why: with one question open in two windows, a Save of words that are just the
    answer this window last knew would put that older answer back over one saved since
    in the other window; and a "Share" still showing there would share again an answer
    made private in the other window. The write checks inside its own transaction,
    after the space row is locked (``rotation.require_current_key``), so no save can
    land between the check and the write. ``text``: the newer words (None if the words
    were not the reason); ``visibility``: who can see the answer now, if that was.
    """

    def __init__(self, text: str | None, visibility: str | None = None) -> None:
        super().__init__("a newer answer was saved")
        self.text = text
        self.visibility = visibility


def newer_words(saved: str | None, words: str) -> str | None:
    """The saved words if they are not ``words``; None if they are, if there are none,
    or if they cannot be opened (None), so that the Save goes ahead."""
    return saved if saved is not None and saved != words else None


def upsert_sealed(
    conn: Connection,
    table: Table,
    unique: dict[str, Any],
    values_for: Callable[[str], dict[str, Any]],
    stamp: datetime,
) -> tuple[str, datetime]:
    """Insert the one row with these ``unique`` values, or update it if it exists.

    Race-free on both databases: "insert unless present" (the unique constraint
    decides; PostgreSQL waits for a concurrent insert to commit, SQLite's writer lock
    orders them), then, only if a row was there, lock it and update it. Never
    read-then-insert. ``values_for(row_id)`` gives the columns to write, so a
    ciphertext is sealed for the id of the row it lands in (its associated data).
    Returns the row's id and its creation time.
    """
    row_id = new_id()
    dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    added = conn.execute(
        dialect_insert(table)
        .values(id=row_id, **unique, **values_for(row_id), created_at=stamp, updated_at=stamp)
        .on_conflict_do_nothing(index_elements=list(unique))
        .returning(table.c.id)
    ).first()
    if added is not None:  # (rowcount is not reliable for an INSERT on every driver)
        return row_id, stamp
    where = [table.c[name] == value for name, value in unique.items()]
    query = select(table.c.id, table.c.created_at).where(*where)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    existing = conn.execute(query).one()
    conn.execute(
        update(table)
        .where(table.c.id == existing.id)
        .values(**values_for(existing.id), updated_at=stamp)
    )
    return existing.id, existing.created_at
