"""Crash safety: every save the app acknowledged survives the real server being killed.

The real server (``serve.py``) runs on 127.0.0.1 over SQLite and over PostgreSQL. Two
partners, each in a tab that speaks Streamlit's websocket protocol
(bench/stclient.py), sign in and save as fast as the server answers: new answers kept
private, new answers shared, and edits of earlier answers that also flip who can see
them. A save counts as acknowledged only when the run that saved it came back with
the "Saved…" message. At a random moment the whole server (its process group, KDF
workers too) gets SIGKILL; it is started again on the same database, three times.

Then, straight from storage: the database is intact (``PRAGMA integrity_check`` on
SQLite), every row opens, and for every answer the stored words are the last
acknowledged ones or words sent after them (the save in flight at the kill may have
landed) with the visibility sent with them; the other partner sees exactly the
shared ones.

SIGKILL ends a process, not the machine: what the kernel holds still reaches the
disk even with ``synchronous=OFF``. So the durability settings themselves are
checked on the app's own connections (``test_the_app_asks_for_durable_commits``):
lowering them fails that test.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import websockets
from sqlalchemy import text

from bench import stclient
from workbook import journal, spaces, store
from workbook.content import workbook

from conftest import PROJECT, free_port
from helpers import PASS_A, PASS_B, join, make_space

ROUNDS = 3
BOOK = workbook()
PROMPTS = [(c, p.id) for c in BOOK.chapters for p in c.prompts]


@dataclass
class Sent:
    text: str
    visibility: str
    acked: bool = False


@dataclass
class Tab:
    login: str
    secret: str
    rng: random.Random
    sent: dict[str, list[Sent]] = field(default_factory=dict)  # prompt id -> in order


class Server:
    """``serve.py`` in its own process group, so one SIGKILL takes all of it."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.log = log
        with open(log, "ab") as out:
            self.proc = subprocess.Popen(  # noqa: S603 - our own serve.py
                [
                    sys.executable,
                    "serve.py",
                    "--server.port",
                    str(self.port),
                    "--server.address",
                    "127.0.0.1",
                ],
                cwd=PROJECT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, log.read_text()[-2000:]
            try:
                url = f"http://127.0.0.1:{self.port}/_stcore/health"
                with urllib.request.urlopen(url, timeout=1) as r:  # noqa: S310 - 127.0.0.1
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        self.kill()
        pytest.fail("the server did not start: " + log.read_text()[-2000:])

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}/_stcore/stream"

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)


async def _sign_in(session: stclient.Session, tab: Tab) -> None:
    done = await session.sign_in(tab.login, tab.secret)
    assert done.has_text("Signed in as"), done.texts[:5]


async def _save_forever(session: stclient.Session, tab: Tab, round_no: int) -> None:
    """New private answers, new shared ones, and edits that flip visibility; no pause."""
    n = 0
    while True:
        fresh = [(c, p) for c, p in PROMPTS if p not in tab.sent]
        edit = tab.sent and (not fresh or tab.rng.random() < 0.4)
        if edit:
            prompt_id = tab.rng.choice(list(tab.sent))
            chapter = next(c for c, p in PROMPTS if p == prompt_id)
        else:
            chapter, prompt_id = fresh[0]
        visibility = tab.rng.choice([journal.PRIVATE, journal.SHARED])
        words = f"{tab.login} r{round_no} n{n} {'edit' if edit else 'new'} \u2764 " + "w " * (
            tab.rng.randrange(200)
        )
        n += 1
        path = f"chapter_{chapter.number}"
        page = await session.run(path)
        if not page.of("text_area"):  # the fold is closed on the first visit
            page = await session.open_fold(path, page, "On your own")
        area = next(
            e
            for e in page.of("text_area")
            if e.key.startswith("draft:") and e.key.endswith(f":{prompt_id}")
        )
        # One "who can see it" choice and one Save, as the page has them.
        who = page.by_key("radio", f"visibility:{prompt_id}")
        button = page.by_key("button", f"save:{prompt_id}")
        sent = Sent(words, visibility)
        tab.sent.setdefault(prompt_id, []).append(sent)
        index = 0 if visibility == journal.PRIVATE else 1
        done = await session.run(
            path,
            [
                stclient.text_value(area.id, words),
                stclient.choice(who, index),
                stclient.trigger(button.id),
            ],
            fragment_id=button.fragment_id,  # as the browser sends it
        )
        sent.acked = any(s.startswith("Saved") for s in done.successes())
        assert sent.acked, (done.successes(), [e.proto.body for e in done.of("alert")])


def _acked(tab: Tab) -> int:
    return sum(s.acked for sends in tab.sent.values() for s in sends)


