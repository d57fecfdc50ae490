"""The signed-in session: signing in, sign-out, lock and hand-over, and the allow-list of
session keys that outlive them.

Keys live only in ``st.session_state``, never in a cache or a module global
(workbook/ui/state.py holds the two process-wide caches: settings and the engine).
The fields that keep a person's drafts are in workbook/ui/fields.py; the idle lock is
workbook/ui/idle.py; what every page shows around its content, workbook/ui/page_frame.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from workbook import drafts
from workbook.spaces import Member
from workbook.ui.fields import keep_draft, mark_draft
from workbook.ui.folds import OPEN_FOLDS
from workbook.ui.saved_answers import saved_digests_key
from workbook.ui.state import db, member

GET_HELP_PAGE = "pages/get_help.py"
ACCOUNT_PAGE = "pages/account.py"
THERAPIST_PAGE = "pages/therapist.py"
HOME_PAGE = "pages/home.py"


def is_locked() -> bool:
    """Whether this device was locked by a partner who may come back with their passphrase."""
    return LOCKED in st.session_state


def recovery_pending() -> bool:
    """Whether a new recovery key waits to be shown (once) and confirmed as saved."""
    return bool(st.session_state.get("show_recovery"))


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
    # draft under this partner's name (workbook/ui/journal_edit.py), kept as the others.
    # What this partner knows as saved stays too, so an answer saved in another window
    # while the screen was locked is noticed after unlocking (workbook/ui/saved_answers.py).
    kept = (OPEN_FOLDS, JOURNAL_EDITING, saved_digests_key(current.partner_id))
    _forget(keep=lambda key: key.startswith(mine) or key in kept)
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
