"""The fields that hold a person's own words: drafts kept as they type, the length
hint, and the one-line note ("Saved.") a field shows after its button.

A draft is encrypted for its partner and stored after a pause in typing, so a reload,
a crash or a timeout costs at most the last two seconds; a guest's words stay on
screen only. Every user text shown here is rendered as text (``workbook.markdown``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from workbook import drafts, text
from workbook.spaces import Member
from workbook.ui.saved_answers import is_saved_answer, note_saved
from workbook.ui.state import db, draft_key, member

MAX_ANSWER_CHARS = 20_000


# {prompt id: the draft row's time as this window last wrote or read it}: a Save or a
# clear deletes only this window's draft, never words another window kept since
# (workbook/drafts.py).
DRAFT_MARKS = "drafts_marks"


def draft_mark(prompt_id: str) -> datetime | None:
    """Which stored draft of this prompt is this window's (None: none is)."""
    return st.session_state.get(DRAFT_MARKS, {}).get(prompt_id)


def mark_draft(prompt_id: str, written_at: datetime | None) -> None:
    marks = st.session_state.setdefault(DRAFT_MARKS, {})
    if written_at is None:
        marks.pop(prompt_id, None)
    else:
        marks[prompt_id] = written_at


def keep_draft(prompt_id: str, saved_by: str = "") -> None:
    """on_change of a text field: store its words, encrypted, for this partner.

    Skipped for a guest (nothing to encrypt with), for words just saved as the answer
    (the Save callback may run before or after this one in the same rerun), and when
    the click of this rerun is the field's own Save (``saved_by``, that button's key):
    its callback saves the words as the answer, and keeps them as a draft only if it
    cannot (``draft_unsaved``). A Save after typing was a draft write, the answer's
    write and the draft's delete, each with its own commit.
    """
    if saved_by and st.session_state.get(saved_by):
        return
    _store_draft(prompt_id)


def draft_unsaved(prompt_id: str) -> None:
    """A Save did not go through: keep the words as a draft, as a pause in typing would."""
    _store_draft(prompt_id)


def _store_draft(prompt_id: str) -> None:
    current = member()
    if current is None:
        return
    words = st.session_state.get(f"draft:{current.partner_id}:{prompt_id}") or ""
    if is_saved_answer(prompt_id, words):
        # Typed back to the saved answer: the draft this window kept of the words in
        # between is not needed, or a reload would bring those words back.
        if draft_mark(prompt_id) is not None:
            _discard_own(current, prompt_id)
        return
    try:
        mark_draft(prompt_id, drafts.save(db(), current, prompt_id, words, draft_mark(prompt_id)))
    except (SQLAlchemyError, OSError, ValueError):
        pass  # the words are still on screen; the next pause tries again


def keep_everything_typed(current: Member) -> None:
    """Keep every box of this partner's words as a draft now: the session is about to
    end before a Save could take them (a passphrase changed on another device)."""
    mine = f"draft:{current.partner_id}:"
    for key in [str(k) for k in st.session_state if str(k).startswith(mine)]:
        _store_draft(key.removeprefix(mine))


def forget_draft(prompt_id: str) -> None:
    """Words a person chose to put away (Close on a journal entry): off the screen and
    out of the database, so they do not come back after a reload."""
    current = member()
    if current is None:
        return
    st.session_state.pop(f"draft:{current.partner_id}:{prompt_id}", None)
    _discard_own(current, prompt_id)


def _discard_own(current: Member, prompt_id: str) -> None:
    """Delete the draft of this prompt this window kept (none: nothing is deleted).

    If the database cannot be reached the mark stays, so the next try deletes it; a
    draft left meanwhile only brings its words back after a reload.
    """
    try:
        drafts.discard(db(), current, prompt_id, draft_mark(prompt_id))
    except (SQLAlchemyError, OSError):
        return
    mark_draft(prompt_id, None)


def draft_saved(prompt_id: str, retired: bool = False) -> None:
    """The answer to this prompt was saved: its draft is no longer needed.

    ``retired``: the answer's own write deleted the draft already (``journal.save``,
    ``together.answer``, given ``draft_mark``); only what was saved is noted here.
    """
    current = member()
    if current is None:
        return
    words = st.session_state.get(f"draft:{current.partner_id}:{prompt_id}") or ""
    note_saved(prompt_id, words)
    if retired:
        mark_draft(prompt_id, None)
    else:
        _discard_own(current, prompt_id)


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


def draft_field(prompt_id: str, saved_by: str = "") -> dict[str, Any]:
    """Keyword arguments for a text area whose words are kept as a draft as they type.

    A guest's words stay on screen only (nothing to encrypt them with), so their field
    has no on_change. A signed-in partner's field commits after a pause in typing (see
    ``draft_keeper``), so a reload, crash or timeout costs at most the last two seconds.
    ``saved_by`` is the key of the button that saves these words as the answer.
    """
    if member() is None:
        return {"key": draft_key(prompt_id)}
    return {"key": draft_key(prompt_id), "on_change": keep_draft, "args": (prompt_id, saved_by)}


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


def flash(prompt_id: str, kind: str, message: str) -> None:
    st.session_state[f"flash:{prompt_id}"] = (kind, message)


def show_flash(prompt_id: str) -> None:
    flash = st.session_state.pop(f"flash:{prompt_id}", None)
    if flash:
        kind, message = flash
        {"ok": st.success, "error": st.error, "info": st.info}[kind](message)
