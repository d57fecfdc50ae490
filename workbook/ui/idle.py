"""The idle lock: a device left alone locks itself, on a timer and on the next click.

A passphrase change elsewhere, leaving the space or deleting it ends the session here
too (checked on every whole-page run). Kept apart from workbook/ui/session.py, which
holds what signing in, out, locking and handing over do to the session's keys.
"""

from __future__ import annotations

import time

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from workbook import spaces
from workbook.ui.saved_answers import APP_STARTED_RUN
from workbook.ui.session import SIGNED_OUT_NOTE, lock, sign_out
from workbook.ui.state import app_settings, db, member


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
    session too (one primary-key lookup per run). A run the app started by itself
    (the partner did something) keeps the idle clock where it was, so a device left
    open still locks while the partner is busy elsewhere.
    """
    automatic = st.session_state.pop(AUTOMATIC_RUN, False)
    st.session_state[APP_STARTED_RUN] = automatic
    current = member()
    if current is None:
        return
    if _idle_too_long():
        lock()
        return
    try:
        valid = spaces.session_valid(db(), current)
    except (SQLAlchemyError, OSError):
        valid = True  # a dropped connection is not a reason to lose the session
    if not valid:
        sign_out()
        st.session_state[SIGNED_OUT_NOTE] = (
            "You were signed out because your passphrase changed or your space changed. "
            "Please sign in again."
        )
        return
    if not automatic:
        st.session_state["last_active"] = time.monotonic()


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
