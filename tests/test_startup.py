"""A process starts only on a database it can reach, migrate and agree with.

Covers issue 14 §2: the instance-secret check, clear refusals from ``serve.py``,
simultaneous first starts on a fresh PostgreSQL database, and ``server.allowedHosts``.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid

import pytest
from sqlalchemy import create_engine, text

import serve
from workbook import settings, startup, store

from conftest import PROJECT, free_port

WAIT_SECONDS = 10


def test_the_first_secret_is_recorded_and_another_is_refused(target):
    engine = target.db.engine
    first, other = os.urandom(32), os.urandom(32)
    startup.check_instance_secret(engine, first)
    startup.check_instance_secret(engine, first)  # the same secret starts again
    with pytest.raises(startup.StartupError, match="not the one this database was set up"):
        startup.check_instance_secret(engine, other)


def test_a_process_that_loses_the_race_to_make_the_secret_uses_the_winners(tmp_path, monkeypatch):
    """Two processes start at once on a fresh data folder (make cluster): the other one
    writes instance.key between this one's look and its write."""
    monkeypatch.delenv("WORKBOOK_INSTANCE_SECRET", raising=False)
    path = tmp_path / "instance.key"
    winner = os.urandom(32)
    made = settings.secrets.token_hex

    def other_process_first(nbytes: int) -> str:
        path.write_text(winner.hex() + "\n")
        return made(nbytes)

    monkeypatch.setattr(settings.secrets, "token_hex", other_process_first)
    assert settings._instance_secret(tmp_path) == winner
    assert [p.name for p in tmp_path.iterdir()] == ["instance.key"]  # no scratch file left


def test_a_process_never_reads_a_secret_another_is_still_writing(tmp_path, monkeypatch):
    """The first process is held in the middle of writing the secret while a second
    one starts: both must end with the same whole secret."""
    monkeypatch.delenv("WORKBOOK_INSTANCE_SECRET", raising=False)
    first_writing, second_done = threading.Event(), threading.Event()
    made = settings.secrets.token_hex

    def slow_for_the_first(nbytes: int) -> str:
        if threading.current_thread().name == "first":
            first_writing.set()
            second_done.wait(WAIT_SECONDS)
        return made(nbytes)

    monkeypatch.setattr(settings.secrets, "token_hex", slow_for_the_first)
    found: dict[str, bytes | Exception] = {}

    def start(name: str) -> None:
        try:
            found[name] = settings._instance_secret(tmp_path)
        except Exception as exc:  # noqa: BLE001 - the test reports it
            found[name] = exc

    first = threading.Thread(target=start, args=("first",), name="first")
    first.start()
    assert first_writing.wait(WAIT_SECONDS)
    start("second")
    second_done.set()
    first.join(WAIT_SECONDS)
    assert isinstance(found["second"], bytes), found
    assert found["first"] == found["second"]
    assert [p.name for p in tmp_path.iterdir()] == ["instance.key"]
    assert (tmp_path / "instance.key").stat().st_mode & 0o777 == 0o600


def test_the_secret_is_made_on_a_filesystem_without_hard_links(tmp_path, monkeypatch):
    monkeypatch.delenv("WORKBOOK_INSTANCE_SECRET", raising=False)

    def no_links(src, dst):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(settings.os, "link", no_links)
    secret = settings._instance_secret(tmp_path)
    assert len(secret) == 32
    assert settings._instance_secret(tmp_path) == secret
    assert [p.name for p in tmp_path.iterdir()] == ["instance.key"]
    assert (tmp_path / "instance.key").stat().st_mode & 0o777 == 0o600