async def _round(server: Server, tabs: list[Tab], round_no: int, kill_after: float) -> None:
    sessions = [stclient.Session(server.ws, timeout=30) for _ in tabs]
    for s in sessions:
        await s.connect()
    try:
        # Both at once, as two people would: two key derivations run side by side.
        await asyncio.gather(*(_sign_in(s, t) for s, t in zip(sessions, tabs, strict=True)))
        work = [
            asyncio.ensure_future(_save_forever(s, tab, round_no))
            for s, tab in zip(sessions, tabs, strict=True)
        ]
        # Kill at a random moment once each tab has had a save acknowledged in this
        # round (on a busy machine a fixed delay could end a round before any save).
        start = [_acked(t) for t in tabs]
        deadline = time.monotonic() + 45
        while any(_acked(t) == n for t, n in zip(tabs, start, strict=True)):
            for w in work:
                assert not w.done(), w.exception()
            assert time.monotonic() < deadline, "no save was acknowledged within 45 s"
            await asyncio.sleep(0.02)
        await asyncio.sleep(kill_after)
        for w in work:
            assert not w.done() or w.exception() is None, w.exception()
        server.kill()
        for w in work:  # the kill closes their sockets: whatever was in flight stays unknown
            with pytest.raises((stclient.RunError, OSError, websockets.ConnectionClosed)):
                await w
    finally:
        for s in sessions:
            with contextlib.suppress(OSError, websockets.ConnectionClosed):
                await s.close()


@pytest.mark.timeout(120)
def test_acknowledged_saves_survive_killing_the_server(target, tmp_path) -> None:
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)  # noqa: S311 - when to kill, not a secret
    db = target.db
    sam = make_space(db).member
    join(db, spaces.create_invite(db, sam))
    store.dispose_all()
    env = {
        **os.environ,
        "WORKBOOK_DATA_DIR": str(tmp_path),
        "WORKBOOK_DATABASE_URL": target.url,
        "WORKBOOK_INSTANCE_SECRET": db.pepper.hex(),
    }
    tabs = [
        Tab("sam", PASS_A, random.Random(seed + 1)),  # noqa: S311
        Tab("alex", PASS_B, random.Random(seed + 2)),  # noqa: S311
    ]
    acked_before = 0
    for round_no in range(ROUNDS):
        server = Server(env, tmp_path / "server.log")
        try:
            asyncio.run(_round(server, tabs, round_no, rng.uniform(0.0, 1.5)))
        finally:
            server.kill()
        acked = sum(s.acked for t in tabs for sends in t.sent.values() for s in sends)
        assert acked > acked_before, f"round {round_no} (seed {seed}): no save acknowledged"
        acked_before = acked
    if target.kind == "sqlite":
        path = target.url.split("///", 1)[1]
        assert Path(path + "-wal").exists(), "the server did not write through a WAL"
        with sqlite3.connect(path) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    _check_storage(db, tabs, seed)


def _check_storage(db: store.Db, tabs: list[Tab], seed: int) -> None:
    db = store.Db(store.engine_for(str(db.engine.url.render_as_string(False))), db.pepper, db.kdf)
    try:
        views = {t.login: journal.visible(db, spaces.sign_in(db, t.login, t.secret)) for t in tabs}
        for tab in tabs:
            view = views[tab.login]
            assert view.unreadable == 0, f"{tab.login}: rows that do not open (seed {seed})"
            mine = {e.prompt_id: e for e in view if e.text.startswith(tab.login + " ")}
            for prompt_id, sends in tab.sent.items():
                last_ack = max((i for i, s in enumerate(sends) if s.acked), default=None)
                where = f"{tab.login} {prompt_id} (seed {seed})"
                if last_ack is None:
                    if prompt_id in mine:  # only a save in flight: it may have landed
                        assert mine[prompt_id].text in [s.text for s in sends], where
                    continue
                assert prompt_id in mine, f"acknowledged save lost: {where}"
                stored = mine[prompt_id]
                allowed = {s.text: s.visibility for s in sends[last_ack:]}
                assert stored.text in allowed, f"older or partial words stored: {where}"
                assert stored.visibility == allowed[stored.text], f"visibility lost: {where}"
                other = next(t for t in tabs if t is not tab)
                seen = [e for e in views[other.login] if e.id == stored.id]
                if stored.visibility == journal.SHARED:
                    assert seen and seen[0].text == stored.text, f"share lost: {where}"
                else:
                    assert not seen, f"private words visible to the partner: {where}"
    finally:
        store.dispose_all()


def test_the_app_asks_for_durable_commits(target) -> None:
    """The app's own connections: WAL and synchronous=FULL on SQLite, synchronous_commit
    on PostgreSQL. Lowering either fails here (SIGKILL alone cannot tell)."""
    engine = store.engine_for(target.url)
    with engine.connect() as conn:
        if target.kind == "sqlite":
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
        else:
            assert conn.execute(text("SHOW synchronous_commit")).scalar() == "on"
