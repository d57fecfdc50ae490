"""The database engine (SQLAlchemy Core): SQLite by default, PostgreSQL by URL.

The tables, and which of their columns are ciphertext, are in ``workbook/tables.py``.
The schema is created and upgraded by Alembic migrations in ``workbook/migrations``,
run once per process on start, so a later release upgrades an existing database
without losing anything.
"""

from __future__ import annotations

import fcntl
import select
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    Engine,
    create_engine,
    event,
    exc,
    text,
)


def new_id() -> str:
    return str(uuid.uuid4())


def now() -> datetime:
    """The current time in UTC, without tzinfo, as every table stores it."""
    return datetime.now(UTC).replace(tzinfo=None)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers and one writer work at once; FULL makes an acknowledged save
    # survive a power cut; secure_delete overwrites deleted rows instead of leaving
    # their bytes in the file.
    cur = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "synchronous=FULL",
        "busy_timeout=5000",
        "foreign_keys=ON",
        "secure_delete=ON",
    ):
        cur.execute(f"PRAGMA {pragma}")
    cur.close()


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def engine_for(url: str) -> Engine:
    """One engine per database URL for the whole process, migrated on first use.

    Engines hold no user data, so sharing them between sessions is safe; each call
    then takes a short ``with engine.begin()`` transaction of its own.
    """
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _make_engine(url)
            migrate(engine)
            _engines[url] = engine
        return engine


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 5})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(
        url, pool_size=5, max_overflow=10, connect_args={"connect_timeout": 10, **KEEPALIVES}
    )
    event.listen(engine, "checkout", _still_connected)
    return engine


# TCP keepalives (libpq's settings): a connection dropped without a word (a host that
# went away, a NAT or load balancer that forgot it) turns into a socket error within
# about a minute of idling, which _still_connected then sees.
KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
}


def _still_connected(dbapi_connection, _record, _proxy) -> None:
    """Hand out a pooled PostgreSQL connection only if the server still has it open.

    Why not SQLAlchemy's ``pool_pre_ping``: it asks the server (``SELECT 1``) at every
    checkout, about a third of a page run's round trips, and on a busy machine each
    round trip costs a page a millisecond or more of waiting for the core and the
    interpreter. A server that ends a connection (a restart, ``pg_terminate_backend``,
    an idle timeout) says so and closes the socket, and a peer gone silent is found by
    the keepalives above, so an idle connection with something to read or an error on
    its socket is the one worth asking about; one with nothing is used as it is.
    Asking and failing discards it, and the pool tries a fresh connection instead.
    What neither catches, a connection lost in the last half minute without a word,
    fails its first statement: that one click fails, and SQLAlchemy then replaces the
    pool's connections (``pool_pre_ping`` would have found some of these).
    """
    try:
        poller = select.poll()
        poller.register(dbapi_connection.fileno(), select.POLLIN | select.POLLPRI)
        if not poller.poll(0):
            return
        with dbapi_connection.cursor() as cur:
            cur.execute("SELECT 1")
        dbapi_connection.rollback()
    except Exception as error:  # whatever it was, this connection is not to be used
        raise exc.DisconnectionError(f"connection closed by the server: {error}") from error


# Any fixed number: the key of the PostgreSQL advisory lock that serialises migrations.
MIGRATION_LOCK_KEY = 0x776F726B626F6F6B  # "workbook"


def migrate(engine: Engine) -> None:
    """Bring the schema up to the newest migration (creates it on an empty database).

    Under a database-wide lock, so processes starting at the same moment on a fresh
    database take turns instead of racing to create the same tables: a transaction
    advisory lock on PostgreSQL (released at commit), a file lock beside SQLite's file.
    """
    from alembic import command

    if _at_head(engine):  # the usual start: no lock, no scan, nothing to do
        return
    with _migrating(engine) as cfg:
        command.upgrade(cfg, "head")


def _config():
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    return cfg


