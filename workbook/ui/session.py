"""The signed-in session: database handle, member, idle lock, sign-out, drafts.

Keys live only in ``st.session_state``, never in a cache or a module global: the
caches here hold only the settings and the engine, which are the same for everyone.
"""

from __future__ import annotations

import hashlib
import runpy
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from workbook import drafts, markdown, settings, spaces, text
from workbook.spaces import Member
from workbook.store import Db, open_db
from workbook.ui.folds import OPEN_FOLDS

if TYPE_CHECKING:
    from streamlit.delta_generator import DeltaGenerator

GET_HELP_PAGE = "pages/get_help.py"
ACCOUNT_PAGE = "pages/account.py"
ACCOUNT_SCRIPT = str(Path(__file__).resolve().parents[2] / ACCOUNT_PAGE)
THERAPIST_PAGE = "pages/therapist.py"
HOME_PAGE = "pages/home.py"
MAX_ANSWER_CHARS = 20_000

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


def render_sign_in_here() -> None:
    """Show Your space's sign-in (or unlock) view in place of the page that was asked for.

    The address stays the same, so after signing in the rerun opens that very page: a
    deep link survives, and a locked screen unlocks where it is.
    """
    runpy.run_path(ACCOUNT_SCRIPT, {"SIGN_IN_IN_PLACE": True}, run_name="__page__")


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


@st.cache_resource(show_spinner=False)
def app_settings() -> settings.Settings:
    """Settings read once per process from the environment."""
    return settings.from_environment()


@st.cache_resource(show_spinner=False)
def db() -> Db:
    """The process-wide database handle (engine + instance secret): no user data."""
    return open_db(app_settings())


def member() -> Member | None:
    return st.session_state.get("member")


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


def sign_in_as(new_member: Member) -> None:
    """Start a signed-in session with every kept draft back on screen.

    Words typed before signing in are carried over (and kept from now on); words in
    this tab's memory (after a lock) win over the stored copy, which is never newer.
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
    st.session_state["member"] = new_member
    st.session_state["member_id"] = new_member.partner_id
    st.session_state["last_active"] = time.monotonic()
    st.session_state.pop(LOCKED, None)
    try:
        stored = drafts.load(db(), new_member)
    except (SQLAlchemyError, OSError):
        stored = {}  # the words are still in the database; nothing to lose by waiting
    mine = f"draft:{new_member.partner_id}:"
    for prompt_id, words in stored.items():
        if not st.session_state.get(mine + prompt_id):
            st.session_state[mine + prompt_id] = words
    for prompt_id, words in carried.items():
        if not st.session_state.get(mine + prompt_id):
            st.session_state[mine + prompt_id] = words
            keep_draft(prompt_id)


# Session keys that may outlive a sign-out, a lock or a hand-over. This is an
# allow-list: every other key (widget values, "Not today" choices, a prepared backup,
# search words, a chosen country) goes, so the next person on a shared device starts
# clean even from keys nobody thought of when this was written.
LOCKED = "locked"  # (partner id, name) of whoever locked this device
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
    # Which folds were open is layout, not anything written: unlocking finds the page
    # as it was left.
    _forget(keep=lambda key: key.startswith(mine) or key == OPEN_FOLDS)
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


SAVED_DIGESTS = "drafts_saved"  # {prompt id: digest of the words last saved as an answer}


def _digest(words: str) -> bytes:
    return hashlib.blake2b(words.encode("utf-8", "replace"), digest_size=16).digest()


def keep_draft(prompt_id: str) -> None:
    """on_change of a text field: store its words, encrypted, for this partner.

    Skipped for a guest (nothing to encrypt with) and for words just saved as the
    answer (the Save callback may run before or after this one in the same rerun).
    """
    current = member()
    if current is None:
        return
    words = st.session_state.get(f"draft:{current.partner_id}:{prompt_id}") or ""
    if st.session_state.get(SAVED_DIGESTS, {}).get(prompt_id) == _digest(words):
        return
    try:
        drafts.save(db(), current, prompt_id, words)
    except (SQLAlchemyError, OSError, ValueError):
        pass  # the words are still on screen; the next pause tries again


def draft_saved(prompt_id: str) -> None:
    """The answer to this prompt was saved: its draft is no longer needed."""
    current = member()
    if current is None:
        return
    words = st.session_state.get(f"draft:{current.partner_id}:{prompt_id}") or ""
    st.session_state.setdefault(SAVED_DIGESTS, {})[prompt_id] = _digest(words)
    try:
        drafts.discard(db(), current, prompt_id)
    except (SQLAlchemyError, OSError):
        pass  # a stale draft only means the saved words come back as a draft


# st.text_area has no ``live=`` in Streamlit 1.67 (only st.text_input does): it commits
# on a click out, Tab or Ctrl+Enter. This script, ours and holding no user text, sends
# that Ctrl+Enter for a draft field after two seconds without typing, so the words
# reach the server (and its on_change stores the draft) while the person still types.
_DRAFT_SCRIPT = """<script>
(() => {
  if (window.__workbookDraftKeeper) return;
  window.__workbookDraftKeeper = true;
  let timer = null;
  document.addEventListener("input", (event) => {
    const area = event.target;
    if (!(area instanceof HTMLTextAreaElement)) return;
    if (!area.closest("[class*='st-key-draft']")) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      area.dispatchEvent(new KeyboardEvent("keydown", {
        key: "Enter", code: "Enter", keyCode: 13, which: 13,
        ctrlKey: true, bubbles: true, cancelable: true,
      }));
    }, %d);
  }, true);
})();
</script>"""
DRAFT_PAUSE_MS = 2000


def draft_keeper() -> None:
    """Install the small script that commits a draft field after a pause in typing."""
    if member() is not None:
        st.html(_DRAFT_SCRIPT % DRAFT_PAUSE_MS, unsafe_allow_javascript=True, width=1)


def draft_field(prompt_id: str) -> dict[str, Any]:
    """Keyword arguments for a text area whose words are kept as a draft as they type.

    A guest's words stay on screen only (nothing to encrypt them with), so their field
    has no on_change. A signed-in partner's field commits after a pause in typing (see
    ``draft_keeper``), so a reload, crash or timeout costs at most the last two seconds.
    """
    if member() is None:
        return {"key": draft_key(prompt_id)}
    return {"key": draft_key(prompt_id), "on_change": keep_draft, "args": (prompt_id,)}


def length_hint(key: str, limit: int) -> None:
    """Show the limit as a person nears it, and say so plainly past it; never cut.

    Streamlit's ``max_chars`` keeps only the first ``max_chars`` characters on the
    server without a word, so fields that hold a person's words have none. From 80%
    of the limit this shows the count; past it, a kind note. Saving more is refused
    with a message, and the words stay in the box.
    """
    count = len(st.session_state.get(key) or "")
    if count > limit:
        st.warning(text.OVER_LIMIT.format(over=count - limit, limit=limit))
    elif count >= limit * 0.8:
        st.caption(text.NEAR_LIMIT.format(count=count, limit=limit))


def draft_key(prompt_id: str) -> str:
    """Session key of a text area; namespaced so another partner never sees a draft."""
    owner = st.session_state.get("member_id", "guest")
    return f"draft:{owner}:{prompt_id}"


def flash(prompt_id: str, kind: str, message: str) -> None:
    st.session_state[f"flash:{prompt_id}"] = (kind, message)


def show_flash(prompt_id: str) -> None:
    flash = st.session_state.pop(f"flash:{prompt_id}", None)
    if flash:
        kind, message = flash
        {"ok": st.success, "error": st.error}[kind](message)
