"""Argon2id in a small pool of low-priority worker processes, so sign-ins cannot starve pages.

Why a process pool: one Argon2id (64 MiB, t=3, 4 lanes) keeps both cores of a small
server busy for about 85 ms. Run in the app's own threads, a burst of sign-ins takes
every core and each page rerun waits behind them (issue 14: save p95 2.3 s at 100
couples). In a separate process at ``os.nice(10)``, the kernel gives page work the CPU
first and the sign-ins use what is left over.

- One worker per two cores (at least one). ``cryptography``'s Argon2id hangs when
  several threads of one process derive at once (ARCHITECTURE.md); each worker derives
  one at a time, so that cannot happen here.
- A bounded queue: at most QUEUE_LIMIT derivations wait or run per app process; the
  next caller waits up to WAIT_SECONDS for a place and then gets KdfBusy, which the
  page shows as a kind "many people are signing in" message. Memory stays bounded by
  the number of workers (64 MiB each), not by the number of people signing in.
- The "spawn" start method: the app process has many threads, and forking it could
  copy a lock held by one of them into the child.
- Cheap derivations (below INLINE_BELOW_KIB, which only the tests' tiny KDF uses) run
  in the calling process: no worker start-up, and the tests stay fast.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

INLINE_BELOW_KIB = 8192
QUEUE_LIMIT = 64
WAIT_SECONDS = 60.0
NICENESS = 10
KEY_LEN = 32

_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()
_slots = threading.BoundedSemaphore(QUEUE_LIMIT)
# In-process derivations, one at a time (cryptography's threading limit, above).
_inline = threading.Lock()


# Entered while a caller waits for a worker: serve.py sets it so that a page run waiting
# for its sign-in gives up its turn to the other page runs (workbook/ui/turns.py).
while_waiting: Callable[[], contextlib.AbstractContextManager] = contextlib.nullcontext


class KdfBusy(RuntimeError):
    """Too many sign-ins are waiting in this process; try again in a moment."""


def worker_count(cores: int | None = None) -> int:
    """One worker per two cores, at least one."""
    return max(1, (cores or os.cpu_count() or 2) // 2)


def _worker_start() -> None:
    """Worker initialiser: let page work have the CPU first, and go when the app goes.

    A worker whose app process was killed (SIGKILL, out of memory) would otherwise
    live on as an orphan holding its memory; it checks its parent once a second.
    """
    try:
        os.nice(NICENESS)
    except OSError:  # not allowed here: still correct, only less polite
        pass
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="kdf-parent-watch", daemon=True).start()


def derive_raw(
    secret_input: bytes, salt: bytes, memory_kib: int, iterations: int, lanes: int, pepper
) -> bytes:
    """One Argon2id derivation (runs in a worker, or inline for tiny test costs)."""
    return Argon2id(
        salt=salt,
        length=KEY_LEN,
        iterations=iterations,
        lanes=lanes,
        memory_cost=memory_kib,
        secret=pepper or None,
    ).derive(secret_input)


def _get_pool() -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(
                max_workers=worker_count(),
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_worker_start,
            )
        return _pool


def _drop_pool(broken: ProcessPoolExecutor) -> None:
    global _pool
    with _pool_lock:
        if _pool is broken:
            _pool = None
    broken.shutdown(wait=False, cancel_futures=True)


def warm_up() -> None:
    """Start the workers now (serve.py), so the first sign-in does not pay for it."""
    _get_pool().submit(os.getpid).result(timeout=60)


def shutdown() -> None:
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


atexit.register(shutdown)


def derive(
    secret_input: bytes, salt: bytes, memory_kib: int, iterations: int, lanes: int, pepper
) -> bytes:
    """Derive a key, in the pool unless the cost is tiny; KdfBusy if the queue stays full."""
    args = (secret_input, salt, memory_kib, iterations, lanes, pepper)
    if memory_kib < INLINE_BELOW_KIB:
        with _inline:
            return derive_raw(*args)
    with while_waiting():
        if not _slots.acquire(timeout=WAIT_SECONDS):
            raise KdfBusy("too many sign-ins are waiting")
        try:
            for attempt in (1, 2):  # a worker killed under us (OOM): one fresh pool, once
                pool = _get_pool()
                try:
                    return pool.submit(derive_raw, *args).result()
                except BrokenProcessPool:
                    _drop_pool(pool)
                    if attempt == 2:
                        raise
            raise AssertionError("unreachable")
        finally:
            _slots.release()
