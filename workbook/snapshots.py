"""Reads that see one moment of the database: a backup, an export.

Why its own module: every other read block runs on its own (``store.reads_engine``:
no transaction, no extra round trips), which is right for a page. A file made of
many reads needs the opposite, or a partner writing meanwhile lands in one part of
it and not another.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine

from workbook.store import Db


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection whose reads all see one moment of the database, for a backup.

    Why: a backup reads a space's tables one after another. Without one snapshot, a
    partner who joins (or a key that turns) between two of those reads ends up in
    some tables and not others, and the file cannot be restored ("damaged"). On
    PostgreSQL a repeatable-read transaction takes its snapshot at the first read; on
    SQLite (WAL) an explicit read transaction does, and writers are not held up.
    """
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ")
        else:  # pysqlite begins no transaction for a SELECT on its own
            conn.exec_driver_sql("BEGIN")
        yield conn


class _Borrowed:
    """Stands in for an engine: hands out one open connection and never closes it."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self.dialect = conn.dialect
        self.url = conn.engine.url  # Db's repr names it

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        yield self._conn

    def begin(self):
        raise RuntimeError("a snapshot is for reading; a write takes its own transaction")


@contextmanager
def one_snapshot(db: Db) -> Iterator[Db]:
    """``db``, with every read through it seeing one moment (``snapshot``).

    Why: an export is several reads (the journal, the together answers, the exercises,
    the check-ins, the care team), each on its own connection. Passed to the same
    read functions, this makes the file one moment, as a backup is.
    """
    with snapshot(db.engine) as conn:
        view = copy.copy(db)
        view.engine = view.reads = _Borrowed(conn)
        yield view
