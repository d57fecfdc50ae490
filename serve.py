"""Start the app (``make run`` calls this): ``python serve.py [streamlit options]``.

Why not plain ``streamlit run app.py``:

- With a folder named ``pages/`` beside the entry file, Streamlit 1.67 runs the very
  first request of a fresh server in its old multipage mode, so a deep link such as
  ``/account`` would run that page file alone, without ``app.py`` (no idle lock, no
  "Get help now" link, and a "Page not found" pop-up). Every page here is registered
  by ``st.navigation`` in ``app.py``, so we tell Streamlit so before the server starts.
- The database is reached, migrated and checked against the instance secret *before*
  the server listens (workbook/startup.py): a process that cannot serve says why and
  exits with status 2 instead of answering health checks. The low-priority workers
  that turn passphrases into keys (workbook/kdfpool.py) start here too.
- Everything the pages use is imported before the server listens, and what was
  imported is then kept out of Python's garbage collector (``gc.freeze``), with
  fewer collections of the young objects each page run makes. Measured with 100
  couples arriving at once (``make load``): the first import took 1.3 s while the
  first 15 people waited, and full collections of the whole heap paused every page
  of every session for up to 260 ms.
- Replies leave at once (TCP_NODELAY). Streamlit 1.67 binds its listening socket
  with protocol 0, and asyncio turns Nagle's algorithm off only for sockets whose
  protocol says TCP, so every connection kept it: a run's small WebSocket frames
  waited for the browser's delayed acknowledgement, about 40 ms of nothing on each
  click that followed another (measured: 48 ms for a run that takes 15 ms). Set on
  the listening socket, the option is inherited by every accepted connection.
- Streamlit's send loop gives way to other tasks after every 32nd message instead of
  after each one, and a thread waits at most 1 ms for the interpreter (see
  GIL_SWITCH_SECONDS and SEND_MESSAGES_PER_TURN for the measurements).
- A run's events reach the event loop in one wake-up per burst, not one per message
  (``_one_wake_up_per_burst``): each wake-up was a write to the loop's self-pipe, a
  system call that also hands the interpreter to another thread, 30 to 80 times a run.
  The send loop is woken the same way, once per burst (``_one_send_wake_up_per_burst``).
  A burst gathers for DRAIN_SECONDS (4 ms) before the loop takes it; the end of a run
  goes at once. And a burst of WebSocket messages leaves in one socket write, not one
  write per message (``_one_socket_write_per_burst``). Together: from about 170
  ``send`` system calls for a chapter page with its folds open to about 26, and
  about a tenth less server CPU per run (account, Today, journal and chapter pages
  alike; four interleaved rounds, 2026-12-02).
- Costs of Streamlit that grow with the page or come with every run, made flat
  (workbook/ui/speedups.py): a widget checks its own key in session state, not a copy
  of all of it; a fragment copies the page's cursors directly (together a fifth of the
  CPU of a chapter run with its questions open); and the theme part of the message
  that starts every whole-page run is made once, not read from all of Streamlit's
  settings six times a run.
- On SQLite, whole-page runs take turns, and a click inside a fragment never waits
  for one (workbook/ui/turns.py): under a burst, Save answered two to four times
  sooner at the 95th percentile, and more pages were drawn in the same time
  (``make burst``). On PostgreSQL pages only give way to clicks, and for less time
  (``_tune_streamlit`` says why).
- ``server.allowedHosts`` (the Host names WebSocket connections may use; it guards
  against DNS rebinding) is 127.0.0.1 and localhost, plus the address given with
  ``--server.address`` and any names in WORKBOOK_ALLOWED_HOSTS (comma-separated).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys
import threading
import types
from pathlib import Path

DEFAULT_HOSTS = ["127.0.0.1", "localhost"]
ANY_ADDRESS = {"0.0.0.0", "::", ""}  # noqa: S104 (recognised, not bound)


def _option(argv: list[str], name: str) -> str | None:
    """The value of ``--name value`` or ``--name=value`` in argv, if given."""
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def allowed_hosts(address: str | None, extra: str) -> list[str]:
    """127.0.0.1 and localhost, the bound address, and the operator's extra names.

    Bound to every address (0.0.0.0), the machine's own name is added too; any other
    name people type (a DNS name in front of a proxy) goes in WORKBOOK_ALLOWED_HOSTS.
    """
    hosts = list(DEFAULT_HOSTS)
    if address in ANY_ADDRESS:
        hosts += [socket.gethostname(), socket.getfqdn()]
    elif address:
        hosts.append(address.strip("[]"))
    hosts += [h.strip() for h in extra.split(",") if h.strip()]
    return list(dict.fromkeys(h.lower() for h in hosts))


def streamlit_argv(argv: list[str], app: str) -> list[str]:
    """The ``streamlit run`` command line, with allowedHosts set unless the caller set it."""
    args = ["streamlit", "run", app, *argv]
    if _option(argv, "--server.allowedHosts") is None:
        address = _option(argv, "--server.address")
        for host in allowed_hosts(address, os.environ.get("WORKBOOK_ALLOWED_HOSTS", "")):
            args += ["--server.allowedHosts", host]
    return args


# Young-object collections every 20,000 allocations instead of 700: a page run makes
# tens of thousands of short-lived objects (protobuf messages, widget states).
GC_YOUNG_THRESHOLD = 20_000
# How long a thread that wants the interpreter waits before the running one must let
# go (Python's default: 5 ms). The event loop that sends every page to the browsers
# gives the interpreter up at each socket call and then waits this long behind page
# runs to get it back. Under ``make load`` 1 ms did better than 5 ms, and 0.2 ms
# cost more in switching than it saved.
GIL_SWITCH_SECONDS = 0.001
# Streamlit's send loop gives way to other tasks after every single message of every
# session (``await asyncio.sleep(0)``). Under load each of those turns costs a wait
# for the interpreter, and a page's last message waited 100-300 ms behind other
# pages' messages. Giving way after every 32nd keeps each session's send queue (at
# most 500 messages) far from full, since its sender runs at each of these turns.
SEND_MESSAGES_PER_TURN = 32
# How long a page run's messages gather before the event loop takes them
# (``_one_wake_up_per_burst``). The end of a run is handed over at once.
DRAIN_SECONDS = 0.004
# The most a connection holds back for one socket write (``_one_socket_write_per_burst``):
# past it the frames go at once, so that a client that reads slowly still makes the
# transport push back (its high-water mark is 64 KiB) instead of a whole send queue
# piling up in memory. A chapter page is about 60 KiB in all.
FLUSH_BYTES = 64 * 1024


def _warm_up_imports() -> None:
    """Import what every page run needs now, then freeze it out of the collector."""
    import gc

    import streamlit.delta_generator

    import workbook.ui  # noqa: F401  (everything app.py and the pages import)

    # Streamlit checks once, at the first element any page draws, whether it runs in a
    # REPL, with inspect.stack(): 80-290 ms that held the interpreter while the first
    # visitor waited. Served by streamlit run, that warning can never apply.
    streamlit.delta_generator._use_warning_has_been_displayed = True
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, old)
    sys.setswitchinterval(GIL_SWITCH_SECONDS)


def _no_delay_on_connections() -> None:
    """Turn Nagle's algorithm off on the listening socket Streamlit binds.

    Linux copies TCP_NODELAY from the listening socket to each accepted connection;
    tests/test_startup.py checks both that and that Streamlit still binds through
    ``_bind_socket``.
    """
    from streamlit.web.server.starlette import starlette_server

    bind = starlette_server._bind_socket
    if getattr(bind, "sets_no_delay", False):
        return

    def bind_without_delay(address: str, port: int, backlog: int) -> socket.socket:
        sock = bind(address, port, backlog)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    bind_without_delay.sets_no_delay = True  # type: ignore[attr-defined]
    starlette_server._bind_socket = bind_without_delay


class _FewerTurnsAsyncio(types.ModuleType):
    """``asyncio`` as Streamlit's runtime module sees it: ``sleep(0)`` gives way only
    every SEND_MESSAGES_PER_TURN calls; everything else is asyncio itself."""

    def __init__(self) -> None:
        super().__init__("asyncio")
        self.calls = 0

    def __getattr__(self, name: str):
        return getattr(asyncio, name)

    def sleep(self, delay: float, result=None):
        if delay == 0:
            self.calls += 1
            if self.calls % SEND_MESSAGES_PER_TURN:
                return _at_once(result)
        return asyncio.sleep(delay, result)


async def _at_once(result=None):
    """An awaitable that completes without giving the event loop a turn."""
    return result


def _fewer_turns_while_sending() -> None:
    """Let Streamlit's send loop (Runtime._loop_coroutine) give way less often.

    Only ``streamlit.runtime.runtime`` sees the change, and its only ``sleep(0)`` is
    the one after each message; tests/test_startup.py checks that on the pinned
    Streamlit.
    """
    from streamlit.runtime import runtime

    if not isinstance(runtime.asyncio, _FewerTurnsAsyncio):
        runtime.asyncio = _FewerTurnsAsyncio()


def _one_wake_up_per_burst() -> None:
    """Hand a session's ScriptRunner events to the event loop in batches, in order.

    Streamlit 1.67 schedules one event-loop callback per event (every message of a
    run is one), and ``call_soon_threadsafe`` writes to the loop's self-pipe each
    time. Here an event joins the session's queue, and only the first of a burst
    schedules the drain: the events run on the loop in the same order, one after
    another, as before. tests/test_startup.py checks the order and the count of
    wake-ups, and that the pinned Streamlit still routes events through these names.
    """
    from streamlit.runtime.app_session import AppSession

    if getattr(AppSession._on_scriptrunner_event, "batched", False):
        return

    from streamlit.runtime.scriptrunner import ScriptRunnerEvent

    message = ScriptRunnerEvent.ENQUEUE_FORWARD_MSG

    def on_event(self, sender, event, *args, **kwargs) -> None:
        queue = self.__dict__.get("_workbook_events")
        if queue is None:
            queue = self.__dict__.setdefault("_workbook_events", (threading.Lock(), []))
        lock, pending = queue
        with lock:
            pending.append((sender, event, args, kwargs))
            first = len(pending) == 1
        if event is not message:  # a run started or ended: hand everything over now
            self._call_soon_on_event_loop(lambda: _drain_events(self, queue))
        elif first:
            self._call_soon_on_event_loop(lambda: _drain_soon(self, queue))

    on_event.batched = True  # type: ignore[attr-defined]
    AppSession._on_scriptrunner_event = on_event


def _drain_soon(session, queue: tuple[threading.Lock, list]) -> None:
    """On the event loop: hand a burst of messages over DRAIN_SECONDS from now, so
    that the messages the run queues meanwhile go with it, without waking the loop."""
    asyncio.get_running_loop().call_later(DRAIN_SECONDS, _drain_events, session, queue)


def _drain_events(session, queue: tuple[threading.Lock, list]) -> None:
    lock, pending = queue
    with lock:
        batch = pending[:]
        pending.clear()
    for sender, event, args, kwargs in batch:
        try:
            session._handle_scriptrunner_event_on_event_loop(sender, event, *args, **kwargs)
        except Exception:  # one callback each, as before: asyncio logged and went on
            logging.getLogger(__name__).exception("ScriptRunner event %s failed", event)


def _one_send_wake_up_per_burst() -> None:
    """Wake Streamlit's send loop once per burst of messages, not once per message.

    Streamlit 1.67 tells its send loop (Runtime._loop_coroutine) about every message it
    queues with ``call_soon_threadsafe``: a write to the event loop's self-pipe, a
    system call, about 130 times for a chapter page with its folds open (5% of a
    profile's samples on such pages, and as many extra turns of the event loop). The
    messages are queued on the event loop itself (``_drain_events``), where setting the
    loop's event directly does the same. From any other thread, one wake-up is
    scheduled at a time, and it is cleared before it sets the event, so a message
    queued after that schedules the next one: no message waits for a later one.
    tests/test_startup.py checks both ways and the pinned Streamlit's names.
    """
    from streamlit.runtime.runtime import Runtime

    if getattr(Runtime._enqueued_some_message, "batched", False):
        return

    def enqueued_some_message(self) -> None:
        objs = self._get_async_objs()
        loop = objs.eventloop
        try:
            on_loop = asyncio.get_running_loop() is loop
        except RuntimeError:  # no loop runs in this thread
            on_loop = False
        if on_loop:
            objs.need_send_data.set()
            return
        if self.__dict__.get("_workbook_wake_pending"):
            return
        # Set before scheduling: set after, a wake-up that ran in between would leave
        # it set with nothing scheduled, and every later message would wait.
        self._workbook_wake_pending = True

        def wake() -> None:
            self._workbook_wake_pending = False
            objs.need_send_data.set()

        try:
            loop.call_soon_threadsafe(wake)
        except RuntimeError:  # the loop is closed (shutting down): say so, as before
            self._workbook_wake_pending = False
            raise

    enqueued_some_message.batched = True  # type: ignore[attr-defined]
    Runtime._enqueued_some_message = enqueued_some_message


def _one_socket_write_per_burst() -> None:
    """Write a burst of WebSocket messages to the socket at once, not one by one.

    Streamlit's send task hands a session's queued messages to uvicorn one after
    another without giving the event loop a turn in between, and uvicorn's WebSocket
    protocol wrote each frame with its own ``transport.write``: a ``send`` system call
    for each of the 130 messages of a chapter page with its folds open (9% of a
    profile's samples on such pages). Here a message's frame joins the connection's
    outgoing frames (the sans-I/O ``ServerProtocol`` keeps them in order), and one
    flush, at the event loop's next turn, writes all of them together. Every other
    writer (handshake, close, ping, pong) takes its bytes from the same buffer, so
    the order on the wire is the order of the calls. What the app sent before it
    returns is written before uvicorn closes the connection, and past FLUSH_BYTES a
    burst is written at once. tests/test_startup.py checks the order, the single
    write, flow control, the app's last words and the pinned uvicorn's names.
    """
    from uvicorn.protocols.utils import ClientDisconnected
    from uvicorn.protocols.websockets import websockets_sansio_impl as impl

    protocol = impl.WebSocketsSansIOProtocol
    original = protocol.send
    if getattr(original, "coalesced", False):
        return
    original_run_asgi = protocol.run_asgi

    async def send(self, message) -> None:
        if (
            message["type"] != "websocket.send"
            or not self.handshake_complete
            or self.initial_response is not None
            or self.close_sent  # uvicorn's own answer to a send after a close
        ):
            return await original(self, message)
        await self.writable.wait()  # the transport's flow control, as before
        if self.disconnected:
            raise ClientDisconnected()
        payload = message.get("bytes")
        try:
            if payload is not None:
                self.conn.send_binary(payload)
            elif message.get("text") is not None:
                payload = message["text"].encode()
                self.conn.send_text(payload)
        except impl.InvalidState:
            raise ClientDisconnected() from None
        self._workbook_held_bytes = self.__dict__.get("_workbook_held_bytes", 0) + len(
            payload or b""
        )
        if self._workbook_held_bytes >= FLUSH_BYTES:  # let the transport push back
            _flush_frames(self)
        elif not self.__dict__.get("_workbook_flush_pending"):
            self._workbook_flush_pending = True
            self.loop.call_soon(_flush_frames, self)
        return None

    async def run_asgi(self) -> None:
        app = self.app

        async def app_then_flush(scope, receive, send) -> None:
            try:
                return await app(scope, receive, send)
            finally:  # what the app sent goes out before uvicorn closes the connection
                _flush_frames(self)

        self.app = app_then_flush
        try:
            return await original_run_asgi(self)
        finally:
            self.app = app

    send.coalesced = True  # type: ignore[attr-defined]
    protocol.send = send
    protocol.run_asgi = run_asgi


def _flush_frames(protocol) -> None:
    """Write every frame the connection holds, in one ``transport.write``."""
    protocol._workbook_flush_pending = False
    protocol._workbook_held_bytes = 0
    output = protocol.conn.data_to_send()
    if output:
        protocol.transport.write(b"".join(output))


def _tune_streamlit(database_url: str) -> None:
    """Streamlit's runtime, changed where this app measured it (each with its test).

    Whole-page runs take turns only on the embedded SQLite database, where a run's
    queries are work on this process's own core. On PostgreSQL a run waits for the
    server at each query while holding its turn, and with turns the pages and saves of
    ``make load-cluster`` took longer, not shorter (deploy/README.md). Pages give way
    to clicks in progress on both; on PostgreSQL for less time in all, since a click
    there also waits for the server while the page waits with it (two processes
    through the proxy: save p95 median 130 ms in five storms against 217 in twelve
    without, reveals 117 against 184, chapter pages 274 against 192; deploy/README.md).
    """
    from workbook.ui import speedups, turns

    _fewer_turns_while_sending()
    _one_wake_up_per_burst()
    _one_send_wake_up_per_burst()
    _one_socket_write_per_burst()
    speedups.apply()
    if database_url.startswith("sqlite"):
        turns.clicks_first()
        turns.take_turns()
    else:
        turns.clicks_first(page_pause_budget=turns.PAGE_PAUSE_BUDGET_ON_A_DATABASE_SERVER)


def main() -> int:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    from workbook import kdfpool, settings, startup

    try:
        conf = settings.from_environment()
        startup.prepare(conf)
    except (startup.StartupError, settings.SettingsError) as exc:
        print(f"\nThe workbook did not start.\n{exc}\n", file=sys.stderr, flush=True)
        return 2
    kdfpool.warm_up()  # start the sign-in workers now, not at the first sign-in
    _warm_up_imports()
    PagesManager.uses_pages_directory = False
    _no_delay_on_connections()
    _tune_streamlit(conf.database_url)
    app = str(Path(__file__).resolve().parent / "app.py")
    sys.argv = streamlit_argv(sys.argv[1:], app)
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
