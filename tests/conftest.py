"""Shared fixtures: a fresh database per test on SQLite and on a throwaway PostgreSQL.

The PostgreSQL server is started from Debian's binaries into a temporary folder on a
free port on 127.0.0.1, once per test run, and stopped afterwards. Without the
binaries its tests skip, unless WORKBOOK_REQUIRE_POSTGRES=1 (CI), where they fail.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from workbook import store
from workbook.vault import KdfParams

# The browser fixtures (server, browser, people) live in tests/browser.py.
pytest_plugins = ["browser"]

# Fast key derivation for tests only; the app's default stays at 64 MiB (vault.KdfParams).
FAST_KDF = KdfParams(memory_kib=1024, iterations=1, lanes=1)
PROJECT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            raise FileNotFoundError("PostgreSQL binaries (Debian package 'postgresql')")
        self.bin = Path(found[-1]).parent
        self.dir = Path(tempfile.mkdtemp(prefix="workbook-pg-"))
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # initdb refuses to run as root
            shutil.chown(self.dir, "postgres", "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        data = str(self.dir / "data")
        self._run(
            str(self.bin / "initdb"),
            "-D",
            data,
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
        )
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            data,
            "-l",
            str(self.dir / "log"),
            "-w",
            "-o",
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off",
            "start",
        )

    def stop(self) -> None:
        try:
            self._run(
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.dir / "data"),
                "-m",
                "immediate",
                "-w",
                "stop",
            )
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def dump(self, database: str) -> bytes:
        return subprocess.run(
            [
                str(self.bin / "pg_dump"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                database,
            ],
            check=True,
            capture_output=True,
            timeout=120,
        ).stdout


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    try:
        server = PostgresServer()
        server.start()
    except (FileNotFoundError, subprocess.CalledProcessError) as exc:
        if os.environ.get("WORKBOOK_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required here but could not start: {exc}")
        pytest.skip(f"PostgreSQL not available: {exc}")
    yield server
    server.stop()


class Target:
    """One fresh, migrated database, with a way to read its raw stored bytes."""

    def __init__(self, kind: str, url: str, raw) -> None:
        self.kind, self.url, self._raw = kind, url, raw
        self.db = store.Db(store.engine_for(url), os.urandom(32), FAST_KDF)

    def raw_bytes(self) -> bytes:
        return self._raw()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def target(request, tmp_path) -> Iterator[Target]:
    if request.param == "sqlite":
        path = tmp_path / "workbook.db"

        def raw() -> bytes:
            return b"".join(p.read_bytes() for p in tmp_path.glob("workbook.db*"))

        t = Target("sqlite", f"sqlite:///{path}", raw)
    else:
        server: PostgresServer = request.getfixturevalue("postgres")
        name = "t_" + uuid.uuid4().hex[:12]
        admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        t = Target("postgres", server.url(name), lambda: server.dump(name))
    yield t
    store.dispose_all()


@pytest.fixture
def db(target: Target) -> store.Db:
    return target.db


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can see a failure."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
