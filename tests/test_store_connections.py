"""PostgreSQL round trips (workbook/store.py): a connection the server closed is
replaced without an error, a healthy one is used without asking the server first, and
a page that only reads sends no BEGIN or ROLLBACK."""

from __future__ import annotations

import time

import psycopg
import pytest
from psycopg import pq
from sqlalchemy import create_engine, event, text

from workbook import store

from apphelpers import CHAPTER_PAGES, couple, fresh_install  # noqa: F401 - a fixture

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("target", ["postgres"], indirect=True)
def test_after_the_server_ends_every_connection_the_next_call_still_works(target, postgres):
    engine = store.engine_for(target.url)
    with engine.begin() as conn:
        before = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    admin = create_engine(postgres.url(), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:  # what a restart or a fail-over does to the pool
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": before})
            deadline = time.monotonic() + 10
            while conn.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": before}
            ).scalar_one():
                assert time.monotonic() < deadline, "the backend did not end"
                time.sleep(0.05)
    finally:
        admin.dispose()
    with engine.begin() as conn:  # no error: the closed connection was not handed out
        after = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    assert after != before


@pytest.mark.parametrize("target", ["postgres"], indirect=True)
def test_a_healthy_pooled_connection_is_not_pinged_before_each_use(target, monkeypatch):
    engine = store.engine_for(target.url)
    with engine.begin() as conn:
        conn.execute(text("SELECT 1"))
    statements, cursors = [], []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    real_cursor = psycopg.Connection.cursor

    def counting_cursor(self, *args, **kwargs):
        cursors.append(1)
        return real_cursor(self, *args, **kwargs)

    monkeypatch.setattr(psycopg.Connection, "cursor", counting_cursor)
    for _ in range(20):
        with engine.begin() as conn:
            conn.execute(text("SELECT 1"))
    # every round trip is one of ours: no "SELECT 1" ping before each checkout
    assert len(statements) == 20
    assert len(cursors) == 20


@pytest.mark.parametrize("target", ["postgres"], indirect=True)
@pytest.mark.usefixtures("fresh_install")
def test_a_chapter_page_reads_postgresql_without_a_transaction_round_trip(target, monkeypatch):
    """psycopg sends BEGIN and ROLLBACK as round trips of their own: a page that only
    reads must not pay them (store.reads_engine)."""
    monkeypatch.setenv("WORKBOOK_DATABASE_URL", target.url)
    sam, _alex = couple()
    sam.switch_page(CHAPTER_PAGES[1]).run()
    in_transaction = []

    def record(conn, _cursor, statement, *_args) -> None:
        status = conn.connection.dbapi_connection.info.transaction_status
        in_transaction.append((status != pq.TransactionStatus.IDLE, " ".join(statement.split())))

    engine = store.engine_for(target.url)
    event.listen(engine, "after_cursor_execute", record)
    sam.run()
    assert not sam.exception
    assert in_transaction, "the page read nothing: this test would prove nothing"
    assert [s for inside, s in in_transaction if inside] == []


@pytest.mark.parametrize("target", ["postgres"], indirect=True)
def test_a_write_after_a_read_on_the_same_connection_is_one_transaction(target):
    """A read borrows a pooled connection in autocommit; when the same connection is
    then used for a write, the write must be a real transaction again (atomic)."""
    engine = store.engine_for(target.url)
    engine.pool.dispose()  # one connection in the pool, so the write gets the read's
    with target.db.reads.connect() as conn:
        reader = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        assert conn.connection.dbapi_connection.autocommit
    with engine.begin() as conn:
        writer = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        raw = conn.connection.dbapi_connection
        assert not raw.autocommit
        assert raw.info.transaction_status == pq.TransactionStatus.INTRANS
    assert writer == reader
