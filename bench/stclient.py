"""A small asyncio client that speaks Streamlit's websocket protocol, as the browser does.

One ``Session`` is one browser tab: it connects to ``/_stcore/stream`` with the
subprotocol ``streamlit``, sends ``BackMsg.rerun_script`` (the page to run and the widget
values), and reads ``ForwardMsg`` until the script run has finished. Widget ids are
read from the element protos of the deltas, never guessed: each widget element carries
its ``id`` (``$$ID-<hash>-<key>``).

Only ever pointed at 127.0.0.1 (the callers build the URL from ``common.HOST``).
"""

from __future__ import annotations

import asyncio
import ssl
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED_EARLY_FOR_RERUN = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN
FINISHED_WITH_COMPILE_ERROR = ForwardMsg.ScriptFinishedStatus.FINISHED_WITH_COMPILE_ERROR
TEXT_FIELDS = ("body", "label", "code_text")
POLL_TIMEOUT_S = 5.0


class RunError(Exception):
    """A script run did not finish cleanly (closed socket, timeout, exception element)."""


@dataclass
class Element:
    kind: str  # the Element oneof name: "text_area", "button", "markdown", "alert", ...
    proto: object
    path: tuple[int, ...]
    fragment_id: str = ""  # set when the element was drawn by a fragment (st.fragment)

    @property
    def id(self) -> str:
        return getattr(self.proto, "id", "")

    @property
    def key(self) -> str:
        """The user key inside a widget id (``$$ID-<hash>-<key>``), or ``""``."""
        parts = self.id.split("-", 2)
        return parts[2] if len(parts) == 3 and parts[2] != "None" else ""

    @property
    def label(self) -> str:
        return getattr(self.proto, "label", "")

    @property
    def text(self) -> str:
        for name in TEXT_FIELDS:
            value = getattr(self.proto, name, None)
            if isinstance(value, str) and value:
                return value
        return ""


@dataclass
class RunResult:
    seconds: float
    elements: list[Element] = field(default_factory=list)
    # (delta path, Block proto, id of the fragment that drew it or "")
    blocks: list[tuple[tuple[int, ...], object, str]] = field(default_factory=list)
    page_not_found: bool = False
    messages: int = 0
    pages: list[str] = field(default_factory=list)  # url paths from the navigation message
    full_run: bool = False  # the whole page ran (not only a fragment)

    def of(self, kind: str) -> list[Element]:
        return [e for e in self.elements if e.kind == kind]

    def by_key(self, kind: str, key: str) -> Element | None:
        return next((e for e in self.of(kind) if e.key == key), None)

    def by_label(self, kind: str, label: str) -> list[Element]:
        return [e for e in self.of(kind) if e.label == label]

    @property
    def texts(self) -> list[str]:
        return [e.text for e in self.elements if e.text]

    def has_text(self, needle: str) -> bool:
        return any(needle in t for t in self.texts)

    @property
    def exceptions(self) -> list[str]:
        return [getattr(e.proto, "message", "") or "exception" for e in self.of("exception")]

    def successes(self) -> list[str]:
        """Bodies of st.success messages."""
        return [e.proto.body for e in self.of("alert") if e.proto.format == e.proto.Format.SUCCESS]

    def expander_labels(self) -> list[str]:
        out = []
        for _path, block, _fragment in self.blocks:
            if block.WhichOneof("type") == "expandable":
                out.append(block.expandable.label)
        return out


def fold_id(result: RunResult, label_start: str) -> tuple[str, str] | None:
    """(widget id, fragment id or "") of a fold (an expander that tracks its state)
    whose title starts so; None if there is none."""
    for _path, block, fragment in result.blocks:
        if block.WhichOneof("type") == "expandable" and block.expandable.label.startswith(
            label_start
        ):
            return (block.expandable.id, fragment) if block.expandable.id else None
    return None


def opened(widget_id: str) -> WidgetState:
    """A click that opens a fold (its state goes to True)."""
    return WidgetState(id=widget_id, bool_value=True)


