"""The partner is present: an open page notices the other's news without a reload.

``partner_watch`` is a fragment that reruns on its own every few seconds and reads the
space's change counter and the partner's share of it (``workbook.presence``). Only when
the counter moved does it rerun the whole page, which then reads and decrypts what it
shows as on any run. A full run resets the counters it compares with, so a partner's
own saves never trigger an extra rerun. "Something new from your partner" shows only
when the partner's share moved: a change made in this person's other tab redraws the
page without it.

The poll never touches ``last_active``: an open page does not keep a session from
locking (the idle lock has its own timer, ``idle.idle_watch``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from workbook import presence, today
from workbook.content import workbook
from workbook.markdown import escape
from workbook.spaces import Member
from workbook.ui.idle import AUTOMATIC_RUN, session_checked
from workbook.ui.session import db, member
from workbook.vault import VaultError

TODAY_PAGE = "pages/today.py"
# Seconds, as a number: Streamlit parses a string such as "5s" with pandas on every
# page run that draws the poll.
POLL_EVERY = 5.0
SEEN, FULL_RUN, NEWS = "live:revision", "live:full_run", "live:news"
THEIRS_SEEN = "live:theirs"  # the partner's count of changes at the last look
FOCUS = "today_focus"


OPENED = "opened"


def opened_prompts(fresh: bool = False) -> set[str]:
    """The together prompts this partner has opened, read once per session.

    ``fresh``: read again (the journal and Where you are, which list what was opened:
    a reveal opened on another device since would otherwise stay hidden there).
    """
    current = member()
    if current is None:
        return set()
    if fresh or OPENED not in st.session_state:
        try:
            st.session_state[OPENED] = presence.opened(db(), current)
        except (SQLAlchemyError, OSError, VaultError, ValueError):
            return st.session_state.get(OPENED, set())
    return st.session_state[OPENED]


@session_checked
def open_together(prompt_id: str) -> None:
    """Open a reveal: remembered (encrypted, in this partner's preferences)."""
    current = member()
    if current is None:  # signed out or locked by now: nothing to open or remember
        return
    st.session_state[OPENED] = opened_prompts() | {prompt_id}
    try:
        st.session_state[OPENED] = presence.mark_opened(db(), current, prompt_id)
    except (SQLAlchemyError, OSError, VaultError, ValueError):
        pass  # shown now anyway; it may be offered again next time


def _latest_now() -> tuple[int, int] | None:
    current = member()
    if current is None:
        return None
    try:
        return presence.latest(db(), current)
    except (SQLAlchemyError, OSError):
        return None


def own_write(callback: Callable) -> Callable:
    """For a callback whose write may move the counter: its own move is not news.

    A click inside a fragment reruns only the fragment, not the page, so the page's
    news check would take this partner's own shared save for the partner's and redraw
    the page. When the counter moved by exactly one step, the partner's own count did
    not move, and nothing was unseen before, the check moves on with it; any other move
    (the partner's, before or meanwhile, even while this was a private save that moves
    nothing) still redraws the page, so a partner's news, or their words taken back,
    is never swallowed.
    """

    @functools.wraps(callback)
    def wrapped(*args, **kwargs):
        before = _latest_now()
        try:
            return callback(*args, **kwargs)
        finally:
            after = _latest_now()
            if (
                before is not None
                and after is not None
                and after == (before[0] + 1, before[1])
                and st.session_state.get(SEEN) == before[0]
            ):
                st.session_state[SEEN] = after[0]

    return wrapped


def partner_watch() -> None:
    """Call once per page run, signed in: start (or keep) the poll for partner news."""
    if member() is None:
        return
    st.session_state[FULL_RUN] = True
    if st.session_state.pop(NEWS, False):
        st.toast("Something new from your partner is here.", icon=":material/favorite:")
    _poll()


@st.fragment(run_every=POLL_EVERY)
def _poll() -> None:
    current = member()
    if current is None:
        return
    full_run = st.session_state.pop(FULL_RUN, False)
    try:
        latest = presence.latest(db(), current)
    except (SQLAlchemyError, OSError):
        return  # a dropped connection: try again at the next tick
    revision, theirs = latest if latest is not None else (None, None)
    if full_run or SEEN not in st.session_state:
        st.session_state[SEEN], st.session_state[THEIRS_SEEN] = revision, theirs
        return
    if revision != st.session_state[SEEN]:
        from_partner = theirs != st.session_state.get(THEIRS_SEEN)
        st.session_state[SEEN], st.session_state[THEIRS_SEEN] = revision, theirs
        st.session_state[NEWS] = revision is not None and from_partner
        st.session_state[AUTOMATIC_RUN] = True
        st.rerun(scope="app")


def waiting_card(current: Member, partner_name: str) -> None:
    """What waits for this partner (a reveal, or a together answer of the partner's),
    with one button to it on the Today page. Metadata only: nothing is decrypted."""
    try:
        own, statuses = presence.statuses(db(), current)
    except (SQLAlchemyError, OSError):
        return
    # A reveal this partner has opened is not waiting any more: Today still offers
    # what you agreed, but a card on every page kept asking to open it again.
    opened = opened_prompts()
    waiting = [
        item
        for item in today.queue(workbook(), "unsaid", own, statuses, opened=opened)
        if item.kind == today.THEIRS_FIRST
        or (item.kind == today.REVEAL and item.prompt.id not in opened)
    ]
    if not waiting:
        return
    item = waiting[0]
    name = escape(partner_name)
    with st.container(border=True, key="waiting-card"):
        if item.kind == today.REVEAL:
            st.markdown(f"**You have both answered** \u201c{item.prompt.text}\u201d")
            label, icon = "Open together", ":material/favorite:"
        else:
            st.markdown(
                f"**{name} has answered** \u201c{item.prompt.text}\u201d. Answer it too, "
                "and then you can open both answers together."
            )
            label, icon = "Answer it now", ":material/edit:"
        more = len(waiting) - 1
        if more:
            st.caption("And one more waits for you." if more == 1 else f"{more} more wait for you.")
        if st.button(label, key="waiting-card-go", type="primary", icon=icon):
            st.session_state[FOCUS] = item.prompt.id
            if item.kind == today.REVEAL:
                open_together(item.prompt.id)
            st.switch_page(TODAY_PAGE)
