"""Attempts at a secret (passphrase, recovery key, backup file), counted in the database.

The rule (SECURITY.md): five tries are free, then wait 2^(n-5) seconds after the n-th,
at most 15 minutes; a success clears the count. What makes it hold under a burst:

- The attempt is counted BEFORE the slow key derivation runs, in one short
  transaction that starts with an upsert (INSERT ... ON CONFLICT DO UPDATE, on SQLite
  and PostgreSQL alike). The upsert locks the row (PostgreSQL) or takes the write lock
  (SQLite) until commit, so forty requests at once, on one process or several, are
  counted one after another and only the ones the rule allows go on to the KDF.
- Never read-then-insert: the first attempt for a key and a concurrent second one
  cannot both insert (that raised IntegrityError before).
- Rows are keyed by a keyed hash (the sign-in lookup hash, or a purpose-specific one),
  so no name is stored, and they go when the space is deleted.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite

from workbook import text
from workbook.store import Db, now
from workbook.tables import signin_failures

FREE_TRIES = 5
MAX_WAIT_SECONDS = 15 * 60


class Throttled(Exception):
    """Too many recent tries; ``wait_seconds`` says how long, ``str()`` is kind."""

    def __init__(self, wait_seconds: int) -> None:
        super().__init__(text.SLOW_DOWN.format(duration=duration(wait_seconds)))
        self.wait_seconds = wait_seconds


def wait_after(tries: int) -> int:
    """Seconds to wait after ``tries`` counted tries (0 while they are free)."""
    if tries < FREE_TRIES:
        return 0
    return min(2 ** (tries - FREE_TRIES), MAX_WAIT_SECONDS)


def duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = (seconds + 59) // 60
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _lock_row(conn, key: bytes, moment: datetime):
    """Upsert that makes the row exist and locks it; returns (tries, last try)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(signin_failures).values(
        login_hash=key, failures=0, last_failure_at=moment
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[signin_failures.c.login_hash],
        set_={"failures": stmt.excluded.failures + signin_failures.c.failures},
    ).returning(signin_failures.c.failures, signin_failures.c.last_failure_at)
    return conn.execute(stmt).one()


def take_try(db: Db, key: bytes) -> None:
    """Count one try for ``key`` now, or raise Throttled without counting it.

    Call it before the key derivation; call ``clear`` after a success.
    """
    moment = now()
    with db.engine.begin() as conn:
        tries, last = _lock_row(conn, key, moment)
        wait = wait_after(tries)
        # Free tries never wait: two tries at once can commit in the other order than
        # their clocks were read, so ``last`` may lie a moment after ``moment``.
        remaining = int((last + timedelta(seconds=wait) - moment).total_seconds() + 0.999)
        if wait and remaining > 0:
            raise Throttled(remaining)
        conn.execute(
            update(signin_failures)
            .where(signin_failures.c.login_hash == key)
            .values(failures=signin_failures.c.failures + 1, last_failure_at=moment)
        )


def clear(conn, key: bytes) -> None:
    """A success: the count starts again from zero."""
    conn.execute(delete(signin_failures).where(signin_failures.c.login_hash == key))


def forget(conn, keys: Iterable[bytes]) -> None:
    """Drop the rows of these keys (a partner left, or the space was deleted)."""
    keys = list(keys)
    if keys:
        conn.execute(delete(signin_failures).where(signin_failures.c.login_hash.in_(keys)))