def _serve(env: dict, port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "serve.py", "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=PROJECT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _healthy(port: int, seconds: float = 60, proc: subprocess.Popen | None = None) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and (proc is None or proc.poll() is None):
        try:
            url = f"http://127.0.0.1:{port}/_stcore/health"
            with urllib.request.urlopen(url, timeout=1) as r:  # noqa: S310
                if r.status == 200:
                    return True
        except OSError:
            time.sleep(0.2)
    return False


def _stop(proc: subprocess.Popen) -> str:
    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out.decode(errors="replace")


def test_a_process_with_another_secret_refuses_to_start_and_says_why(tmp_path):
    env = {"WORKBOOK_DATA_DIR": str(tmp_path), "WORKBOOK_DATABASE_URL": ""}
    env["WORKBOOK_INSTANCE_SECRET"] = "11" * 32
    first = subprocess.run(
        [
            sys.executable,
            "-c",
            "from workbook import settings, startup;startup.prepare(settings.from_environment())",
        ],
        cwd=PROJECT,
        env={**os.environ, **env},
        capture_output=True,
        timeout=60,
    )
    assert first.returncode == 0, first.stderr
    env["WORKBOOK_INSTANCE_SECRET"] = "22" * 32
    proc = _serve(env, free_port())
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert b"not the one this database was set up with" in out
    assert b"WORKBOOK_INSTANCE_SECRET" in out


def test_a_dead_database_stops_the_process_instead_of_reporting_healthy(tmp_path):
    dead = f"postgresql+psycopg://workbook:hunter2@127.0.0.1:{free_port()}/workbook"
    port = free_port()
    proc = _serve({"WORKBOOK_DATA_DIR": str(tmp_path), "WORKBOOK_DATABASE_URL": dead}, port)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert b"Cannot reach the database" in out
    assert b"hunter2" not in out  # the password never reaches the log
    assert not _healthy(port, seconds=0.5)


@pytest.mark.postgres
def test_two_processes_started_at_once_on_a_fresh_database_both_come_up(postgres, tmp_path):
    name = "start_" + uuid.uuid4().hex[:10]
    admin = create_engine(postgres.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    env = {
        "WORKBOOK_DATA_DIR": str(tmp_path),
        "WORKBOOK_DATABASE_URL": postgres.url(name),
        "WORKBOOK_INSTANCE_SECRET": os.urandom(32).hex(),
    }
    ports = [free_port(), free_port()]
    procs = [_serve(env, port) for port in ports]
    try:
        up = [_healthy(port, proc=proc) for port, proc in zip(ports, procs, strict=True)]
    finally:
        logs = [_stop(proc) for proc in procs]
    assert up == [True, True], logs
    engine = create_engine(postgres.url(name))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert conn.execute(text("SELECT count(*) FROM instance_check")).scalar() == 1
    engine.dispose()
    store.dispose_all()


def test_allowed_hosts_default_to_loopback_and_grow_with_the_address_and_setting():
    assert serve.allowed_hosts(None, "") == ["127.0.0.1", "localhost"]
    assert serve.allowed_hosts("127.0.0.1", "") == ["127.0.0.1", "localhost"]
    assert serve.allowed_hosts("192.168.1.20", "Workbook.Example.org, ") == [
        "127.0.0.1",
        "localhost",
        "192.168.1.20",
        "workbook.example.org",
    ]
    assert socket.gethostname().lower() in serve.allowed_hosts("0.0.0.0", "")  # noqa: S104
    argv = serve.streamlit_argv(["--server.address", "10.0.0.5"], "app.py")
    assert argv.count("--server.allowedHosts") == 3 and "10.0.0.5" in argv[4:]
    given = serve.streamlit_argv(["--server.allowedHosts", "x.example"], "app.py")
    assert given.count("--server.allowedHosts") == 1


def _upgrade_status(port: int, host: str) -> bytes:
    request = (
        f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: streamlit\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request.encode())
        return s.recv(200).split(b"\r\n", 1)[0]


def test_a_websocket_for_an_unknown_host_name_is_refused(tmp_path):
    port = free_port()
    proc = _serve({"WORKBOOK_DATA_DIR": str(tmp_path), "WORKBOOK_DATABASE_URL": ""}, port)
    try:
        assert _healthy(port, proc=proc)
        assert b" 101 " in _upgrade_status(port, "127.0.0.1")
        assert b" 101 " in _upgrade_status(port, "localhost")
        assert b" 101 " not in _upgrade_status(port, "rebound.example")
    finally:
        _stop(proc)


def _no_delay(sock: socket.socket) -> bool:
    return bool(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))


def test_every_connection_the_server_accepts_sends_without_delay(monkeypatch):
    """Replies leave at once: with Nagle's algorithm on, the small WebSocket frames of
    each run waited for the browser's delayed acknowledgement (about 40 ms a click).

    Runs serve.main up to the point where Streamlit would start, then binds the way
    Streamlit 1.67 does (``_bind_server_socket``) and accepts a real connection.
    """
    from streamlit.web import cli
    from streamlit.web.server.starlette import starlette_server

    from workbook import kdfpool

    monkeypatch.setattr(starlette_server, "_bind_socket", starlette_server._bind_socket)
    monkeypatch.setattr(startup, "prepare", lambda settings: None)
    monkeypatch.setattr(kdfpool, "warm_up", lambda: None)
    monkeypatch.setattr(serve, "_warm_up_imports", lambda: None)
    monkeypatch.setattr(serve, "_tune_streamlit", lambda url: None)  # their own tests
    monkeypatch.setattr(sys, "argv", ["serve.py"])
    bound: list[socket.socket] = []

    def streamlit_main() -> int:
        sock, _ = starlette_server._bind_server_socket("127.0.0.1", "127.0.0.1", 0, 8)
        bound.append(sock)
        return 0

    monkeypatch.setattr(cli, "main", streamlit_main)
    assert serve.main() == 0
    listener = bound[0]
    try:
        listener.setblocking(True)
        with socket.create_connection(listener.getsockname(), timeout=5):
            accepted, _ = listener.accept()
            with accepted:
                assert _no_delay(accepted), "an accepted connection kept Nagle's algorithm"
    finally:
        listener.close()


def test_the_send_loop_gives_way_every_32nd_message_and_sleeps_as_asked(monkeypatch):
    """Streamlit's send loop yielded after each message; under load a page's last
    message then waited 100-300 ms behind every other page's messages."""
    import asyncio
    import inspect

    from streamlit.runtime import runtime

    assert "await asyncio.sleep(0)" in inspect.getsource(runtime.Runtime._loop_coroutine)
    # ... and it is the module's only one, so the shim changes nothing else.
    assert inspect.getsource(runtime).count("asyncio.sleep(0)") == 1, "re-measure"
    monkeypatch.setattr(runtime, "asyncio", asyncio)
    serve._fewer_turns_while_sending()
    serve._fewer_turns_while_sending()  # twice is once
    shim = runtime.asyncio
    assert isinstance(shim, serve._FewerTurnsAsyncio)
    assert shim.Event is asyncio.Event and shim.wait is asyncio.wait

    async def scenario() -> tuple[int, int, float]:
        others = 0

        async def other() -> None:
            nonlocal others
            while True:
                others += 1
                await asyncio.sleep(0)

        task = asyncio.create_task(other())
        await asyncio.sleep(0)  # the other task starts
        started = others
        for _ in range(serve.SEND_MESSAGES_PER_TURN * 3):
            await shim.sleep(0)
        turns = others - started
        t0 = time.perf_counter()
        await shim.sleep(0.02)
        slept = time.perf_counter() - t0
        task.cancel()
        return turns, serve.SEND_MESSAGES_PER_TURN * 3, slept

    turns, messages, slept = asyncio.run(scenario())
    assert 1 <= turns <= 4 < messages  # about one turn per 32 messages, not one each
    assert slept >= 0.018  # a real pause still pauses


def test_serve_sets_a_short_interpreter_switch_interval_and_skips_the_repl_check(monkeypatch):
    import gc
    import inspect

    import streamlit.delta_generator as dg

    monkeypatch.setattr(dg, "_use_warning_has_been_displayed", False)
    before, thresholds = sys.getswitchinterval(), gc.get_threshold()
    try:
        serve._warm_up_imports()
        assert sys.getswitchinterval() == pytest.approx(serve.GIL_SWITCH_SECONDS)

        def no_stack(*args, **kwargs):
            raise AssertionError("the first element walked the whole stack")

        # The first element a page draws no longer pays for Streamlit's REPL check.
        monkeypatch.setattr(inspect, "stack", no_stack)
        dg._maybe_print_use_warning()
    finally:
        sys.setswitchinterval(before)
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def test_a_burst_of_script_events_wakes_the_event_loop_once_and_keeps_their_order(
    monkeypatch,
):
    import inspect

    from streamlit.runtime.app_session import AppSession
    from streamlit.runtime.scriptrunner import ScriptRunnerEvent

    # The pinned Streamlit routes every ScriptRunner event through these names.
    source = inspect.getsource(AppSession)
    assert "on_event.connect(self._on_scriptrunner_event)" in source
    assert "self._handle_scriptrunner_event_on_event_loop(" in source
    monkeypatch.setattr(AppSession, "_on_scriptrunner_event", AppSession._on_scriptrunner_event)
    monkeypatch.setattr(serve, "DRAIN_SECONDS", 0.05)
    serve._one_wake_up_per_burst()
    serve._one_wake_up_per_burst()  # applying it twice changes nothing
    message = ScriptRunnerEvent.ENQUEUE_FORWARD_MSG

    class Session:
        def __init__(self) -> None:
            self.wake_ups: list = []
            self.handled: list = []

        def _call_soon_on_event_loop(self, callback) -> None:
            self.wake_ups.append(callback)

        def _handle_scriptrunner_event_on_event_loop(self, sender, event, *args, **kwargs):
            if kwargs.get("forward_msg") == "broken":
                raise RuntimeError("one event's handler failed")
            self.handled.append((event, args, kwargs))

    session = Session()
    on_event = AppSession._on_scriptrunner_event

    async def wake(count: int) -> None:
        """Run the wake-ups the script's thread asked for, as the event loop would."""
        assert len(session.wake_ups) == count
        while session.wake_ups:
            session.wake_ups.pop(0)()

    async def a_run() -> None:
        for number in range(40):
            on_event(session, "runner", message, forward_msg=number)
        on_event(session, "runner", message, forward_msg="broken")
        await wake(1)  # one wake-up for the burst of 41 messages, not 41
        await asyncio.sleep(0.01)
        assert session.handled == []  # they gather a moment before they are handed over
        await asyncio.sleep(0.06)
        assert [kwargs["forward_msg"] for _, _, kwargs in session.handled] == list(range(40))
        # The end of a run is handed over at once, with what was queued before it.
        session.handled.clear()
        on_event(session, "runner", message, forward_msg=40)
        done = ScriptRunnerEvent.SCRIPT_STOPPED_WITH_SUCCESS
        on_event(session, "runner", done, None, None, None, "page")
        await wake(2)
        assert [event for event, _, _ in session.handled] == [message, done]
        assert session.handled[-1][1] == (None, None, None, "page")
        await asyncio.sleep(0.06)  # the burst's own drain finds nothing left
        assert len(session.handled) == 2
        on_event(session, "runner", message, forward_msg=41)  # a new burst wakes it again
        await wake(1)

    asyncio.run(a_run())


def test_queued_messages_wake_the_send_loop_once_per_burst_and_never_miss_one(monkeypatch):
    import asyncio
    import inspect
    import threading

    from streamlit.runtime.runtime import Runtime

    # The pinned Streamlit wakes its send loop through this name, once per message.
    assert '"message_enqueued_callback": self._enqueued_some_message' in inspect.getsource(
        Runtime.__init__
    )
    assert "call_soon_threadsafe(async_objs.need_send_data.set)" in inspect.getsource(
        Runtime._enqueued_some_message
    )
    monkeypatch.setattr(Runtime, "_enqueued_some_message", Runtime._enqueued_some_message)
    serve._one_send_wake_up_per_burst()
    serve._one_send_wake_up_per_burst()  # applying it twice changes nothing

    loop = asyncio.new_event_loop()
    wake_ups: list = []
    real = loop.call_soon_threadsafe
    monkeypatch.setattr(
        loop, "call_soon_threadsafe", lambda cb, *a: (wake_ups.append(cb), real(cb, *a))
    )

    class Objs:
        eventloop = loop
        need_send_data = asyncio.Event()

    class FakeRuntime:
        def _get_async_objs(self):
            return Objs

    runtime = FakeRuntime()
    enqueued = Runtime._enqueued_some_message
    try:
        # From another thread (the script's): one wake-up for a burst of 40 messages.
        worker = threading.Thread(target=lambda: [enqueued(runtime) for _ in range(40)])
        worker.start()
        worker.join()
        assert len(wake_ups) == 1
        assert not Objs.need_send_data.is_set()
        loop.run_until_complete(asyncio.sleep(0))  # the loop runs the wake-up
        assert Objs.need_send_data.is_set()
        # A message queued after that wake-up ran schedules the next one.
        Objs.need_send_data.clear()
        worker = threading.Thread(target=lambda: enqueued(runtime))
        worker.start()
        worker.join()
        assert len(wake_ups) == 2
        loop.run_until_complete(asyncio.sleep(0))
        assert Objs.need_send_data.is_set()

        # On the event loop itself (where Streamlit queues a run's messages): set at
        # once, no self-pipe write.
        async def on_the_loop() -> None:
            Objs.need_send_data.clear()
            enqueued(runtime)
            assert Objs.need_send_data.is_set()

        loop.run_until_complete(on_the_loop())
        assert len(wake_ups) == 2
    finally:
        loop.close()
    # Once the loop is closed (shutting down), a message says so, as before, and the
    # next one tries again instead of being dropped as if a wake-up were pending.
    for _ in range(2):
        with pytest.raises(RuntimeError):
            enqueued(runtime)
    assert len(wake_ups) == 4


def _open_websocket(loop, monkeypatch):
    """uvicorn's WebSocket protocol after its handshake, on a transport that records."""
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
    from websockets.protocol import State
    from websockets.server import ServerProtocol

    monkeypatch.setattr(WebSocketsSansIOProtocol, "send", WebSocketsSansIOProtocol.send)
    monkeypatch.setattr(WebSocketsSansIOProtocol, "run_asgi", WebSocketsSansIOProtocol.run_asgi)
    serve._one_socket_write_per_burst()
    serve._one_socket_write_per_burst()  # applying it twice changes nothing

    class Transport:
        def __init__(self) -> None:
            self.writes: list[bytes] = []
            self.closed = False

        def write(self, data: bytes) -> None:
            self.writes.append(data)

        def is_closing(self) -> bool:
            return self.closed

        def close(self) -> None:
            self.closed = True

    ws = object.__new__(WebSocketsSansIOProtocol)
    ws.loop = loop
    ws.conn = ServerProtocol()
    ws.conn.state = State.OPEN
    ws.transport = Transport()
    ws.queue = asyncio.Queue()
    ws.handshake_complete, ws.initial_response = True, None
    ws.close_sent = ws.disconnected = ws.read_paused = False
    ws.close_timeout = 10.0
    ws.writable = asyncio.Event()
    ws.writable.set()
    return ws


def _frames(*payloads: bytes, close: bool = False) -> bytes:
    """The bytes uvicorn's own protocol puts on the wire for these messages."""
    from websockets.protocol import State
    from websockets.server import ServerProtocol

    conn = ServerProtocol()
    conn.state = State.OPEN
    for payload in payloads:
        conn.send_binary(payload)
    if close:
        conn.send_close(1000, "")
    return b"".join(conn.data_to_send())


def test_a_burst_of_websocket_messages_is_one_socket_write_in_order(monkeypatch):
    import inspect

    from streamlit.web.server.starlette import starlette_server
    from uvicorn.protocols.websockets import websockets_sansio_impl as impl

    # The pinned Streamlit serves WebSockets with this protocol, which wrote each
    # message's frame with a transport write of its own.
    assert '"websockets-sansio"' in inspect.getsource(starlette_server)
    source = inspect.getsource(impl.WebSocketsSansIOProtocol.send)
    assert "self.conn.send_binary(bytes_data)" in source
    assert 'self.transport.write(b"".join(output))' in source
    # ... and closed the connection as soon as the app returned.
    source = inspect.getsource(impl.WebSocketsSansIOProtocol.run_asgi)
    assert "await self.app(self.scope, self.receive, self.send)" in source
    assert "self.transport.close()" in source

    async def scenario() -> None:
        ws = _open_websocket(asyncio.get_running_loop(), monkeypatch)
        for number in range(3):
            await ws.send({"type": "websocket.send", "bytes": b"message %d" % number})
        assert ws.transport.writes == []  # not yet: the burst is still being queued
        await asyncio.sleep(0)
        assert ws.transport.writes == [_frames(b"message 0", b"message 1", b"message 2")]

        # A close goes out after the messages queued before it, and nothing follows.
        ws.transport.writes.clear()
        await ws.send({"type": "websocket.send", "bytes": b"last words"})
        await ws.send({"type": "websocket.close", "code": 1000})
        await asyncio.sleep(0)
        assert b"".join(ws.transport.writes) == _frames(b"last words", close=True)
        with pytest.raises(RuntimeError, match="after sending 'websocket.close'"):  # as uvicorn
            await ws.send({"type": "websocket.send", "bytes": b"after the close"})
        await asyncio.sleep(0)
        assert b"".join(ws.transport.writes) == _frames(b"last words", close=True)
        ws.close_timer.cancel()

    asyncio.run(scenario())


def test_what_the_app_sent_before_it_returned_goes_out_before_the_connection_closes(
    monkeypatch,
):
    """uvicorn closes the transport as soon as the app returns; the frames held for
    the burst's write are written first."""

    async def scenario() -> None:
        ws = _open_websocket(asyncio.get_running_loop(), monkeypatch)
        ws.close_timer = None

        async def app(scope, receive, send) -> None:
            await send({"type": "websocket.send", "bytes": b"goodbye"})

        ws.app, ws.scope = app, {}
        await ws.run_asgi()
        assert ws.transport.closed
        assert ws.transport.writes == [_frames(b"goodbye")]
        await asyncio.sleep(0)  # the burst's own write, later, finds nothing left
        assert ws.transport.writes == [_frames(b"goodbye")]
        assert ws.app is app

    asyncio.run(scenario())


def test_a_big_burst_is_written_as_it_grows_so_the_transport_can_push_back(monkeypatch):
    async def scenario() -> None:
        ws = _open_websocket(asyncio.get_running_loop(), monkeypatch)
        big = b"x" * (serve.FLUSH_BYTES // 2)
        for _ in range(5):
            await ws.send({"type": "websocket.send", "bytes": big})
        assert len(ws.transport.writes) == 2  # at 64 KiB held, not at the end
        await asyncio.sleep(0)
        assert b"".join(ws.transport.writes) == _frames(*[big] * 5)

    asyncio.run(scenario())


def test_a_websocket_message_waits_while_the_socket_is_full_and_a_gone_one_says_so(
    monkeypatch,
):
    from uvicorn.protocols.utils import ClientDisconnected

    async def scenario() -> None:
        ws = _open_websocket(asyncio.get_running_loop(), monkeypatch)
        ws.writable.clear()  # the transport's buffer is above its high-water mark
        sending = asyncio.create_task(ws.send({"type": "websocket.send", "bytes": b"x"}))
        await asyncio.sleep(0.01)
        assert not sending.done()
        ws.writable.set()  # drained
        await sending
        await asyncio.sleep(0)
        assert ws.transport.writes == [_frames(b"x")]
        ws.disconnected = True
        with pytest.raises(ClientDisconnected):
            await ws.send({"type": "websocket.send", "bytes": b"y"})

    asyncio.run(scenario())


@pytest.mark.parametrize(
    ("database_url", "tuned"),
    [
        ("sqlite:////srv/workbook.db", [("clicks_first", {}), ("take_turns", {})]),
        (
            "postgresql+psycopg://db/workbook",
            [("clicks_first", {"page_pause_budget": 0.15})],
        ),
    ],
)
def test_serve_applies_every_change_to_streamlits_runtime(monkeypatch, database_url, tuned):
    """Whole-page runs take turns on SQLite only: on PostgreSQL a run holds its turn
    while it waits for the database server (deploy/README.md). Pages give way to
    clicks in progress on both, on PostgreSQL for less time in all."""
    from workbook.ui import speedups, turns

    applied: list[tuple[str, dict]] = []
    for owner, name in (
        (serve, "_fewer_turns_while_sending"),
        (serve, "_one_wake_up_per_burst"),
        (serve, "_one_send_wake_up_per_burst"),
        (serve, "_one_socket_write_per_burst"),
        (speedups, "apply"),
        (turns, "clicks_first"),
        (turns, "take_turns"),
    ):
        monkeypatch.setattr(owner, name, lambda name=name, **kw: applied.append((name, kw)))
    serve._tune_streamlit(database_url)
    expected = [
        "_fewer_turns_while_sending",
        "_one_wake_up_per_burst",
        "_one_send_wake_up_per_burst",
        "_one_socket_write_per_burst",
        "apply",
    ]
    assert applied == [(name, {}) for name in expected] + tuned
    assert turns.PAGE_PAUSE_BUDGET_ON_A_DATABASE_SERVER < turns.PAGE_PAUSE_BUDGET
