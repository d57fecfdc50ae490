"""PostgreSQL for a trial cluster: Debian's binaries, a folder of its own, loopback only.

``make cluster`` starts one when ``WORKBOOK_DATABASE_URL`` is not set: password
authentication (scram-sha-256, the password in a 0600 file beside the folder), listening
on 127.0.0.1 only, and run as the ``postgres`` user when started as root, because
initdb and postgres refuse to run as root.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from deploy.shared import LOOPBACK, ClusterError, free_port, say
from workbook.settings import secret_in_file


@dataclass
class LocalPostgres:
    folder: Path
    port: int = 0
    bin: Path | None = None
    as_user: list[str] = field(default_factory=list)

    def _run(self, *args: str, timeout: float = 120) -> None:
        done = subprocess.run(  # noqa: S603 - Debian's binaries, fixed arguments
            [*self.as_user, *args],
            capture_output=True,
            timeout=timeout,
            check=False,
            start_new_session=True,  # the server must not get our terminal's Ctrl-C
        )
        if done.returncode:
            raise ClusterError(
                f"PostgreSQL's {Path(args[0]).name} failed: "
                + done.stderr.decode(errors="replace").strip()[-800:]
            )

    def start(self) -> str:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            raise ClusterError(
                "No PostgreSQL here. Install Debian's 'postgresql' package, or set "
                "WORKBOOK_DATABASE_URL to a server you run."
            )
        self.bin = Path(found[-1]).parent
        data = self.folder / "data"
        password = secret_in_file(self.folder.parent / "pg.password", 24)
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            blocked = [p for p in self.folder.parents if not os.stat(p).st_mode & 0o001]
            if blocked:
                raise ClusterError(
                    f"PostgreSQL runs as the 'postgres' user, which cannot enter {blocked[0]}. "
                    "Let it through (chmod o+x on that folder), choose another data folder "
                    "with WORKBOOK_DATA_DIR, or set WORKBOOK_DATABASE_URL."
                )
            shutil.chown(self.folder, "postgres", "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        if not (data / "PG_VERSION").exists():
            pwfile = self.folder / "initdb.pw"
            pwfile.write_text(password + "\n")
            pwfile.chmod(0o600)
            if self.as_user:
                shutil.chown(pwfile, "postgres", "postgres")
            try:
                say(f"making a PostgreSQL database folder in {data}")
                self._run(
                    str(self.bin / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "workbook",
                    "-A",
                    "scram-sha-256",
                    f"--pwfile={pwfile}",
                    "-E",
                    "UTF8",
                )
            finally:
                pwfile.unlink(missing_ok=True)
        self.port = free_port()
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(self.folder / "postgres.log"),
            "-w",
            "-o",
            f"-p {self.port} -k {self.folder} -c listen_addresses={LOOPBACK}",
            "start",
        )
        admin = f"postgresql://workbook:{password}@{LOOPBACK}:{self.port}/postgres"
        import psycopg

        with psycopg.connect(admin, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = 'workbook'").fetchone()
            if not exists:
                conn.execute("CREATE DATABASE workbook")
        return f"postgresql+psycopg://workbook:{password}@{LOOPBACK}:{self.port}/workbook"

    def stop(self) -> None:
        if self.bin is None or not self.port:
            return
        try:
            self._run(
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.folder / "data"),
                "-m",
                "fast",
                "-w",
                "stop",
            )
        except (ClusterError, subprocess.TimeoutExpired) as exc:
            say(f"PostgreSQL did not stop cleanly: {exc}")
        self.port = 0
