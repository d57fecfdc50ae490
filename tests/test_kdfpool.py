"""Argon2id runs in a small pool of low-priority processes with a bounded queue."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from workbook import kdfpool, vault
from workbook.vault import KdfParams

from conftest import PROJECT

# Big enough to take the pool path, small enough to be quick.
POOL_KDF = KdfParams(memory_kib=kdfpool.INLINE_BELOW_KIB, iterations=1, lanes=1)


@pytest.fixture
def fresh_pool():
    kdfpool.shutdown()
    yield
    kdfpool.shutdown()


def test_one_worker_per_two_cores():
    assert [kdfpool.worker_count(n) for n in (1, 2, 3, 4, 8)] == [1, 1, 1, 2, 4]


def test_the_pool_derives_the_same_key_as_in_process(fresh_pool):
    salt, pepper = os.urandom(16), os.urandom(32)
    pooled = vault.derive_kek("correct horse battery", salt, POOL_KDF, pepper)
    direct = kdfpool.derive_raw(
        vault.normalise_passphrase("correct horse battery"), salt, POOL_KDF.memory_kib, 1, 1, pepper
    )
    assert pooled.secret == direct
    assert kdfpool._pool is not None  # it really went through the pool


def test_workers_run_at_lower_priority_than_the_app(fresh_pool):
    kdfpool.warm_up()
    worker_nice = kdfpool._get_pool().submit(os.nice, 0).result(timeout=60)
    assert worker_nice >= os.nice(0) + kdfpool.NICENESS or worker_nice == 19


def test_several_sign_ins_at_once_all_finish(fresh_pool):
    salt, pepper = os.urandom(16), os.urandom(32)
    results: list[bytes] = []

    def one() -> None:
        results.append(vault.derive_kek("same words", salt, POOL_KDF, pepper).secret)

    threads = [threading.Thread(target=one) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(results) == 6 and len(set(results)) == 1


def test_a_full_queue_says_busy_instead_of_growing(fresh_pool, monkeypatch):
    monkeypatch.setattr(kdfpool, "_slots", threading.BoundedSemaphore(1))
    monkeypatch.setattr(kdfpool, "WAIT_SECONDS", 0.05)
    assert kdfpool._slots.acquire()  # someone else holds the only place
    with pytest.raises(kdfpool.KdfBusy):
        vault.derive_kek("words", os.urandom(16), POOL_KDF, None)


def test_the_tests_tiny_kdf_stays_in_process(fresh_pool):
    vault.derive_kek("words", os.urandom(16), KdfParams(1024, 1, 1), None)
    assert kdfpool._pool is None


def test_workers_go_when_their_app_process_is_killed(tmp_path):
    script = (
        "import os, sys, time\n"
        "from workbook import kdfpool\n"
        "kdfpool.warm_up()\n"
        "print(kdfpool._get_pool().submit(os.getpid).result(), flush=True)\n"
        "time.sleep(60)\n"
    )
    app = subprocess.Popen(
        [sys.executable, "-c", script], cwd=PROJECT, stdout=subprocess.PIPE, text=True
    )
    worker = int(app.stdout.readline())
    app.kill()
    app.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _running(worker):
        time.sleep(0.2)
    assert not _running(worker), "an orphaned KDF worker was left running"


def _running(pid: int) -> bool:
    """Alive and not a zombie (a container's first process may never reap it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
