"""Folds (expanders) whose contents are built only while they are open.

Why: a chapter page folds its questions by kind, and every question holds a text
area, a "who can see it" choice and buttons. Built on every run, closed or not, they
made one chapter page cost about 50 ms of server CPU, and a save 60 ms: at 100
couples on one process, page runs queued for over a second (issue 14). A reader has
one or two folds open at a time. Streamlit 1.67 tracks an expander's open state when
it has an ``on_change`` callback, and reruns the page when it is opened or closed,
so a closed fold costs nothing but its title.

The open folds are remembered in the session (``OPEN_FOLDS``), not only in the
expander's own widget state, for two reasons:

- an expander's identity includes its label and its ``expanded`` flag, and labels
  here hold counts that change (a partner who changes "which fits you" changes the
  number of questions "On your own"): without the memory, a new label would start a
  new, closed fold;
- a fold a person opened is still open when they come back to the chapter.

Words typed in a fold that is closed are not lost: text areas keep their state with
``persist_state="session"`` and as an encrypted draft (workbook/ui/fields.py).
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

OPEN_FOLDS = "open_folds"  # session key: the keys of the folds this person has open


def fold_key(page: str, kind: str) -> str:
    """The key of one fold: the page it is on and what it holds."""
    return f"fold:{page}:{kind}"


def _remember(key: str) -> None:
    """on_change of a fold: keep its new state in the session's set of open folds."""
    opened: set[str] = st.session_state.setdefault(OPEN_FOLDS, set())
    if st.session_state.get(key):
        opened.add(key)
    else:
        opened.discard(key)


def fold(label: str, key: str, icon: str | None = None) -> DeltaGenerator | None:
    """An expander, and its container only if it is open (None when closed)."""
    opened: set[str] = st.session_state.setdefault(OPEN_FOLDS, set())
    box = st.expander(
        label, expanded=key in opened, key=key, icon=icon, on_change=_remember, args=(key,)
    )
    return box if box.open else None
