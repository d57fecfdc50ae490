"""The idle lock: a device left alone locks itself, on a timer and on the next click.

A passphrase change elsewhere, leaving the space or deleting it ends the session here
too (checked on every whole-page run). Kept apart from workbook/ui/session.py, which
holds what signing in, out, locking and handing over do to the session's keys.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from workbook import spaces
from workbook.ui.fields import keep_everything_typed
from workbook.ui.saved_answers import APP_STARTED_RUN
from workbook.ui.session import SIGNED_OUT_NOTE, lock, sign_out
from workbook.ui.state import app_settings, db, member

P = ParamSpec("P")
R = TypeVar("R")


def _idle_too_long() -> bool:
    limit = app_settings().lock_minutes * 60
    last = st.session_state.get("last_active", time.monotonic())
    return time.monotonic() - last > limit


# Set by the partner-news poll just before the full run it asks for: that run is not
# this person's activity, so it must not restart their idle time.
AUTOMATIC_RUN = "live:automatic_run"


def enforce_idle_lock() -> None:
    """Lock a session that has been idle too long, or whose keys were changed elsewhere.

    A passphrase change on another device, leaving the space or deleting it ends this
    session too (one primary-key lookup per run, skipped when a click of this run was
    just checked by ``session_checked``). A run the app started by itself (the partner
    did something) keeps the idle clock where it was, so a device left open still
    locks while the partner is busy elsewhere.
    """
    automatic = st.session_state.pop(AUTOMATIC_RUN, False)
    st.session_state[APP_STARTED_RUN] = automatic
    current = member()
    if current is None:
        return
    checked = st.session_state.pop(CHECKED_AT, None)
    just_checked = checked is not None and time.monotonic() - checked < CHECK_REUSE_SECONDS
    if not just_checked and _session_ended(current):
        return
    if not automatic:
        st.session_state["last_active"] = time.monotonic()


def _session_ended(current, clicked: bool = False) -> bool:
    """Lock or sign out when due (idle too long; keys changed elsewhere); True if so.

    ``clicked``: before a button's callback, whose words (a Save's) were not kept as a
    draft on their way to it; they are kept now, as signing out would lose them. A lock
    keeps them in memory for this partner's unlock.
    """
    if _idle_too_long():
        lock()
        return True
    try:
        valid = spaces.session_valid(db(), current)
    except (SQLAlchemyError, OSError):
        valid = True  # a dropped connection is not a reason to lose the session
    if not valid:
        if clicked:
            keep_everything_typed(current)
        sign_out()
        st.session_state[SIGNED_OUT_NOTE] = (
            "You were signed out because your passphrase changed or your space changed. "
            "Please sign in again."
        )
        return True
    return False


# When a click's callback last checked the session (``session_checked``): the page run
# that follows it at once need not ask the database again.
CHECKED_AT = "session_checked_at"
CHECK_REUSE_SECONDS = 1.0


def session_checked(callback: Callable[P, R]) -> Callable[P, R | None]:
    """For a button that writes: the session is checked before the click acts.

    Streamlit runs a button's callback before the page, so the page's own check came
    too late for it: a session ended by a passphrase change on another device (to shut
    out someone who knew the old one), or idle past its lock while the timer could not
    fire (a tab in the background), still wrote once (a share, a delete) and only then
    signed out. Here the session locks or signs out first, and the callback finds
    nobody signed in (each says so in its own words, and typed words stay on screen).

    Not used for the pause-in-typing draft: a draft is only ever shown to its own
    writer, and words typed just before a sign-out must not be lost.
    """

    @functools.wraps(callback)
    def checked(*args: P.args, **kwargs: P.kwargs) -> R | None:
        current = member()
        if current is not None and not _session_ended(current, clicked=True):
            st.session_state[CHECKED_AT] = time.monotonic()
        return callback(*args, **kwargs)

    checked.session_checked = True  # type: ignore[attr-defined]  # for the tests
    return checked


def _idle_watch() -> None:
    """Fragment body: lock on time, without waiting for the next click."""
    if member() is not None and _idle_too_long():
        lock()
        st.rerun()


def idle_watch() -> None:
    """Check idle time on a timer while signed in, so the screen and keys go on time.

    A fragment rerun touches neither the database nor ``last_active``: it costs a few
    microseconds every ``lock_minutes / 5`` (at most 30 s).
    """
    if member() is None:
        return
    every = max(1.0, min(30.0, app_settings().lock_minutes * 60 / 5))
    st.fragment(_idle_watch, run_every=every)()
