"""workbook/ui/turns.py: whole-page runs take turns, fragment runs never wait for one."""

from __future__ import annotations

import contextlib
import inspect
import threading
import time
from types import SimpleNamespace

import pytest
from streamlit.runtime.scriptrunner import script_runner

from workbook import kdfpool
from workbook.ui import turns

WAIT = 5.0


def _until(condition, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def _whole(ids: list[str] | None = None) -> SimpleNamespace:
    """A whole-page run's context: Streamlit 1.67 leaves its fragment ids None (a
    fresh page) or empty."""
    return SimpleNamespace(fragment_ids_this_run=ids)


def _fragment() -> SimpleNamespace:
    return SimpleNamespace(fragment_ids_this_run=["a question"])


@pytest.fixture
def gated(monkeypatch):
    """take_turns applied for this test only, with a fresh turn and a stand-in for
    Streamlit's exec_func_with_error_handling that runs the function given."""
    monkeypatch.setattr(turns, "TURNS", turns.Turns())
    monkeypatch.setattr(script_runner, "exec_func_with_error_handling", lambda func, ctx: func())
    monkeypatch.setattr(kdfpool, "while_waiting", kdfpool.while_waiting)
    turns.take_turns()
    turns.take_turns()  # applying it twice changes nothing
    return script_runner.exec_func_with_error_handling


def test_the_pinned_streamlit_runs_each_script_through_the_name_that_is_wrapped():
    source = inspect.getsource(script_runner.ScriptRunner._run_script)
    assert "= exec_func_with_error_handling(code_to_exec, ctx)" in source
    assert "fragment_ids_this_run=fragment_ids_this_run" in source  # set before the run


def test_turns_go_in_order_of_arrival():
    gate = turns.Turns()
    gate.take()
    order: list[int] = []

    def run(number: int) -> None:
        gate.take()
        order.append(number)
        gate.give_up()

    threads = []
    for number in range(5):
        thread = threading.Thread(target=run, args=(number,))
        thread.start()
        threads.append(thread)
        _until(lambda n=number: len(gate._waiting) == n + 1)  # queued before the next
    gate.give_up()
    for thread in threads:
        thread.join(WAIT)
    assert order == [0, 1, 2, 3, 4]
    gate.take()  # free again: taken at once
    assert gate.holds()


def test_a_whole_run_waits_for_the_one_before_and_a_fragment_run_does_not(gated):
    inside, leave = threading.Event(), threading.Event()
    events: list[str] = []

    def first_page() -> str:
        inside.set()
        leave.wait(WAIT)
        events.append("first page done")
        return "first page"

    first = threading.Thread(target=gated, args=(first_page, _whole()))
    first.start()
    assert inside.wait(WAIT)

    second = threading.Thread(
        target=gated, args=(lambda: events.append("second page ran"), _whole([]))
    )
    second.start()
    _until(lambda: len(turns.TURNS._waiting) == 1)
    assert gated(lambda: "saved", _fragment()) == "saved"  # a Save does not wait
    assert events == []
    leave.set()
    first.join(WAIT)
    second.join(WAIT)
    assert events == ["first page done", "second page ran"]


def test_a_run_that_fails_still_hands_the_turn_on(gated):
    def broken():
        raise RuntimeError("a page failed")

    with pytest.raises(RuntimeError):
        gated(broken, _whole())
    assert gated(lambda: "next page", _whole()) == "next page"  # would hang before


def test_a_run_waiting_for_its_sign_in_gives_its_turn_up_and_finishes_without_one(gated):
    deriving, derived = threading.Event(), threading.Event()
    events: list[str] = []

    def signing_in() -> None:
        with kdfpool.while_waiting():  # as kdfpool.derive does around the worker
            deriving.set()
            derived.wait(WAIT)
        events.append("signed in")

    sign_in = threading.Thread(target=gated, args=(signing_in, _whole()))
    sign_in.start()
    assert deriving.wait(WAIT)
    gated(lambda: events.append("another page"), _whole())  # does not wait for the KDF
    assert events == ["another page"]

    holding, leave = threading.Event(), threading.Event()

    def long_page() -> None:
        holding.set()
        leave.wait(WAIT)

    page = threading.Thread(target=gated, args=(long_page, _whole()))
    page.start()
    assert holding.wait(WAIT)
    derived.set()  # the sign-in goes on without taking a turn back
    sign_in.join(WAIT)
    assert events == ["another page", "signed in"]
    leave.set()
    page.join(WAIT)
    assert gated(lambda: "free", _whole()) == "free"


def test_a_run_stuck_with_the_turn_holds_the_others_back_only_so_long(gated, monkeypatch, caplog):
    """A whole run stuck on a dead database connection keeps its turn; the next page
    (the crisis lines, say) goes on without one after MAX_WAIT_SECONDS."""
    monkeypatch.setattr(turns, "MAX_WAIT_SECONDS", 0.2)
    stuck, release = threading.Event(), threading.Event()

    def stuck_page() -> None:
        stuck.set()
        release.wait(WAIT)

    first = threading.Thread(target=gated, args=(stuck_page, _whole()))
    first.start()
    assert stuck.wait(WAIT)
    started = time.monotonic()
    assert gated(lambda: "get help", _whole()) == "get help"
    waited = time.monotonic() - started
    assert 0.15 < waited < 2.0
    assert not turns.TURNS._waiting  # it left the line
    assert "another page run may be stuck" in caplog.text  # the operator hears of it
    release.set()
    first.join(WAIT)
    assert gated(lambda: "free again", _whole()) == "free again"
    assert not turns.TURNS._busy


def test_a_turn_handed_over_just_as_the_wait_ends_is_kept():
    gate = turns.Turns()
    gate.take()
    took: list[bool] = []
    waiter = threading.Thread(target=lambda: took.append(gate.take(timeout=WAIT)))
    waiter.start()
    _until(lambda: len(gate._waiting) == 1)
    gate.give_up()
    waiter.join(WAIT)
    assert took == [True]
    assert gate._busy  # the waiter holds it now


def test_a_key_derivation_in_the_workers_is_waited_for_inside_while_waiting(monkeypatch):
    """What lets a sign-in's page run give its turn up: kdfpool.derive waits for its
    worker (and for a place in its queue) inside ``while_waiting``."""
    import concurrent.futures
    import contextlib

    events: list[str] = []

    @contextlib.contextmanager
    def recording():
        events.append("turn given up")
        yield
        events.append("done waiting")

    class Pool:
        def submit(self, fn, *args):
            events.append("derived in a worker")
            future = concurrent.futures.Future()
            future.set_result(b"k" * 32)
            return future

    monkeypatch.setattr(kdfpool, "while_waiting", recording)
    monkeypatch.setattr(kdfpool, "_get_pool", lambda: Pool())
    key = kdfpool.derive(b"secret", b"salt" * 4, kdfpool.INLINE_BELOW_KIB, 3, 4, None)
    assert key == b"k" * 32
    assert events == ["turn given up", "derived in a worker", "done waiting"]


def test_a_run_that_a_newer_click_replaces_leaves_the_line_at_once(gated, monkeypatch):
    """A second click (or a closed tab) while a page waits for its turn: the waiting
    run would stop at its first element, so it leaves the line instead of waiting."""
    from streamlit.runtime.scriptrunner_utils.script_requests import (
        RerunData,
        ScriptRequests,
        ScriptRequestType,
    )

    requests = ScriptRequests()
    assert requests._state == ScriptRequestType.CONTINUE  # what _superseded reads
    monkeypatch.setattr(turns, "MAX_WAIT_SECONDS", WAIT)
    holding, leave = threading.Event(), threading.Event()

    def long_page() -> None:
        holding.set()
        leave.wait(WAIT)

    first = threading.Thread(target=gated, args=(long_page, _whole()))
    first.start()
    assert holding.wait(WAIT)
    waiting = SimpleNamespace(fragment_ids_this_run=[], script_requests=requests)
    outcome: list[str] = []
    second = threading.Thread(target=gated, args=(lambda: outcome.append("ran"), waiting))
    second.start()
    _until(lambda: len(turns.TURNS._waiting) == 1)
    started = time.monotonic()
    requests.request_rerun(RerunData())  # the person clicked again
    second.join(WAIT)
    assert outcome == ["ran"]  # went on without the turn (and would stop at once)
    assert time.monotonic() - started < 1.0  # not the whole wait
    assert not turns.TURNS._waiting
    leave.set()
    first.join(WAIT)
    assert gated(lambda: "free", _whole()) == "free"


# --- Clicks first: a whole-page run gives way to fragment runs in progress ----------


@pytest.fixture
def clicks(monkeypatch):
    """clicks_first applied for this test only: a fresh count, a stand-in for
    Streamlit's exec_func_with_error_handling, and Streamlit's real
    ScriptRunContext.enqueue wrapped (and put back afterwards)."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext

    monkeypatch.setattr(turns, "CLICKS_FIRST", turns.ClicksFirst())
    monkeypatch.setattr(script_runner, "exec_func_with_error_handling", lambda func, ctx: func())
    monkeypatch.setattr(ScriptRunContext, "enqueue", ScriptRunContext.enqueue)
    turns.clicks_first()
    turns.clicks_first()  # applying it twice changes nothing
    return script_runner.exec_func_with_error_handling


def _element() -> None:
    """What every element of a page does on its way to the browser."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext

    ScriptRunContext.enqueue(SimpleNamespace(), None)  # the wrapper gives way first


@pytest.fixture
def no_real_enqueue(monkeypatch):
    """ScriptRunContext.enqueue with Streamlit's own body replaced by a no-op, so that
    ``_element`` needs no session; applied before ``clicks`` wraps it."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext

    monkeypatch.setattr(ScriptRunContext, "enqueue", lambda self, msg: None)


@pytest.fixture
def long_pauses(monkeypatch):
    """Pauses far longer than any test waits: a page that gives way is seen waiting."""
    monkeypatch.setattr(turns, "PAUSE_SECONDS", WAIT)
    monkeypatch.setattr(turns, "PAGE_PAUSE_BUDGET", WAIT)


@contextlib.contextmanager
def _click_running(clicks, when_done=lambda: None):
    """A fragment run in progress until the block ends; ``when_done`` is its last act."""
    in_click, end_click = threading.Event(), threading.Event()

    def click() -> None:
        in_click.set()
        end_click.wait(WAIT)
        when_done()

    thread = threading.Thread(target=clicks, args=(click, _fragment()))
    thread.start()
    assert in_click.wait(WAIT)
    try:
        yield
    finally:
        end_click.set()
        thread.join(WAIT)


def test_the_pinned_streamlit_sends_every_element_through_the_name_that_is_wrapped():
    from streamlit.runtime.scriptrunner_utils import script_run_context

    source = inspect.getsource(script_run_context.enqueue_message)
    assert "ctx.enqueue(msg)" in source


def test_a_page_waits_at_its_next_element_while_a_click_runs(no_real_enqueue, clicks, long_pauses):
    events: list[str] = []

    def page() -> None:
        _element()
        events.append("page element")

    with _click_running(clicks, when_done=lambda: events.append("saved")):
        drawing = threading.Thread(target=clicks, args=(page, _whole()))
        drawing.start()
        time.sleep(0.1)
        assert events == []  # the page gives way
    drawing.join(WAIT)
    assert events == ["saved", "page element"]


def test_a_click_does_not_wait_for_another_click(no_real_enqueue, clicks, long_pauses):
    with _click_running(clicks):
        started = time.monotonic()
        assert clicks(lambda: (_element(), "saved")[1], _fragment()) == "saved"
        assert time.monotonic() - started < 1.0  # no pause (one would be PAUSE_SECONDS)


def _pauses_of_a_page(clicks, elements: int) -> list[float]:
    """How long each of a page's elements waited while a click never ended."""
    pauses: list[float] = []

    def page() -> None:
        for _ in range(elements):
            started = time.monotonic()
            _element()
            pauses.append(time.monotonic() - started)

    with _click_running(clicks):
        clicks(page, _whole())
    return pauses


def test_a_page_gives_way_only_so_long(no_real_enqueue, clicks, monkeypatch):
    """One pause lasts at most PAUSE_SECONDS and a page run's pauses together at most
    PAGE_PAUSE_BUDGET: a click that never ends holds a page back only that long."""
    monkeypatch.setattr(turns, "PAUSE_SECONDS", 0.05)
    monkeypatch.setattr(turns, "PAGE_PAUSE_BUDGET", 0.12)
    pauses = _pauses_of_a_page(clicks, elements=5)
    assert all(p < 0.05 + 0.03 for p in pauses)
    assert 0.12 <= sum(pauses) < 0.22  # five pauses of 0.05 s would be 0.25
    assert pauses[-1] < 0.005  # the budget is spent: the last element goes at once


def test_on_a_database_server_a_page_gives_way_for_less_time_in_all(
    no_real_enqueue, clicks, monkeypatch
):
    """serve.py passes PostgreSQL's shorter budget; it replaces PAGE_PAUSE_BUDGET."""
    monkeypatch.setattr(turns, "PAUSE_SECONDS", 0.05)
    monkeypatch.setattr(turns, "PAGE_PAUSE_BUDGET", WAIT)
    turns.clicks_first(page_pause_budget=0.12)
    pauses = _pauses_of_a_page(clicks, elements=6)
    assert 0.12 <= sum(pauses) < 0.22  # six pauses of 0.05 s would be 0.3
    assert pauses[-1] < 0.005


def test_a_page_that_fails_leaves_no_pause_budget_behind(no_real_enqueue, clicks, long_pauses):
    """The same thread runs the session's fragments later: they must never give way."""

    def broken() -> None:
        raise RuntimeError("a page failed")

    with pytest.raises(RuntimeError):
        clicks(broken, _whole())
    with _click_running(clicks):
        started = time.monotonic()
        _element()  # this thread ran the page; no page runs in it now
        assert time.monotonic() - started < 1.0


def test_a_click_that_fails_is_no_longer_counted(no_real_enqueue, clicks, long_pauses):

    def broken() -> None:
        raise RuntimeError("a save failed")

    with pytest.raises(RuntimeError):
        clicks(broken, _fragment())
    started = time.monotonic()
    clicks(_element, _whole())  # a page after it does not wait for it
    assert time.monotonic() - started < 1.0


def test_a_page_a_newer_click_replaces_does_not_wait(
    no_real_enqueue, clicks, long_pauses, monkeypatch
):
    """It stops at its next element anyway: waiting first would only delay the new run."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext

    monkeypatch.setattr(turns, "_superseded", lambda ctx: ctx == "replaced")
    with _click_running(clicks):
        started = time.monotonic()
        clicks(lambda: ScriptRunContext.enqueue("replaced", None), _whole())
        assert time.monotonic() - started < 1.0


def test_turns_and_clicks_first_applied_again_in_any_order_wrap_once(monkeypatch):
    """A second call of serve.py's tuning must not nest a turn inside a turn: the
    inner one would wait for the turn its own thread holds."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext

    monkeypatch.setattr(turns, "TURNS", turns.Turns())
    monkeypatch.setattr(turns, "CLICKS_FIRST", turns.ClicksFirst())
    monkeypatch.setattr(script_runner, "exec_func_with_error_handling", lambda func, ctx: func())
    monkeypatch.setattr(ScriptRunContext, "enqueue", ScriptRunContext.enqueue)
    monkeypatch.setattr(kdfpool, "while_waiting", kdfpool.while_waiting)
    for _ in range(2):
        turns.clicks_first()
        turns.take_turns()
    calls = 0
    run = script_runner.exec_func_with_error_handling
    while run is not None:
        calls += 1
        run = getattr(run, "__wrapped__", None)
    assert calls == 3  # turns, clicks first, Streamlit's own
    started = time.monotonic()
    assert script_runner.exec_func_with_error_handling(lambda: "page", _whole()) == "page"
    assert time.monotonic() - started < 0.5
