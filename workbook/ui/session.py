"""The signed-in session: signing in, the idle lock, sign-out, lock and hand-over, and
the sidebar that shows who is here.

Keys live only in ``st.session_state``, never in a cache or a module global
(workbook/ui/state.py holds the two process-wide caches: settings and the engine).
The fields that keep a person's drafts are in workbook/ui/fields.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from workbook import drafts, markdown, spaces
from workbook.spaces import Member
from workbook.ui.fields import draft_keeper, keep_draft, mark_draft
from workbook.ui.folds import OPEN_FOLDS
from workbook.ui.state import app_settings, db, member

if TYPE_CHECKING:
    from streamlit.delta_generator import DeltaGenerator

GET_HELP_PAGE = "pages/get_help.py"
ACCOUNT_PAGE = "pages/account.py"
THERAPIST_PAGE = "pages/therapist.py"
HOME_PAGE = "pages/home.py"

AUDIENCE_LABEL = {
    "everyone": "",
    "pregnant": "Written for the partner who was pregnant",
    "partner": "Written for the partner who was not pregnant",
}


# The one helper for user text in Markdown and labels is ``workbook.markdown.escape``;
# this older name stays as an alias for code written before.
escape_markdown = markdown.escape


def is_locked() -> bool:
    """Whether this device was locked by a partner who may come back with their passphrase."""
    return LOCKED in st.session_state


def recovery_pending() -> bool:
    """Whether a new recovery key waits to be shown (once) and confirmed as saved."""
    return bool(st.session_state.get("show_recovery"))


def recovery_reminder() -> None:
    st.warning(
        "Your recovery key is ready, and it is shown only once. Please save it now.",
        icon=":material/key:",
    )
    st.page_link(ACCOUNT_PAGE, label="Show my recovery key", icon=":material/arrow_forward:")


# On a phone the sidebar starts closed behind a small arrow icon: give that button a
# word, so the way to every page is plain. And on a phone a notice ("Something new from
# your partner") dropped in over the top of the page, right over "Get help now": put it
# at the bottom there, so the way to urgent help is never covered. CSS only, no script
# and no user text.
_MENU_STYLE = """<style>
[data-testid="stExpandSidebarButton"]::after {
  content: "Menu";
  margin-left: 0.4rem;
  font-size: 1rem;
  font-weight: 600;
}
[data-testid="stExpandSidebarButton"] { width: auto; padding: 0.25rem 0.6rem; }
@media (max-width: 640px) {
  [data-testid="stToastContainer"] { top: auto !important; bottom: 1rem !important; }
}
</style>"""


def menu_hint() -> None:
    st.html(_MENU_STYLE)


def help_now_link() -> None:
    """The one-click way to urgent help, shown at the top of every page."""
    st.page_link(GET_HELP_PAGE, label="Get help now", icon=":material/emergency:")


# ---------------------------------------------------------------------------
# Session: the database handle, the signed-in member, idle lock and sign-out.
# Keys live only in st.session_state, never in a cache or a module global.
# ---------------------------------------------------------------------------


# The sign-in view's fields kept while another of its tabs is open (names, sign-in
# names, the invite code, the role choice; never a passphrase).
SIGN_UP_FIELDS = (
    "new_space_name",
    "new_name",
    "new_login",
    "new_role",
    "join_code",
    "join_name",
    "join_login",
    "join_role",
    "rec_login",
)


# Session keys that hold what a person typed or chose in a form (beyond drafts): a
# check-in's answers, a contact half written, the ticks of the therapy summary, an
# exercise note, a readiness answer. Several wait while another page is open
# (persist_state), so they must go where a person's words go.
TYPED_PREFIXES = ("wb:", "wb_which", "care:", "sum:", "exercise-note:", "readiness:")
# Of those, what a guest may have answered: not carried into a sign-in, since on a
# shared device it may be someone else's (a check-in's answers; words typed as a
# guest are carried, as drafts, on purpose).
GUEST_NOT_CARRIED = ("wb:", "wb_which")


def forget_typed(current: Member) -> None:
    """Drop from this session every word and choice this partner typed and did not save
    (after "Delete everything I wrote": the next pause in typing would store them again)."""
    mine = f"draft:{current.partner_id}:"
    for key in [k for k in st.session_state if str(k).startswith((mine, *TYPED_PREFIXES))]:
        del st.session_state[key]


def sign_in_as(new_member: Member) -> None:
    """Start a signed-in session with every kept draft back on screen.

    Words typed before signing in are carried over (and kept from now on); words in
    this tab's memory (after a lock) win over the stored copy: it is this tab's own
    (the words left its box as a draft before the lock) or another window's.
    """
    carried = {}
    for key in [k for k in st.session_state if str(k).startswith("draft:guest:")]:
        words = st.session_state.pop(key)
        if words:
            carried[key.removeprefix("draft:guest:")] = words
    # What was typed to make, join or recover a space is kept across the sign-in tabs
    # (pages/account.py); once in, it has done its work and goes.
    for key in SIGN_UP_FIELDS:
        st.session_state.pop(key, None)
    for key in [k for k in st.session_state if str(k).startswith(GUEST_NOT_CARRIED)]:
        del st.session_state[key]
    st.session_state["member"] = new_member
    st.session_state["member_id"] = new_member.partner_id
    st.session_state["last_active"] = time.monotonic()
    st.session_state.pop(LOCKED, None)
    try:
        stored = drafts.load_marked(db(), new_member)
    except (SQLAlchemyError, OSError):
        stored = {}  # the words are still in the database; nothing to lose by waiting
    mine = f"draft:{new_member.partner_id}:"
    for prompt_id, kept in stored.items():
        shown = st.session_state.get(mine + prompt_id)
        if not shown:
            st.session_state[mine + prompt_id] = shown = kept.words
        if shown == kept.words:
            # This window now holds those words: its Save may take that draft. A draft
            # with other words (another window's, typed while this one was locked)
            # is not this window's to delete.
            mark_draft(prompt_id, kept.written_at)
    for prompt_id, words in carried.items():
        if not st.session_state.get(mine + prompt_id):
            st.session_state[mine + prompt_id] = words
            keep_draft(prompt_id)


# Session keys that may outlive a sign-out, a lock or a hand-over. This is an
# allow-list: every other key (widget values, "Not today" choices, a prepared backup,
# search words, a chosen country) goes, so the next person on a shared device starts
# clean even from keys nobody thought of when this was written.
LOCKED = "locked"  # (partner id, name) of whoever locked this device
JOURNAL_EDITING = "journal_editing"  # the journal entry whose edit box is open
HANDOVER = "handover_to"  # who this device is being passed to, and by whom
SIGNED_OUT_NOTE = "signed_out_note"  # a kind sentence for the sign-in view


def _forget(keep: Callable[[str], bool] = lambda key: False) -> None:
    """Remove everything this session holds except the keys ``keep`` allows."""
    for key in list(st.session_state):
        if not keep(str(key)):
            del st.session_state[key]


def sign_out() -> None:
    """Drop the keys, every draft and every answer, so the next person starts clean."""
    _forget()


def lock() -> None:
    """Drop the keys and everything on screen, but remember who was here.

    Only this partner's unsaved drafts stay in memory, under their own name, and are
    shown again only after this partner unlocks with their passphrase.
    """
    current = member()
    if current is None:
        return
    mine = f"draft:{current.partner_id}:"
    # Which folds and which journal entry were open is layout, not anything written:
    # unlocking finds the page as it was left. Words typed in a journal entry are a
    # draft under this partner's name (workbook/ui/journal.py), kept as the others.
    _forget(keep=lambda key: key.startswith(mine) or key in (OPEN_FOLDS, JOURNAL_EDITING))
    st.session_state[LOCKED] = (current.partner_id, current.name)


def hand_over(to_id: str, to_name: str) -> None:
    """Pass this device to the other partner: forget everything of the first partner.

    Only who is handing over to whom, and the page and folds to come back to (which
    of a chapter's folds were open: layout, nothing anyone wrote) are kept.
    """
    current = member()
    info = {
        "to_id": to_id,
        "to_name": to_name,
        "from_id": current.partner_id if current else "",
        "from_name": current.name if current else "",
        "page": st.session_state.get("current_page"),
        "folds": set(st.session_state.get(OPEN_FOLDS, ())),
    }
    _forget()
    st.session_state[HANDOVER] = info


def handed_over(info: dict) -> None:
    """After a hand-over (confirmed, or "Back to" the first partner): the folds that
    were open stay open."""
    st.session_state[OPEN_FOLDS] = set(info.get("folds", ()))


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


def button_row() -> DeltaGenerator:
    """Buttons side by side, wrapping on a narrow screen: one flex row.

    ``st.columns`` did this with a block per column plus one around them, and it is
    among the most-used layouts of a run (each question has a row): one block instead
    of three or four is fewer messages and less work on every run (issue 14). The
    buttons sit together at the start of the row, not spread over equal columns.
    """
    return st.container(horizontal=True, gap="small")


def confirm_delete(
    parent: Any, question: str, key: str, on_click: Callable[..., None], args: tuple
) -> None:
    """Delete in a popover that asks first: one click opens it, "Yes, delete it" deletes."""
    with parent.popover("Delete", icon=":material/delete:"):
        st.write(question)
        st.button("Yes, delete it", key=key, on_click=on_click, args=args, type="primary")


def account_sidebar() -> None:
    """Who is signed in, with Lock and Sign out, on every page."""
    with st.sidebar:
        current = member()
        if current is not None:
            st.caption(
                f"Signed in as **{markdown.escape(current.name)}** · "
                f"{markdown.escape(current.space_name)}"
            )
            row = button_row()
            row.button("Lock", key="sidebar_lock", on_click=lock, icon=":material/lock:")
            row.button(
                "Sign out", key="sidebar_sign_out", on_click=sign_out, icon=":material/logout:"
            )
            idle_watch()
            draft_keeper()
        elif st.session_state.get(LOCKED):
            st.caption("Locked. Enter your passphrase on this page to carry on.")
        else:
            st.caption("Not signed in. Open **Your space** to keep your answers.")
