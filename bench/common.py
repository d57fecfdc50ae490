"""Shared helpers: KDF settings, statistics, tables, JSON output, and the real server."""

from __future__ import annotations

import contextlib
import json
import math
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from workbook.vault import KdfParams

PROJECT = Path(__file__).resolve().parent.parent
# The same lowered cost as tests/conftest.py FAST_KDF. Used only to *create* the spaces
# a benchmark needs; every sign-in that is timed runs at the app's production cost.
FAST_KDF = KdfParams(memory_kib=1024, iterations=1, lanes=1)
PRODUCTION_KDF = KdfParams()
MIB = 1024 * 1024


# ---------------------------------------------------------------------------
# The load client's own priority
# ---------------------------------------------------------------------------


@contextlib.contextmanager
def client_priority(nice: int | None):
    """Run the calling thread (the load client's event loop) at ``nice`` meanwhile.

    Why: the client shares this machine's two cores with what it measures, and when
    its event loop wakes late, a run the server has answered is counted late by as
    much (``client_lag_ms``). Real people's browsers run on their own machines. A
    client at a higher priority than the server wakes on time; its CPU (about 3 of 60
    CPU-seconds a storm) still comes out of the same two cores. Linux keeps a nice
    value per thread: the server and its workers, started before, keep theirs.
    Yields the nice value in force, or None when not set (or not allowed: raising a
    priority needs root or CAP_SYS_NICE).
    """
    if nice is None:
        yield None
        return
    before = os.getpriority(os.PRIO_PROCESS, 0)
    try:
        os.setpriority(os.PRIO_PROCESS, 0, nice)
    except PermissionError:
        print(f"client: not allowed to run at nice {nice}; measuring at {before}", file=sys.stderr)
        yield None
        return
    try:
        yield nice
    finally:
        # Going back to a higher priority than ``nice`` is refused without root: the
        # run is measured already, so keep it.
        with contextlib.suppress(PermissionError):
            os.setpriority(os.PRIO_PROCESS, 0, before)


# ---------------------------------------------------------------------------
# Statistics
# ---------------------------------------------------------------------------


def percentile(values: Iterable[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100); None for no values."""
    data = sorted(values)
    if not data:
        return None
    rank = max(1, min(len(data), math.ceil(q / 100 * len(data))))
    return data[rank - 1]


def summary(values: list[float]) -> dict:
    """Median, p95, min, max and count of a list of seconds, reported in milliseconds."""
    if not values:
        return {"n": 0, "median_ms": None, "p95_ms": None, "min_ms": None, "max_ms": None}
    return {
        "n": len(values),
        "median_ms": round(statistics.median(values) * 1000, 3),
        "p95_ms": round(percentile(values, 95) * 1000, 3),
        "min_ms": round(min(values) * 1000, 3),
        "max_ms": round(max(values) * 1000, 3),
    }


def timed(fn: Callable[[], object], repeat: int, warmup: int = 1) -> list[float]:
    """Call fn ``warmup`` times untimed, then ``repeat`` times; the wall times in seconds."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def ms(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b <= 0:
        return None
    return round(a / b, 2)


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


def table(headers: list[str], rows: list[list[object]], title: str = "") -> str:
    """A plain-text table (right-aligned numbers), ready to print."""
    cells = [[str(h) for h in headers]] + [["-" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def numeric(cell: str) -> bool:
        return cell.replace(".", "", 1).replace("-", "", 1).replace("x", "", 1).isdigit()

    def line(row: list[str]) -> str:
        out = []
        for i, cell in enumerate(row):
            right = i > 0 and (numeric(cell) or cell == "-")
            out.append(cell.rjust(widths[i]) if right else cell.ljust(widths[i]))
        return "  ".join(out).rstrip()

    parts = [title, "=" * len(title)] if title else []
    parts += [line(cells[0]), "  ".join("-" * w for w in widths)]
    parts += [line(r) for r in cells[1:]]
    return "\n".join(parts)


def machine() -> dict:
    """What the figures were measured on."""
    info = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }
    try:
        import streamlit

        info["streamlit"] = streamlit.__version__
    except ImportError:  # pragma: no cover
        pass
    return info


def filesystem_of(path: Path) -> str:
    """The filesystem type holding ``path`` (fsync cost differs a lot: ext4 vs tmpfs)."""
    best, kind = "", "unknown"
    target = str(path.resolve())
    try:
        with open("/proc/mounts") as fh:
            for entry in fh:
                parts = entry.split()
                if len(parts) >= 3 and target.startswith(parts[1]) and len(parts[1]) > len(best):
                    best, kind = parts[1], parts[2]
    except OSError:
        pass
    return kind


def write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, default=str) + "\n")
    tmp.replace(path)


# ---------------------------------------------------------------------------
# The real server (serve.py), only ever on 127.0.0.1
# ---------------------------------------------------------------------------

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak) of a process from /proc, in bytes."""
    out: dict[str, int] = {}
    with open(f"/proc/{pid}/status") as fh:
        for entry in fh:
            key, _, value = entry.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) * 1024
    return out


def stolen_seconds() -> float:
    """CPU time the host gave to other machines while this one wanted it (all cores),
    from /proc/stat: on a shared virtual machine, the same run then takes longer."""
    with open("/proc/stat") as fh:
        fields = fh.readline().split()  # cpu user nice system idle iowait irq softirq steal
    return int(fields[8]) / os.sysconf("SC_CLK_TCK") if len(fields) > 8 else 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


@dataclass
class Server:
    """``python serve.py`` on 127.0.0.1 with its own data folder; stopped by ``stop()``."""

    data_dir: Path
    port: int = 0
    proc: subprocess.Popen | None = None
    log_path: Path | None = None
    started_at: float = 0.0
    healthy_after: float | None = None
    env: dict = field(default_factory=dict)
    script: str = "serve.py"  # bench/serve_without_turns.py for a comparison

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{HOST}:{self.port}/_stcore/stream"

    def start(self, timeout: float = 60) -> Server:
        self.port = self.port or free_port()
        env = {**os.environ, "WORKBOOK_DATA_DIR": str(self.data_dir), **self.env}
        env.pop("WORKBOOK_DATABASE_URL", None)
        env.pop("WORKBOOK_INSTANCE_SECRET", None)
        self.log_path = self.data_dir / f"server-{self.port}.log"
        log = open(self.log_path, "wb")  # noqa: SIM115 - closed with the process
        self.started_at = time.perf_counter()
        self.proc = subprocess.Popen(  # noqa: S603 - our own serve.py, fixed arguments
            [
                sys.executable,
                self.script,
                "--server.port",
                str(self.port),
                "--server.address",
                HOST,
            ],
            cwd=PROJECT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.wait_healthy(timeout)
        return self

    def wait_healthy(self, timeout: float) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"the server exited early; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.base}/_stcore/health", timeout=1) as r:  # noqa: S310 - 127.0.0.1 only
                    if r.status == 200:
                        self.healthy_after = time.perf_counter() - self.started_at
                        return self.healthy_after
            except OSError:
                time.sleep(0.01)
        self.stop()
        raise RuntimeError(f"the server did not answer /_stcore/health; see {self.log_path}")

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def memory(self) -> dict[str, int]:
        return proc_status(self.pid)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
