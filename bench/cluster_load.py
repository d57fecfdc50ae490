"""``make load-cluster``: the same simulated couples as ``make load``, through make cluster.

Run: ``python -m bench.cluster_load [--workers 1,2] [--couples 100] [--seconds 30]``

For each number of app processes, a fresh cluster (deploy/cluster.py: its own
PostgreSQL, the app processes, HAProxy with TLS on 127.0.0.1) is started, the couples
are made in its database through ``workbook.spaces`` at the production KDF cost, and
every simulated person signs in over ``wss://`` through the proxy (each WebSocket stays
on one process, as a browser's does). Then the cluster is stopped.

Everything runs on one machine: the load client, HAProxy and PostgreSQL take CPU from
the app processes, so these figures understate what separate machines would give. So
the report splits the machine's CPU by part (the app processes, their key-derivation
workers, PostgreSQL, HAProxy, this client) and counts how often the client's own event
loop woke more than 5 ms late; the JSON keeps every run's timing (``trace``) to see
what was running when a click was slow.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench import dataset, load
from bench.common import (
    MIB,
    PRODUCTION_KDF,
    client_priority,
    machine,
    proc_status,
    summary,
    table,
    write_json,
)
from deploy import cluster as deploy_cluster
from workbook import settings, store

log = print


CPU_PARTS = ("app", "kdf", "postgres", "haproxy", "client")


class ProxyTarget:
    """What load.Level needs of a server: where to connect."""

    def __init__(self, port: int) -> None:
        self.ws_url = f"wss://127.0.0.1:{port}/_stcore/stream"


class DirectTargets:
    """The app processes themselves, people spread over them in turn (``--direct``).

    Without the proxy and its TLS: to tell what the proxy costs from what PostgreSQL
    and several processes cost.
    """

    def __init__(self, ports: list[int]) -> None:
        self._urls = itertools.cycle(f"ws://127.0.0.1:{p}/_stcore/stream" for p in ports)

    @property
    def ws_url(self) -> str:
        return next(self._urls)


def machine_cpu_seconds() -> float:
    """Busy CPU seconds of the whole machine so far (every process: app, proxy, database)."""
    with open("/proc/stat") as fh:
        fields = [int(x) for x in fh.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _proc_table() -> dict[int, tuple[int, float, float]]:
    """pid -> (parent pid, own CPU seconds, CPU seconds of its reaped children)."""
    ticks = os.sysconf("SC_CLK_TCK")
    out = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        own = (int(fields[11]) + int(fields[12])) / ticks
        reaped = (int(fields[13]) + int(fields[14])) / ticks
        out[int(entry)] = (int(fields[1]), own, reaped)
    return out


def _tree(table: dict, root: int) -> set[int]:
    found, todo = set(), [root]
    while todo:
        pid = todo.pop()
        found.add(pid)
        todo += [p for p, (parent, _, _) in table.items() if parent == pid and p not in found]
    return found


def cpu_by_part(cluster: deploy_cluster.Cluster) -> dict[str, float]:
    """CPU seconds so far of each part of the cluster and of this load client.

    The app processes apart from their key-derivation workers (their children); and
    PostgreSQL with every backend, including those that have exited (counted in the
    postmaster's reaped-children time).
    """
    table = _proc_table()
    apps = {a.proc.pid for a in cluster.apps}
    workers = set().union(*(_tree(table, pid) for pid in apps)) - apps
    parts = {
        "app": sum(table[p][1] for p in apps if p in table),
        # a worker that exited (a pool replaced) is counted in its app's reaped time
        "kdf": sum(table[p][1] for p in workers if p in table)
        + sum(table[p][2] for p in apps if p in table),
        "postgres": 0.0,
        "haproxy": 0.0,
        "client": time.process_time(),
    }
    if cluster.postgres is not None:
        pidfile = cluster.postgres.folder / "data" / "postmaster.pid"
        with contextlib.suppress(OSError, ValueError):
            root = int(pidfile.read_text().split()[0])
            parts["postgres"] = sum(table[p][1] for p in _tree(table, root) if p in table)
            parts["postgres"] += table.get(root, (0, 0.0, 0.0))[2]
    if cluster.proxy is not None and cluster.proxy.pid in table:
        parts["haproxy"] = sum(table[p][1] for p in _tree(table, cluster.proxy.pid))
    return parts


def one_run(args, workers: int) -> dict:
    data = Path(tempfile.mkdtemp(prefix="workbook-loadcluster-"))
    data.chmod(0o755)  # PostgreSQL runs as its own user under root
    os.environ["WORKBOOK_DATA_DIR"] = str(data)
    for name in ("WORKBOOK_DATABASE_URL", "WORKBOOK_INSTANCE_SECRET"):
        os.environ.pop(name, None)
    port = deploy_cluster.free_port()
    cluster = deploy_cluster.Cluster(
        deploy_cluster.parse_args(["--port", str(port), "--workers", str(workers)])
    )
    try:
        t0 = time.perf_counter()
        cluster.start()
        started = time.perf_counter() - t0
        conf = settings.from_environment()
        db = store.Db(store.engine_for(cluster.database_url), conf.instance_secret, PRODUCTION_KDF)
        couples = [
            dataset.make_couple(db, i, random.Random(8000 + i), "load")  # noqa: S311
            for i in range(args.couples)
        ]
        store.dispose_all()
        log(f"\n{workers} app process(es): cluster up in {started:.1f} s; {args.couples} couples")
        target = DirectTargets([a.port for a in cluster.apps]) if args.direct else ProxyTarget(port)
        level = load.Level(args, couples, target)
        cpu0, parts0 = machine_cpu_seconds(), cpu_by_part(cluster)
        with client_priority(args.client_nice) as client_nice:
            asyncio.run(load.run_level(level))
        wall = time.perf_counter() - level.start
        cpu = machine_cpu_seconds() - cpu0
        parts = {k: round(v - parts0[k], 1) for k, v in cpu_by_part(cluster).items()}
        rss = [proc_status(a.proc.pid)["VmRSS"] / MIB for a in cluster.apps]
    finally:
        cluster.stop()
        shutil.rmtree(data, ignore_errors=True)
    result = {
        "workers": workers,
        "through": "each app process directly" if args.direct else "the proxy",
        "couples": args.couples,
        "seconds": round(wall, 1),
        "runs_per_second": round(sum(len(v) for v in level.times.values()) / wall, 1),
        "machine_cpu_seconds": round(cpu, 1),
        "cpu_seconds_by_part": parts,
        "client_nice": client_nice,
        "client_lag_ms": summary([ms / 1000 for _, ms in level.client_lag]),
        "client_mib": level.client_mib,
        "client_lags": level.client_lag,  # (s since start, ms late)
        "trace": sorted(level.trace),  # (start s, action, ms, who)
        "app_rss_mib": [round(r, 1) for r in rss],
        "reveals_seen": level.reveals,
        "actions": {},
    }
    for action in load.ACTIONS:
        stats = summary(level.times.get(action, []))
        stats["errors"] = dict(level.errors.get(action, {}))
        result["actions"][action] = stats
    result["targets"] = targets(result)
    return result


def targets(run: dict) -> list[dict]:
    """Issue 14's targets for one run, as ``make load`` reports them, and stricter in
    one way: a run with any error in a timed action has not met its target."""
    return load.latency_targets(run, errors_miss=True)


def report(runs: list[dict]) -> None:
    rows = []
    for run in runs:
        for action, s in run["actions"].items():
            rows.append(load.action_row(run["workers"], action, s))
    through = runs[0]["through"] if runs else "the proxy"
    log(
        table(
            ["processes", "action", "n", "p50 ms", "p95 ms", "max ms", "errors"],
            rows,
            f"Per action, through {through}",
        )
    )
    rows = [
        [
            r["workers"],
            r["couples"],
            r["runs_per_second"],
            f"{r['machine_cpu_seconds']}/{r['seconds']}",
            " ".join(str(x) for x in r["app_rss_mib"]),
            r["reveals_seen"],
            " / ".join(str(r["cpu_seconds_by_part"][k]) for k in CPU_PARTS),
            f"{r['client_lag_ms']['n']}, max {r['client_lag_ms']['max_ms'] or 0} ms",
        ]
        for r in runs
    ]
    log(
        "\n"
        + table(
            [
                "processes",
                "couples",
                "runs/s",
                "machine cpu s",
                "app MiB",
                "reveals",
                "cpu s: " + " / ".join(CPU_PARTS),
                "client late >5 ms",
            ],
            rows,
            f"Throughput, through {through}",
        )
    )
    rows = [
        [r["workers"], "met" if t["met"] else "MISSED", t["target"], t["measured"]]
        for r in runs
        for t in r["targets"]
    ]
    log(
        "\n"
        + table(["processes", "", "target", "measured"], rows, "Targets (reported, not asserted)")
    )


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="1,2", help="app processes, comma-separated")
    parser.add_argument("--couples", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--think", default="5,15")
    parser.add_argument("--ramp", type=float, default=20)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument(
        "--no-poll", action="store_true", help="do not rerun timed fragments while thinking"
    )
    parser.add_argument(
        "--direct",
        action="store_true",
        help="connect to the app processes themselves, not through the proxy",
    )
    parser.add_argument(
        "--client-nice",
        type=int,
        default=None,
        help="run this client's event loop at this nice value (e.g. -10) while it measures",
    )
    parser.add_argument("--out", default="data/load-cluster.json")
    args = parser.parse_args(argv)
    args.levels = sorted({int(n) for n in args.workers.split(",") if n.strip()})
    args.think = tuple(float(x) for x in args.think.split(","))
    args.serial_sign_in = False
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    res = {"machine": machine(), "settings": vars(args).copy(), "runs": []}
    for workers in args.levels:
        res["runs"].append(one_run(args, workers))
    log("")
    report(res["runs"])
    write_json(Path(args.out), res)
    log(f"\nResults: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