def text_value(widget_id: str, value: str) -> WidgetState:
    return WidgetState(id=widget_id, string_value=value)


def choice(widget: Element, index: int) -> WidgetState:
    """A radio set to its ``index``-th option (Streamlit 1.67 sends the option's label)."""
    return WidgetState(id=widget.id, string_value=widget.proto.options[index])


def trigger(widget_id: str) -> WidgetState:
    return WidgetState(id=widget_id, trigger_value=True)


def sign_in_form(page: RunResult, login: str, secret: str) -> list[WidgetState] | None:
    """The sign-in form on ``page`` filled in and submitted; None if it is not there."""
    fields = [e for e in page.of("text_input") if e.proto.form_id == "sign_in"]
    submit = page.by_label("button", "Sign in")
    if len(fields) < 2 or not submit:
        return None
    return [
        text_value(fields[0].id, login),
        text_value(fields[1].id, secret),
        trigger(submit[0].id),
    ]


_LOOPBACK_TLS = ssl.create_default_context()
_LOOPBACK_TLS.check_hostname = False
_LOOPBACK_TLS.verify_mode = ssl.CERT_NONE


class Session:
    """One browser tab on the app."""

    def __init__(self, url: str, timeout: float = 60.0) -> None:
        if not url.startswith(("ws://127.0.0.1:", "ws://localhost:", "wss://127.0.0.1:")):
            raise ValueError("the load client only connects to 127.0.0.1")
        self.url = url
        self.timeout = timeout
        self.ws = None
        # What the browser keeps to rerun fragments on their timer (st.fragment run_every):
        # the current page, and each auto-rerunning fragment with its interval.
        self.page = ""
        self.page_hash = ""
        self.fragments: dict[str, float] = {}
        self.page_result: RunResult | None = None  # the last whole-page run
        self.full_runs = 0

    async def connect(self) -> None:
        # wss only to make cluster's proxy on 127.0.0.1, whose trial certificate is
        # self-signed: no verification there (the address is checked above).
        tls = {"ssl": _LOOPBACK_TLS} if self.url.startswith("wss://") else {}
        self.ws = await websockets.connect(
            self.url,
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=self.timeout,
            ping_interval=None,
            **tls,
        )

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    async def __aenter__(self) -> Session:
        await self.connect()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def run(
        self, page: str = "", widgets: list[WidgetState] | tuple = (), fragment_id: str = ""
    ) -> RunResult:
        """Rerun the script on ``page`` (its URL path; "" is the default page).

        With ``fragment_id`` (the ``fragment_id`` of the widget clicked), only that
        fragment reruns, as the browser asks when a widget inside a fragment changes.
        Returns the elements of the last run (a run that ends in ``st.rerun()`` is
        followed by another; only the final one counts) and its wall time, from
        sending the request to the ``script_finished`` message.
        """
        if fragment_id:
            back = BackMsg()
            back.rerun_script.page_script_hash = self.page_hash
            back.rerun_script.query_string = ""
            back.rerun_script.fragment_id = fragment_id
            back.rerun_script.widget_states.widgets.extend(widgets)
            return await self._send(back)
        back = BackMsg()
        back.rerun_script.page_name = page
        back.rerun_script.query_string = ""
        for state in widgets:
            back.rerun_script.widget_states.widgets.append(state)
        if page != self.page:
            self.fragments.clear()  # a new page registers its own timers
        self.page = page
        return await self._send(back)

    async def sign_in(self, login: str, secret: str) -> RunResult:
        """Open "Your space" and sign in with its form; the run that followed."""
        widgets = sign_in_form(await self.run("account"), login, secret)
        if widgets is None:
            raise RunError("no sign-in form on the account page")
        return await self.run("account", widgets)

    async def open_fold(self, page: str, result: RunResult, title: str) -> RunResult:
        """Click a fold's title to open it (chapter folds build their questions only
        while open); the same result back if there is no such fold."""
        fold = fold_id(result, title)
        if fold is None:
            return result
        widget, fragment = fold
        return await self.run(page, [opened(widget)], fragment_id=fragment)

    async def poll(self, fragment_id: str) -> RunResult:
        """What an open page does on its own: rerun one timed fragment, as the browser
        does every ``run_every`` (Streamlit's AutoRerun message)."""
        back = BackMsg()
        # The page by its hash only: after st.switch_page (signing in lands on Today)
        # the page that ran is not the one this tab last asked for by name.
        back.rerun_script.page_script_hash = self.page_hash
        back.rerun_script.query_string = ""
        back.rerun_script.fragment_id = fragment_id
        back.rerun_script.is_auto_rerun = True
        # A poll that finds the partner's news reruns the whole page (st.rerun(scope=
        # "app") in a fragment); the result is then that page run. A poll waits only
        # briefly: a browser's timer does not wait for an answer either.
        return await self._send(back, timeout=min(self.timeout, POLL_TIMEOUT_S))

    async def _send(self, back: BackMsg, timeout: float | None = None) -> RunResult:
        start = time.perf_counter()
        await self.ws.send(back.SerializeToString())
        result = RunResult(0.0)
        try:
            wait = timeout or self.timeout
            await asyncio.wait_for(self._read_until_finished(result), wait)
        except TimeoutError as exc:
            raise RunError(f"no script_finished within {wait:.0f} s") from exc
        except websockets.ConnectionClosed as exc:
            raise RunError(f"connection closed: {exc}") from exc
        result.seconds = time.perf_counter() - start
        if result.full_run:
            # What the browser shows now; a poll that found the partner's news redraws
            # the page (new fragment ids), and the next click must use what it drew.
            self.page_result = result
            self.full_runs += 1
        if result.exceptions:
            raise RunError("exception in the app: " + "; ".join(result.exceptions)[:300])
        return result

    async def _read_until_finished(self, result: RunResult) -> None:
        while True:
            raw = await self.ws.recv()
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            result.messages += 1
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                result.full_run = False  # until its navigation message says otherwise
                # A new script run starts: what came before belongs to an earlier run.
                result.elements.clear()
                result.blocks.clear()
                self.page_hash = msg.new_session.page_script_hash
            elif kind == "auto_rerun":
                self.fragments[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
            elif kind == "stop_auto_rerun":
                for fragment_id in msg.stop_auto_rerun.fragment_ids:
                    self.fragments.pop(fragment_id, None)
            elif kind == "delta":
                path = tuple(msg.metadata.delta_path)
                delta = msg.delta
                which = delta.WhichOneof("type")
                if which == "new_element":
                    element_kind = delta.new_element.WhichOneof("type")
                    result.elements.append(
                        Element(
                            element_kind,
                            getattr(delta.new_element, element_kind),
                            path,
                            delta.fragment_id,
                        )
                    )
                elif which == "add_block":
                    result.blocks.append((path, delta.add_block, delta.fragment_id))
            elif kind == "navigation":  # only a whole-page run calls st.navigation
                result.pages = [p.url_pathname for p in msg.navigation.app_pages]
                result.full_run = True
                # The page st.navigation chose: new_session carries the hash that was
                # asked for, which for a page asked by name is the entry script's. The
                # browser keeps this one and sends it with every timed fragment rerun;
                # with the other, a rerun of the whole app from a fragment (partner
                # news) would land on the default page.
                if msg.navigation.page_script_hash:
                    self.page_hash = msg.navigation.page_script_hash
            elif kind == "page_not_found":
                result.page_not_found = True
            elif kind == "ref_hash":
                raise RunError("the server sent a cached-message reference we never asked for")
            elif kind == "script_finished":
                status = msg.script_finished
                if status == FINISHED_EARLY_FOR_RERUN:
                    continue
                if status == FINISHED_WITH_COMPILE_ERROR:
                    raise RunError("the script failed to compile")
                return
