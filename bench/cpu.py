"""``make cpu``: the server's CPU for each kind of run, one signed-in tab at a time.

Run: ``python -m bench.cpu [--runs 40] [--rounds 3] [--out data/cpu.json]``

Why: on this shared 2-core machine whole load runs swing by a quarter from one to the
next, far more than most changes to the code. The CPU time the server process uses
for one run of a given kind, read from /proc around ``runs`` runs in a row by a
single tab, swings much less, and it is what decides how many runs one process can
do in a second. Every figure "per run" in the README comes from this.

Each round starts serve.py on a fresh copy of one couple's data, signs one partner
in, and times, after five unmeasured runs of each: the account page, Today, the
journal, a chapter with its folds closed, opening its "Together" and "On your own"
folds (fragment runs), the chapter with both folds open, a Save inside it (a fragment
run), and the partner-news poll (a timed fragment run). Reported: the median over
the rounds of the milliseconds of server CPU per run.

To compare two versions of the code, run it in each checkout one after the other,
and again the other way round: the machine drifts over minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from bench import dataset, stclient
from bench.common import Server, cpu_seconds, machine, table, write_json
from bench.load import copy_data
from workbook import store

WARM_UP_RUNS = 5
PAGE = "chapter_1"


async def _measure(
    server: Server, runs: int, name: str, run: Callable[[], Awaitable[object]], out: dict
) -> None:
    for _ in range(WARM_UP_RUNS):
        await run()
    before = cpu_seconds(server.pid)
    for _ in range(runs):
        await run()
    out[name] = round((cpu_seconds(server.pid) - before) / runs * 1000, 2)


async def one_round(server: Server, couple: dataset.Couple, runs: int) -> dict[str, float]:
    """Milliseconds of server CPU per run, for each kind of run."""
    out: dict[str, float] = {}
    tab = stclient.Session(server.ws_url, timeout=60)
    await tab.connect()
    await tab.sign_in(couple.login_a, couple.passphrase_a)
    await _measure(server, runs, "account page", lambda: tab.run("account"), out)
    await _measure(server, runs, "today", lambda: tab.run("today"), out)
    await _measure(server, runs, "journal", lambda: tab.run("journal"), out)
    await _measure(server, runs, "chapter, folds closed", lambda: tab.run(PAGE), out)
    for label, name in (("Together", "open together fold"), ("On your own", "open own fold")):
        fold = stclient.fold_id(await tab.run(PAGE), label)
        if fold is None:
            raise SystemExit(f"no fold {label!r} on {PAGE}")
        await _measure(
            server,
            runs,
            name,
            lambda fold=fold: tab.run(PAGE, [stclient.opened(fold[0])], fragment_id=fold[1]),
            out,
        )
    await _measure(server, runs, "chapter, two folds open", lambda: tab.run(PAGE), out)
    page = await tab.run(PAGE)
    area = next(e for e in page.of("text_area") if e.key.startswith("draft:"))
    button = page.by_key("button", f"save:{area.key.split(':')[-1]}")
    count = iter(range(10**9))
    await _measure(
        server,
        runs,
        "save",
        lambda: tab.run(
            PAGE,
            [stclient.text_value(area.id, f"words {next(count)}"), stclient.trigger(button.id)],
            fragment_id=button.fragment_id,
        ),
        out,
    )
    if tab.fragments:  # the timed fragments this page started (news poll, idle check)
        fragment_id = next(iter(tab.fragments))
        await _measure(server, runs, "poll", lambda: tab.poll(fragment_id), out)
    await tab.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="measured runs of each kind")
    parser.add_argument("--rounds", type=int, default=3, help="fresh servers, one after another")
    parser.add_argument("--out", type=Path, default=Path("data/cpu.json"))
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="workbook-cpu-"))
    template = work / "template"
    db = dataset.setup_db(template)
    couple = dataset.make_couple(db, 0, random.Random(1))  # noqa: S311 - test data
    store.dispose_all()
    rounds: list[dict[str, float]] = []
    for number in range(args.rounds):
        data_dir = work / f"round-{number}"
        copy_data(template, data_dir)
        with Server(data_dir) as server:
            rounds.append(asyncio.run(one_round(server, couple, args.runs)))
        print(f"round {number + 1} of {args.rounds}: {rounds[-1]}", file=sys.stderr)
    kinds = list(rounds[0])
    median = {kind: round(statistics.median(r[kind] for r in rounds), 1) for kind in kinds}
    rows = [
        [kind, median[kind], min(r[kind] for r in rounds), max(r[kind] for r in rounds)]
        for kind in kinds
    ]
    print(table(["run", "median ms", "min ms", "max ms"], rows, "Server CPU per run"))
    write_json(
        args.out, {"machine": machine(), "runs": args.runs, "rounds": rounds, "median": median}
    )
    print(f"Results: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
