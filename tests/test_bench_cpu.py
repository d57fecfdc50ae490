"""``make cpu`` measures every kind of run it names, through the real server (bench/cpu.py).

Like the other bench tools it runs outside the suite, so this keeps it working: it
finds the folds, the question's Save and the timed poll on the pages as they are now.
"""

from __future__ import annotations

import json

from bench import cpu

KINDS = {
    "account page",
    "today",
    "journal",
    "chapter, folds closed",
    "open together fold",
    "open own fold",
    "chapter, two folds open",
    "save",
    "poll",
}


def test_make_cpu_times_each_kind_of_run(tmp_path, capsys):
    out = tmp_path / "cpu.json"
    assert cpu.main(["--runs", "3", "--rounds", "1", "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    assert set(result["median"]) == KINDS
    assert all(value >= 0 for value in result["median"].values())
    assert "Server CPU per run" in capsys.readouterr().out
