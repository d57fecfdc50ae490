"""Migrations keep every row, both ways, on SQLite and PostgreSQL (workbook/store.py).

On SQLite a migration that drops a column rebuilds the table: a copy, then ``DROP
TABLE`` of the old one. With foreign keys on (as every connection of the app has
them), that drop cascaded to every table that points at ``spaces``: going back from
0009, 0006 or 0004 deleted every partner and every answer.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from workbook import journal, spaces, store, tables

from helpers import join, make_space

# Each one rebuilds ``spaces`` on SQLite when it is undone.
BEFORE_THE_SPACE_REBUILDS = "0003"
COUNTED = ("spaces", "partners", "reflections")


def _counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            name: conn.execute(
                select(func.count()).select_from(tables.metadata.tables[name])
            ).scalar_one()
            for name in COUNTED
        }


def _revision(engine) -> str:
    with engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


def test_going_back_past_a_table_rebuild_keeps_every_row(target):
    db = target.db
    sam = make_space(db).member
    alex = join(db, spaces.create_invite(db, sam)).member
    for who, words in ((sam, "Sam's words"), (alex, "Alex's words")):
        journal.save(
            db, who, chapter_id="body", prompt_id="body-own-1", text=words, visibility="shared"
        )
    before = _counts(db.engine)
    assert before == {"spaces": 1, "partners": 2, "reflections": 2}

    store.downgrade(db.engine, BEFORE_THE_SPACE_REBUILDS)
    assert _revision(db.engine) == BEFORE_THE_SPACE_REBUILDS
    assert _counts(db.engine) == before  # all deleted by the cascade before

    store.migrate(db.engine)  # and forward again
    assert _counts(db.engine) == before
    if target.kind == "sqlite":  # the connections the app gets back still check keys
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1


def test_a_migration_that_would_orphan_rows_changes_nothing(target, monkeypatch):
    """A migration that goes wrong (here: one that deletes the space its partners belong
    to) is refused before its commit, and everything it did is undone, its table
    changes included; rows that pointed at nothing before do not stop a migration."""
    from alembic import command

    if target.kind != "sqlite":
        pytest.skip("PostgreSQL checks every foreign key as it goes")
    db = target.db
    make_space(db)
    with db.engine.connect() as conn:  # one row that already points at nothing
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.exec_driver_sql(
            "INSERT INTO invites (id, code_hash, space_id, key_wrap, created_at, expires_at) "
            "VALUES ('i', x'00', 'gone', x'00', '2026-01-01', '2026-01-02')"
        )
        conn.commit()
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
    store.downgrade(db.engine, "0009")  # a migration that leaves it as it was: fine
    store.migrate(db.engine)

    def going_wrong(cfg, revision) -> None:
        conn = cfg.attributes["connection"]
        conn.exec_driver_sql("CREATE TABLE half_done (id TEXT)")
        conn.exec_driver_sql("DELETE FROM spaces")
        conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})

    monkeypatch.setattr(command, "downgrade", going_wrong)
    before = _counts(db.engine)
    with pytest.raises(store.MigrationError, match="nothing was changed"):
        store.downgrade(db.engine, "0009")
    assert _counts(db.engine) == before
    assert _revision(db.engine) == "0010"
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
        names = conn.exec_driver_sql("SELECT name FROM sqlite_master").scalars().all()
    assert "half_done" not in names


def test_a_start_at_the_newest_migration_does_not_wait_for_writers(target):
    """The usual start has nothing to migrate: it neither takes SQLite's write lock nor
    scans the keys, so a process starting while another one writes comes up."""
    if target.kind != "sqlite":
        pytest.skip("PostgreSQL's advisory lock does not stop writers")
    import sqlite3

    writer = sqlite3.connect(target.url.removeprefix("sqlite:///"), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process in the middle of a save
    writer.execute("UPDATE alembic_version SET version_num = version_num")
    try:
        store.migrate(target.db.engine)  # "database is locked" after 5 s before
    finally:
        writer.execute("ROLLBACK")
        writer.close()
