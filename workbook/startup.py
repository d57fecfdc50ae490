"""Before a process serves anyone: reach the database, migrate it, agree on the secret.

``serve.py`` calls ``prepare`` before Streamlit starts, so a process that cannot reach
or migrate its database, or that holds another instance secret than the database was
set up with, stops with words a person can act on instead of answering health checks
and failing every sign-in. The same check runs when the app opens its database
(``store.open_db``), so ``streamlit run app.py`` is covered too.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from sqlalchemy import Engine, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError

from workbook import store, tables

CHECK_LABEL = b"workbook instance check v1"

OTHER_INSTANCE = (
    "This process's instance secret is not the one this database was set up with, so "
    "it will not start: every sign-in would fail and the same sign-in name could be "
    "registered twice. This process read its secret from {where}. Give every process "
    "that shares this database the secret of the first install (the same instance.key "
    "file, or WORKBOOK_INSTANCE_SECRET set to the same 64 hex characters everywhere), "
    "then start again."
)
UNREACHABLE = (
    "Cannot reach the database at {url}: {reason}. Check WORKBOOK_DATABASE_URL and that "
    "the database server is running, the database exists and accepts this user, then "
    "start again."
)
MIGRATION_FAILED = (
    "The database at {url} could not be brought up to date ({reason}). Nobody can sign "
    "in until it is. Check that the database user may create and alter tables, and see "
    "deploy/README.md (Upgrading)."
)


class StartupError(RuntimeError):
    """This process must not serve; the message tells the operator what to do."""


def check_value(secret: bytes) -> bytes:
    """A keyed MAC of a constant: the same for every process holding the same secret."""
    return hmac.new(secret, CHECK_LABEL, hashlib.sha256).digest()


def check_instance_secret(engine: Engine, secret: bytes, where: str = "its settings") -> None:
    """Record the secret's check value on first start; afterwards refuse any other secret.

    The row is written with "insert unless present", so two first starts at once agree
    on whichever came first and the loser then fails the comparison if it differs.
    """
    value = check_value(secret)
    table = tables.instance_check
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    with engine.begin() as conn:
        conn.execute(
            insert(table)
            .values(id=1, check_value=value, created_at=store.now())
            .on_conflict_do_nothing(index_elements=["id"])
        )
        stored = conn.execute(select(table.c.check_value).where(table.c.id == 1)).scalar_one()
    if not hmac.compare_digest(bytes(stored), value):
        raise StartupError(OTHER_INSTANCE.format(where=where))


def safe_url(url: str) -> str:
    """The database URL without its password, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def _reason(exc: BaseException) -> str:
    """The first line of the driver's own words, without the SQL or the URL's password."""
    orig = getattr(exc, "orig", None) or exc
    line = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    return line[:300]


def prepare(settings) -> store.Db:
    """Reach, migrate and check the database; raise StartupError with what to do if not."""
    url = safe_url(settings.database_url)
    from_env = os.environ.get("WORKBOOK_INSTANCE_SECRET", "").strip()
    where = "WORKBOOK_INSTANCE_SECRET" if from_env else str(settings.data_dir / "instance.key")
    try:
        engine = store.engine_for(settings.database_url)
    except SQLAlchemyError as exc:
        if _is_connection_error(exc):
            raise StartupError(UNREACHABLE.format(url=url, reason=_reason(exc))) from exc
        raise StartupError(MIGRATION_FAILED.format(url=url, reason=_reason(exc))) from exc
    except Exception as exc:  # Alembic or a migration script: still say it plainly
        raise StartupError(MIGRATION_FAILED.format(url=url, reason=_reason(exc))) from exc
    try:
        check_instance_secret(engine, settings.instance_secret, where)
    except SQLAlchemyError as exc:
        raise StartupError(UNREACHABLE.format(url=url, reason=_reason(exc))) from exc
    return store.Db(engine, settings.instance_secret, settings.kdf)


def _is_connection_error(exc: SQLAlchemyError) -> bool:
    return isinstance(exc, OperationalError | InterfaceError)
