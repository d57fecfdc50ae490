"""Whole-page runs take turns; a click inside a fragment never waits for one (serve.py).

Why: one process runs Python on one core at a time, and Streamlit gives each session's
run its own thread, so under a burst every run in flight shares that core. A Save (a
fragment run, about 13 ms of CPU) that starts while eight chapter pages (whole runs,
20 to 45 ms each) are being drawn took as long as all of them together. Here at most
one whole-page run executes at a time, the others wait their turn in order of arrival
(at most MAX_WAIT_SECONDS, so one stuck run cannot stop every page), and fragment runs
(Save, a together answer, the reveal, opening a fold, the news poll) start at once
beside it. A page that is being opened can wait a little; the answer to a click on
Save should not.

Only on the embedded SQLite database (serve.py ``_tune_streamlit``), where a run's
queries are work on this core too. On PostgreSQL a run holds its turn while it waits
for the database server, and through the proxy pages and saves took longer with turns
than without.

A whole run that waits for a sign-in's key derivation (in the worker processes,
workbook/kdfpool.py) gives its turn up while it waits and finishes without one: it may
hold a database write by then, and another whole run may be waiting for that write.

Clicks first (``ClicksFirst``, on every database): while a fragment run is in
progress, a whole-page run gives way to it at its next element (each element a page
draws passes through ``ScriptRunContext.enqueue``), for at most PAUSE_SECONDS at a time
and PAGE_PAUSE_BUDGET in all (PAGE_PAUSE_BUDGET_ON_A_DATABASE_SERVER on PostgreSQL,
where a click also waits for the server), so a page is never held back for long. With turns alone,
a Save still shared the interpreter with the page whose turn it was: at the end of a
100-couple storm, when every partner is signed in and the process is busy, saves and
reveals took 124 to 571 ms at the 95th percentile (three runs); with clicks first, 32
to 125 ms, and chapter pages 107 to 163 ms instead of 169 to 326 (ten runs; 2026-12-02,
``make load``; ``make burst`` compares the three ways, README "Figures").

tests/test_turns.py checks the order, the fragments' free pass, the hand-over while a
sign-in waits, the longest wait, the pause for a click and its limits, and that the
pinned Streamlit still runs each script through ``exec_func_with_error_handling`` and
each element through ``ScriptRunContext.enqueue``.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

_log = logging.getLogger(__name__)
# How often a run waiting for its turn checks whether it is still wanted.
CHECK_SECONDS = 0.05


class Turns:
    """A first-come, first-served turn for whole-page runs, handed from one to the next."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._busy = False
        self._waiting: collections.deque[threading.Event] = collections.deque()
        self._holder = threading.local()

    def holds(self) -> bool:
        """Whether the calling thread has the turn now."""
        return getattr(self._holder, "has", False)

    def take(
        self, timeout: float | None = None, leave_if: Callable[[], bool] | None = None
    ) -> bool:
        """Wait for the turn (in order of arrival), then hold it; True if taken.

        The caller goes on without it (False) after ``timeout`` seconds, so that a run
        stuck on a dead database connection cannot stop every other page, the crisis
        lines among them; or as soon as ``leave_if()`` says the run is no longer
        wanted (checked every CHECK_SECONDS).
        """
        with self._lock:
            if not self._busy:
                self._busy = True
                self._holder.has = True
                return True
            mine = threading.Event()
            self._waiting.append(mine)
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if leave_if is not None:
                step = CHECK_SECONDS if left is None else min(CHECK_SECONDS, left)
            else:
                step = left
            if mine.wait(step):  # the one before hands the turn over by setting it
                break
            timed_out = deadline is not None and time.monotonic() >= deadline
            if timed_out or (leave_if is not None and leave_if()):
                with self._lock:
                    if mine in self._waiting:  # not handed over meanwhile: go without it
                        self._waiting.remove(mine)
                        return False
                break
        self._holder.has = True
        return True

    def give_up(self) -> None:
        """Hand the turn to the next in line, if the calling thread holds it."""
        if not self.holds():
            return
        self._holder.has = False
        with self._lock:
            if self._waiting:
                self._waiting.popleft().set()
            else:
                self._busy = False

    @contextlib.contextmanager
    def given_up(self) -> Iterator[None]:
        """While a run waits on something slow: the turn goes on, and is not taken back."""
        self.give_up()
        yield


TURNS = Turns()


