"""``make burst``: pages and saves in a burst, with whole-page runs taking turns or not,
and giving way to the clicks in progress or not.

Run: ``python -m bench.burst [--readers 8] [--savers 4] [--seconds 20] [--rounds 3]``

Why: on this noisy 2-core machine whole ``make load`` runs differ more from one
another than two versions of the code do (the sign-ins alone finish anywhere between
10 and 20 s in). This holds the load fixed instead: ``readers`` signed-in tabs reload
a chapter page (its "On your own" fold open: a whole-page run) back to back, and
``savers`` tabs Save one of its questions (a fragment run) every 50 to 300 ms, for
``seconds``. Each round runs serve.py as it is (turns and clicks first,
workbook/ui/turns.py), with turns only (bench/serve_without_clicks_first.py) and with
neither (bench/serve_without_turns.py), one right after the other, so that all three
see the machine in the same state. Reported: how many of each were done, their median
and p95, and the server's CPU seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

from bench import dataset, stclient
from bench.common import Server, cpu_seconds, machine, summary, table, write_json
from workbook import store

VARIANTS = {
    "turns, clicks first": "serve.py",
    "turns only": "bench/serve_without_clicks_first.py",
    "neither": "bench/serve_without_turns.py",
}
STATS = ("n", "median_ms", "p95_ms")


async def _signed_in(server: Server, couple: dataset.Couple) -> stclient.Session:
    """A tab signed in as the couple's first partner, on chapter 1 with a fold open."""
    tab = stclient.Session(server.ws_url, timeout=60)
    await tab.connect()
    await tab.sign_in(couple.login_a, couple.passphrase_a)
    await tab.open_fold("chapter_1", await tab.run("chapter_1"), "On your own")
    return tab


async def _burst(server: Server, couples: list[dataset.Couple], args) -> dict:
    tabs = [
        await _signed_in(server, couples[i % len(couples)])
        for i in range(args.readers + args.savers)
    ]
    times: dict[str, list[float]] = {"chapter page": [], "save": []}
    end = time.perf_counter() + args.seconds

    async def reader(tab: stclient.Session) -> None:
        while time.perf_counter() < end:
            times["chapter page"].append((await tab.run("chapter_1")).seconds)

    async def saver(tab: stclient.Session, number: int) -> None:
        rng = random.Random(number)  # noqa: S311 - timing, not secrets
        page = await tab.run("chapter_1")
        areas = [e for e in page.of("text_area") if e.key.startswith("draft:")]
        area = areas[number % len(areas)]
        button = page.by_key("button", "save:" + area.key.rsplit(":", 1)[1])
        count = 0
        while time.perf_counter() < end:
            await asyncio.sleep(rng.uniform(0.05, 0.3))
            count += 1
            words = [stclient.text_value(area.id, f"words {count}"), stclient.trigger(button.id)]
            done = await tab.run("chapter_1", words, fragment_id=button.fragment_id)
            times["save"].append(done.seconds)

    before = cpu_seconds(server.pid)
    try:
        await asyncio.gather(
            *(reader(tab) for tab in tabs[: args.readers]),
            *(saver(tab, n) for n, tab in enumerate(tabs[args.readers :])),
        )
    finally:
        await asyncio.gather(*(tab.close() for tab in tabs), return_exceptions=True)
    return {
        "server_cpu_seconds": round(cpu_seconds(server.pid) - before, 1),
        **{action: summary(values) for action, values in times.items()},
    }


def one_round(folder: Path, couples: list[dataset.Couple], args, number: int) -> list[dict]:
    results = []
    for variant, script in VARIANTS.items():
        with Server(folder, script=script) as server:
            result = asyncio.run(_burst(server, couples, args))
        results.append({"round": number, "variant": variant, **result})
        print(f"  round {number}, {variant}: done", flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=8, help="tabs reloading a chapter")
    parser.add_argument("--savers", type=int, default=4, help="tabs saving an answer")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", default="data/burst.json")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="workbook-burst-"))
    db = dataset.setup_db(folder)
    couples = [dataset.make_couple(db, i, random.Random(i)) for i in range(4)]  # noqa: S311
    store.dispose_all()
    print(f"{args.readers} tabs reload a chapter, {args.savers} save, {args.seconds:.0f} s")
    runs = [r for n in range(1, args.rounds + 1) for r in one_round(folder, couples, args, n)]
    rows = [
        [
            r["round"],
            r["variant"],
            *(r[a][k] and round(r[a][k]) for a in ("chapter page", "save") for k in STATS),
            r["server_cpu_seconds"],
        ]
        for r in runs
    ]
    headers = ["round", "server", "pages", "median ms", "p95 ms", "saves", "median ms"]
    print(
        table(
            [*headers, "p95 ms", "cpu s"],
            rows,
            "Burst: whole-page runs in turns or not, giving way to clicks or not",
        )
    )
    write_json(Path(args.out), {"machine": machine(), "settings": vars(args), "runs": runs})
    return 0


if __name__ == "__main__":
    sys.exit(main())
