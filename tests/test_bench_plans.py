"""``make bench`` reports SQLite's plan for the two hot journal queries (bench/run.py).

The module is imported only by ``make bench``, outside the suite, so a renamed table
import there went unnoticed once (the tables moved from store.py to tables.py); this
runs that part on a small database.
"""

from __future__ import annotations

import os

from bench import run
from workbook import store

from conftest import Target
from helpers import make_space


def test_the_journal_queries_use_an_index_not_a_full_scan(tmp_path):
    db = Target("sqlite", f"sqlite:///{tmp_path / 'workbook.db'}", bytes).db
    try:
        sam = make_space(db).member
        plans = run.query_plans(db, sam)
    finally:
        store.dispose_all()
    assert set(plans) == {"journal.visible", "journal.save lookup", "journal.shared_lately"}
    for steps in plans.values():
        assert any("USING INDEX" in step or "USING COVERING INDEX" in step for step in steps)


def test_make_bench_finds_every_page_app_py_registers():
    pages = run.app_pages()
    on_disk = sorted(f"pages/{p.name}" for p in (run.APP.parent / "pages").glob("*.py"))
    assert sorted(pages) == on_disk
    assert run.JOURNAL_PAGE in pages


def test_load_cluster_counts_each_process_under_the_part_it_belongs_to():
    """``make load-cluster`` splits the machine's CPU by part: the app processes, their
    key-derivation workers (children and grandchildren), and nothing from elsewhere."""
    from bench import cluster_load

    table = {
        10: (1, 5.0, 0.0),  # an app process
        11: (10, 7.0, 0.0),  # its worker
        12: (11, 1.0, 0.0),  # a process the worker started
        20: (1, 3.0, 0.0),  # something else on the machine
    }
    assert cluster_load._tree(table, 10) == {10, 11, 12}
    assert cluster_load._tree(table, 20) == {20}
    mine = cluster_load._proc_table()[os.getpid()]
    assert mine[0] == os.getppid() and mine[1] >= 0.0


def test_load_cluster_reports_each_target_met_or_missed():
    """The storm through the proxy says, for each run, whether issue 14's targets
    were met: a p95 over its limit, or any error, is a miss."""
    from bench import cluster_load

    def action(p95, errors=None):
        return {"n": 20, "median_ms": 50.0, "p95_ms": p95, "errors": errors or {}}

    run = {
        "couples": 100,
        "actions": {
            "save": action(149.0),
            "reveal": action(151.0),
            "chapter page": action(120.0, {"timeout": 1}),
            "sign in": action(9000.0),
        },
    }
    met = {t["target"].split(" p95")[0]: t["met"] for t in cluster_load.targets(run)}
    assert met == {"save": True, "reveal": False, "chapter page": False, "sign-in": True}
    run["couples"] = 50  # fewer couples than the target names: not met
    assert not any(t["met"] for t in cluster_load.targets(run)[:3])


def test_the_load_client_does_not_collect_garbage_while_it_measures():
    """One full collection of the client's 200 tabs held its only thread for 120 to
    570 ms mid-storm, and every run in flight was counted that much slower."""
    import gc

    from bench import load

    assert gc.isenabled()
    with load.client_collector_paused():
        assert not gc.isenabled()
        assert gc.get_freeze_count() > 0  # the set-up's objects are out of the way
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