class ClicksFirst:
    """Fragment runs in progress, and whole-page runs that give way to them."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._clicks = 0
        self._page = threading.local()
        # A page run's pauses in all; None: PAGE_PAUSE_BUDGET (``clicks_first`` sets it)
        self.page_pause_budget: float | None = None

    @contextlib.contextmanager
    def click(self) -> Iterator[None]:
        """A fragment run (a click, a fold, the news poll) for as long as it runs."""
        with self._changed:
            self._clicks += 1
        try:
            yield
        finally:
            with self._changed:
                self._clicks -= 1
                if not self._clicks:
                    self._changed.notify_all()

    @contextlib.contextmanager
    def page(self) -> Iterator[None]:
        """A whole-page run: the calling thread gives way (``give_way``) while it runs."""
        budget = self.page_pause_budget
        self._page.budget = PAGE_PAUSE_BUDGET if budget is None else budget
        try:
            yield
        finally:
            self._page.budget = 0.0

    def give_way(self, leave_if: Callable[[], bool] | None = None) -> None:
        """In a whole-page run: wait while fragment runs are in progress, within limits.

        Called before each element, so the check with nothing running is one read. A
        run that ``leave_if()`` says is no longer wanted (a newer click, a closed tab)
        does not wait: it stops at this element.
        """
        if not self._clicks:
            return
        budget = getattr(self._page, "budget", 0.0)
        if budget <= 0.0 or (leave_if is not None and leave_if()):
            return
        started = time.monotonic()
        with self._changed:
            self._changed.wait_for(lambda: not self._clicks, min(budget, PAUSE_SECONDS))
        self._page.budget = budget - (time.monotonic() - started)


CLICKS_FIRST = ClicksFirst()
# The longest one pause of a page for the clicks in progress, and all of a page run's
# pauses together; past the budget the page runs beside them as it would without.
PAUSE_SECONDS = 0.05
PAGE_PAUSE_BUDGET = 0.3
# On PostgreSQL a click also waits for the database server, and a page that gives way
# waits with it while the core may have room: a shorter budget there (serve.py). Two
# processes through the proxy, 2026-12-02: save and reveal p95 medians 130 and 117 ms
# with 0.15 s (5 storms), 159 and 131 with 0.3 s (9), 217 and 184 without pauses (12);
# chapter pages 274, 308 and 192 (deploy/README.md).
PAGE_PAUSE_BUDGET_ON_A_DATABASE_SERVER = 0.15
# The longest a whole-page run waits for its turn (on top of the pauses the run before
# may spend giving way to clicks). Under a storm the waits are 0.1 to 0.3 s; past this,
# runs share the interpreter again as they would without turns.
MAX_WAIT_SECONDS = 1.0


def _is_whole_run(ctx: Any) -> bool:
    return ctx is not None and not ctx.fragment_ids_this_run


def _superseded(ctx: Any) -> bool:
    """A newer click, or a closed tab, is waiting for this session: the run would stop
    at its first element, so it leaves the line instead of waiting for its turn.
    (Streamlit 1.67 keeps that state in ``ScriptRequests._state``.)"""
    from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequestType

    requests = getattr(ctx, "script_requests", None)
    return requests is not None and requests._state != ScriptRequestType.CONTINUE


def _wrapped_with(func: Any, mark: str) -> bool:
    """Whether ``func``, or a function it wraps, carries ``mark``: the two wrappers of
    ScriptRunner's call (turns and clicks first) are applied once each, in any order."""
    while func is not None:
        if getattr(func, mark, False):
            return True
        func = getattr(func, "__wrapped__", None)
    return False


def take_turns() -> None:
    """Make whole-page runs take turns (ScriptRunner's call of the script), and let a
    run waiting for a key derivation give its turn up."""
    from streamlit.runtime.scriptrunner import script_runner

    from workbook import kdfpool

    run = script_runner.exec_func_with_error_handling
    if _wrapped_with(run, "takes_turns"):
        return

    def run_in_turn(func, ctx):
        if not _is_whole_run(ctx):
            return run(func, ctx)
        taken = TURNS.take(MAX_WAIT_SECONDS + PAGE_PAUSE_BUDGET, leave_if=lambda: _superseded(ctx))
        if not taken and not _superseded(ctx):
            _log.warning(
                "A page waited %.1f s for its turn and runs without it: another page "
                "run may be stuck, waiting on something slow.",
                MAX_WAIT_SECONDS + PAGE_PAUSE_BUDGET,
            )
        try:
            return run(func, ctx)
        finally:
            TURNS.give_up()

    run_in_turn.takes_turns = True  # type: ignore[attr-defined]
    run_in_turn.__wrapped__ = run  # type: ignore[attr-defined]
    script_runner.exec_func_with_error_handling = run_in_turn
    kdfpool.while_waiting = TURNS.given_up


def clicks_first(page_pause_budget: float | None = None) -> None:
    """Make whole-page runs give way to fragment runs in progress (``ClicksFirst``):
    each run is counted as one or the other around ScriptRunner's call of the script,
    and every element a run draws is enqueued through ``ScriptRunContext.enqueue``.
    ``page_pause_budget``: a page run's pauses in all (default PAGE_PAUSE_BUDGET)."""
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext

    CLICKS_FIRST.page_pause_budget = page_pause_budget

    run = script_runner.exec_func_with_error_handling
    if not _wrapped_with(run, "counts_clicks"):

        def run_counted(func, ctx):
            with CLICKS_FIRST.page() if _is_whole_run(ctx) else CLICKS_FIRST.click():
                return run(func, ctx)

        run_counted.counts_clicks = True  # type: ignore[attr-defined]
        run_counted.__wrapped__ = run  # type: ignore[attr-defined]
        script_runner.exec_func_with_error_handling = run_counted

    enqueue = ScriptRunContext.enqueue
    if getattr(enqueue, "gives_way", False):
        return

    def enqueue_after_clicks(self, msg):
        CLICKS_FIRST.give_way(leave_if=lambda: _superseded(self))
        return enqueue(self, msg)

    enqueue_after_clicks.gives_way = True  # type: ignore[attr-defined]
    ScriptRunContext.enqueue = enqueue_after_clicks