def _at_head(engine: Engine) -> bool:
    """Whether the schema is at the newest migration already (read without a lock)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision() == head


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema back to ``revision`` (after a release is rolled back), keeping
    every row; a column a later migration added goes, with what it held."""
    from alembic import command

    with _migrating(engine) as cfg:
        command.downgrade(cfg, revision)


class MigrationError(RuntimeError):
    """A migration would leave rows pointing at rows that are not there."""


@contextmanager
def _migrating(engine: Engine) -> Iterator[object]:
    """Alembic's configuration on one connection, in one transaction, under the lock.

    On SQLite, foreign keys are off while the migrations run: a migration that drops a
    column rebuilds the table (copy, ``DROP TABLE``, rename), and with them on, the drop
    of ``spaces`` cascaded and deleted every partner and answer. The keys are checked
    before the commit instead, and turned on again before the connection goes back to
    the pool. SQLite changes the setting only outside a transaction, hence the order.
    """
    cfg = _config()
    with _sqlite_file_lock(engine), engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        try:
            with conn.begin():
                if sqlite:  # Python's sqlite3 opens no transaction for DDL by itself
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                if conn.dialect.name == "postgresql":
                    conn.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
                    )
                cfg.attributes["connection"] = conn
                dangling = _dangling(conn) if sqlite else Counter()
                yield cfg
                if sqlite and _dangling(conn) - dangling:  # more than there were before
                    raise MigrationError(
                        "The migration would leave rows that point at rows that are not "
                        "there, so nothing was changed. Keep this version running and "
                        "report it (PRAGMA foreign_key_check lists the rows)."
                    )
        finally:
            if sqlite:
                _keys_on_again(conn)


def _keys_on_again(conn) -> None:
    """Foreign keys on again before the connection goes back to the pool; a connection
    where that did not take (a transaction still open in SQLite) is thrown away."""
    try:
        conn.rollback()  # nothing is open here; makes sure of it
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        on = conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one()
        conn.commit()
    except Exception:
        conn.invalidate()
        raise
    if on != 1:
        conn.invalidate()


def _dangling(conn) -> Counter[tuple[str, str]]:
    """How many rows of each table point at no row of each parent table (SQLite).

    Counted, not listed by rowid: a rebuilt table numbers its rows afresh."""
    return Counter((row[0], row[2]) for row in conn.exec_driver_sql("PRAGMA foreign_key_check"))


@contextmanager
def _sqlite_file_lock(engine: Engine) -> Iterator[None]:
    """An exclusive lock on ``<database file>.lock`` while SQLite migrates (no-op otherwise)."""
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if not path or path == ":memory:":
        yield
        return
    with open(f"{path}.lock", "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def dispose_all() -> None:
    """Close every cached engine (tests use it between databases)."""
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


def reads_engine(engine: Engine) -> Engine:
    """The engine for blocks that only read: on PostgreSQL, each statement on its own.

    Why: psycopg begins a transaction with a round trip of its own (``BEGIN``) and a
    read block ends with another (``ROLLBACK``), so a page's seven or eight short
    reads cost three times the round trips they need, each a wait for the server and
    then for the interpreter on a busy machine. Nothing a read block sees changes:
    under PostgreSQL's default isolation (read committed) every statement of a
    transaction takes its own snapshot anyway, and SQLite's driver never begins a
    transaction for a SELECT, so there this is the engine itself. Writes keep
    ``engine.begin()``; a backup, which reads every table, reads in one ``snapshot``.
    """
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="AUTOCOMMIT")
    return engine


class Db:
    """What every workbook call needs: the engine, the instance secret and KDF cost.

    Built once per process from Settings (``open_db``); holds no user data.
    """

    def __init__(self, engine: Engine, pepper: bytes, kdf) -> None:
        self.engine = engine
        self.reads = reads_engine(engine)
        self.pepper = pepper
        self.kdf = kdf

    def __repr__(self) -> str:  # keep the pepper out of logs and error pages
        return f"Db({self.engine.url.render_as_string(hide_password=True)})"


def open_db(settings) -> Db:
    """The database, migrated and checked against this process's instance secret."""
    from workbook import startup  # startup builds on this module

    return startup.prepare(settings)
