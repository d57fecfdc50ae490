"""Crash safety: a save that was acknowledged survives the process being killed.

A child process (the storage calls the app makes, without the UI or the Streamlit
server) saves journal entries in a loop on a SQLite file and prints each entry's id
only after ``journal.save`` has returned: that line is the acknowledgement. The test
kills it with SIGKILL at a random moment, five times, starting it again on the same
file each time, as a restarted server would. Then the file must pass
``PRAGMA integrity_check``, every acknowledged id must be there and decrypt to exactly
the text written, and at most one unacknowledged save per kill (the one in flight) may
have landed.

SIGKILL ends the process, not the machine: what the kernel already holds still reaches
the disk. So this checks the app's transactions and the moment it acknowledges, not
the disk's flush (``synchronous=FULL`` in store.py is there for power loss).

Run directly as ``python tests/test_crash_safety.py child ...`` it is the child.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from workbook import journal, spaces, store

from conftest import FAST_KDF, PROJECT
from helpers import PASS_A, make_space

ROUNDS = 5
LOGIN = "sam"


def text_for(round_no: int, index: int) -> str:
    """What save ``index`` of round ``round_no`` writes: varied lengths, not only ASCII."""
    return f"round {round_no}, save {index}: still here \u2764 " + "words " * (index % 120)


def child(url: str, pepper_hex: str, round_no: int) -> None:
    """Save forever; print ``<id> <round> <index>`` after each save has returned."""
    db = store.Db(store.engine_for(url), bytes.fromhex(pepper_hex), FAST_KDF)
    member = spaces.sign_in(db, LOGIN, PASS_A)
    print("ready", flush=True)
    index = 0
    while True:
        saved = journal.save(
            db,
            member,
            chapter_id="body",
            prompt_id=f"crash-{round_no}-{index}",
            text=text_for(round_no, index),
            visibility=journal.PRIVATE if index % 2 else journal.SHARED,
        )
        print(f"{saved.id} {round_no} {index}", flush=True)
        index += 1


def run_and_kill(url: str, pepper: bytes, round_no: int, delay: float) -> list[tuple[str, int]]:
    """Start a child, let it save for ``delay`` seconds, SIGKILL it; its acknowledged saves."""
    proc = subprocess.Popen(
        [sys.executable, __file__, "child", url, pepper.hex(), str(round_no)],
        cwd=PROJECT,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(PROJECT), str(PROJECT / "tests")])},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = proc.stdout.readline()
        assert first == "ready\n", f"the child did not start: {first!r} {proc.stderr.read()}"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    output, errors = proc.stdout.read(), proc.stderr.read()
    assert proc.returncode == -signal.SIGKILL, f"the child ended by itself: {errors[-2000:]}"
    acked = []
    for line in output.split("\n")[:-1]:  # only whole lines: the last one may be cut short
        row_id, got_round, index = line.split()
        assert int(got_round) == round_no
        acked.append((row_id, int(index)))
    return acked


def test_acknowledged_saves_survive_sigkill(tmp_path: Path) -> None:
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)  # noqa: S311 - when to kill, not a secret
    path = tmp_path / "workbook.db"
    url = f"sqlite:///{path}"
    pepper = os.urandom(32)
    make_space(store.Db(store.engine_for(url), pepper, FAST_KDF))
    store.dispose_all()

    acked: dict[str, tuple[int, int]] = {}
    for round_no in range(ROUNDS):
        delay = rng.uniform(0.05, 0.6)
        saves = run_and_kill(url, pepper, round_no, delay)
        assert saves, f"round {round_no} (seed {seed}): killed before any save returned"
        for row_id, index in saves:
            acked[row_id] = (round_no, index)

    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    db = store.Db(store.engine_for(url), pepper, FAST_KDF)
    try:
        member = spaces.sign_in(db, LOGIN, PASS_A)
        stored = {e.id: e for e in journal.visible(db, member)}
        for row_id, (round_no, index) in acked.items():
            where = f"round {round_no}, save {index} (seed {seed})"
            assert row_id in stored, f"acknowledged save lost: {where}"
            entry = stored[row_id]
            assert entry.prompt_id == f"crash-{round_no}-{index}", where
            assert entry.text == text_for(round_no, index), where
        # Beyond the acknowledged saves, at most the one in flight at each kill landed.
        extra = [e for e in stored.values() if e.id not in acked]
        per_round: dict[str, int] = {}
        for e in extra:
            round_no = e.prompt_id.split("-")[1]
            per_round[round_no] = per_round.get(round_no, 0) + 1
        assert all(n <= 1 for n in per_round.values()), (per_round, seed)
    finally:
        store.dispose_all()


if __name__ == "__main__" and sys.argv[1:2] == ["child"]:
    child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
