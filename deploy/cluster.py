"""``make cluster``: PostgreSQL, N app processes and HAProxy in front, in the foreground.

Run: ``python -m deploy.cluster [--port 8443] [--workers 2]`` (deploy/README.md explains
every part). What it starts, in order, and stops again on Ctrl-C or SIGTERM:

1. PostgreSQL: ``WORKBOOK_DATABASE_URL`` if set; otherwise a local server of Debian's
   ``postgresql`` binaries in ``<data>/cluster/pg`` (made on first start, password
   authentication, listening on 127.0.0.1 only).
2. N app processes (``serve.py``) on free loopback ports, sharing one instance secret
   (``<data>/instance.key`` or ``WORKBOOK_INSTANCE_SECRET``) and one
   ``server.cookieSecret`` (``<data>/cluster/cookie.secret`` or
   ``WORKBOOK_COOKIE_SECRET``). They start at the same moment: migrations take turns
   under a database lock, and a process that cannot serve stops the whole start.
3. HAProxy (Debian's ``haproxy``) on ``--bind``:``--port`` with TLS, sticky sessions by
   cookie, WebSocket upgrade, security headers, /_stcore/metrics blocked
   (deploy/haproxy.py writes its configuration).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from deploy import haproxy
from deploy.postgres import LocalPostgres
from deploy.shared import LOOPBACK, ClusterError, free_port, say
from workbook.settings import secret_in_file

PROJECT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------------------
# The cluster
# ---------------------------------------------------------------------------


@dataclass
class App:
    name: str
    port: int
    proc: subprocess.Popen
    log: Path


class Cluster:
    def __init__(self, args) -> None:
        self.args = args
        self.data = Path(os.environ.get("WORKBOOK_DATA_DIR") or PROJECT / "data").resolve()
        self.folder = self.data / "cluster"
        self.postgres: LocalPostgres | None = None
        self.apps: list[App] = []
        self.proxy: subprocess.Popen | None = None
        self.database_url = ""

    # -- start ---------------------------------------------------------------
    def start(self) -> None:
        proxy_bin = shutil.which("haproxy")
        if proxy_bin is None:
            raise ClusterError("HAProxy is missing: install Debian's 'haproxy' package.")
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "logs").mkdir(exist_ok=True)
        url = os.environ.get("WORKBOOK_DATABASE_URL", "").strip()
        if not url:
            self.postgres = LocalPostgres(self.folder / "pg")
            url = self.postgres.start()
            say(f"PostgreSQL on {LOOPBACK}:{self.postgres.port} (data in {self.folder / 'pg'})")
        self.database_url = url
        if not os.environ.get("WORKBOOK_INSTANCE_SECRET", "").strip():
            # made once here, before the processes that share it start
            secret_in_file(self.data / "instance.key")
        cookie = os.environ.get("WORKBOOK_COOKIE_SECRET", "").strip() or secret_in_file(
            self.folder / "cookie.secret"
        )
        env = {
            **os.environ,
            "WORKBOOK_DATA_DIR": str(self.data),
            "WORKBOOK_DATABASE_URL": url,
            "STREAMLIT_SERVER_COOKIE_SECRET": cookie,
            "WORKBOOK_ALLOWED_HOSTS": ",".join(self.args.hosts),
        }
        for i in range(1, self.args.workers + 1):
            self.apps.append(self._start_app(f"app{i}", env))
        for app in self.apps:
            self._wait_healthy(app)
        say(
            f"{len(self.apps)} app processes: "
            + ", ".join(f"{a.name} on :{a.port}" for a in self.apps)
        )
        pem = haproxy.certificate(self.folder / "tls", self.args.hosts)
        config = self.folder / "haproxy.cfg"
        config.write_text(
            haproxy.config(
                bind=self.args.bind,
                port=self.args.port,
                pem=pem,
                servers=[(a.name, a.port) for a in self.apps],
                hsts_seconds=self.args.hsts_seconds,
            )
        )
        check = subprocess.run(  # noqa: S603 - Debian's haproxy, our config
            [proxy_bin, "-c", "-q", "-f", str(config)], capture_output=True, check=False
        )
        if check.returncode:
            raise ClusterError("HAProxy refused its configuration: " + check.stderr.decode()[-800:])
        self.proxy = subprocess.Popen(  # noqa: S603
            [proxy_bin, "-db", "-f", str(config)],
            stdout=open(self.folder / "logs" / "haproxy.log", "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_proxy()

    def _start_app(self, name: str, env: dict) -> App:
        port = free_port()
        log = self.folder / "logs" / f"{name}.log"
        proc = subprocess.Popen(  # noqa: S603 - our own serve.py
            [
                sys.executable,
                "serve.py",
                "--server.port",
                str(port),
                "--server.address",
                LOOPBACK,
            ],
            cwd=PROJECT,
            env=env,
            stdout=open(log, "ab"),  # noqa: SIM115 - the child keeps it
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches us; we stop the parts in order
        )
        return App(name, port, proc, log)

    def _wait_healthy(self, app: App, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if app.proc.poll() is not None:
                tail = app.log.read_text(errors="replace").strip()[-1500:]
                raise ClusterError(f"{app.name} stopped while starting:\n{tail}")
            try:
                url = f"http://{LOOPBACK}:{app.port}/_stcore/health"
                with urllib.request.urlopen(url, timeout=1) as r:  # noqa: S310 - loopback
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise ClusterError(f"{app.name} did not answer within {timeout:.0f} s; see {app.log}")

    def _wait_proxy(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        host = LOOPBACK if self.args.bind in ("0.0.0.0", "::") else self.args.bind  # noqa: S104
        while time.monotonic() < deadline:
            if self.proxy is not None and self.proxy.poll() is not None:
                raise ClusterError(
                    "HAProxy stopped: see " + str(self.folder / "logs" / "haproxy.log")
                )
            try:
                with socket.create_connection((host, self.args.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise ClusterError(f"HAProxy did not listen on port {self.args.port}")

    # -- run and stop --------------------------------------------------------
    def watch(self, stopping) -> int:
        """Wait until asked to stop, or until a part stops on its own (then stop all)."""
        while not stopping():
            for app in self.apps:
                if app.proc.poll() is not None:
                    say(f"{app.name} stopped (exit {app.proc.returncode}); see {app.log}")
                    return 1
            if self.proxy is not None and self.proxy.poll() is not None:
                say(f"HAProxy stopped (exit {self.proxy.returncode})")
                return 1
            time.sleep(0.5)
        return 0

    def stop(self) -> None:
        if self.proxy is not None and self.proxy.poll() is None:
            self.proxy.terminate()
        for app in self.apps:
            if app.proc.poll() is None:
                app.proc.terminate()
        for proc in [*(a.proc for a in self.apps), self.proxy]:
            if proc is None:
                continue
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self.postgres is not None:
            self.postgres.stop()


HSTS_REAL = 31_536_000  # a year: the usual value once a real certificate is in place
HSTS_TRIAL = 300  # the self-signed trial: a browser must not keep HTTPS-only for long


def hsts_default(env) -> int:
    """WORKBOOK_HSTS_SECONDS, else a year with a real certificate, else 5 minutes.

    A year of HSTS on a trial served as localhost would make the browser refuse plain
    http://localhost for every other local site for a year.
    """
    if env.get("WORKBOOK_HSTS_SECONDS"):
        return int(env["WORKBOOK_HSTS_SECONDS"])
    return HSTS_REAL if env.get("WORKBOOK_TLS_CERT") and env.get("WORKBOOK_TLS_KEY") else HSTS_TRIAL


def parse_args(argv: list[str] | None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8443))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS") or 2))
    parser.add_argument(
        "--bind",
        default=os.environ.get("WORKBOOK_BIND", LOOPBACK),
        help="address the proxy listens on (0.0.0.0 for every address)",
    )
    parser.add_argument(
        "--hosts",
        default=os.environ.get("WORKBOOK_ALLOWED_HOSTS", ""),
        help="names people type to reach the app, comma-separated (127.0.0.1 and "
        "localhost are always allowed)",
    )
    parser.add_argument(
        "--hsts-seconds",
        type=int,
        default=hsts_default(os.environ),
        help="Strict-Transport-Security max-age (default: a year with a real "
        "certificate, 5 minutes with the self-signed trial one)",
    )
    args = parser.parse_args(argv)
    args.hosts = [h.strip().lower() for h in args.hosts.split(",") if h.strip()]
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stop_asked = False

    def on_signal(signum, _frame) -> None:
        nonlocal stop_asked
        stop_asked = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    cluster = Cluster(args)
    try:
        cluster.start()
        where = "127.0.0.1" if args.bind in (LOOPBACK, "0.0.0.0") else args.bind  # noqa: S104
        say(
            f"serving https://{where}:{args.port} through HAProxy to {args.workers} app "
            f"processes. Logs: {cluster.folder / 'logs'}. Ctrl-C stops everything."
        )
        return cluster.watch(lambda: stop_asked)
    except ClusterError as exc:
        print(f"\nThe cluster did not start.\n{exc}\n", file=sys.stderr, flush=True)
        return 2
    finally:
        say("stopping")
        cluster.stop()
        say("stopped")


if __name__ == "__main__":
    sys.exit(main())
