"""The fields that hold a person's own words: drafts kept as they type, the length
hint, and the one-line note ("Saved.") a field shows after its button.

A draft is encrypted for its partner and stored after a pause in typing, so a reload,
a crash or a timeout costs at most the last two seconds; a guest's words stay on
screen only. Every user text shown here is rendered as text (``workbook.markdown``).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from workbook import drafts, text
from workbook.cleantext import has_words
from workbook.spaces import Member
from workbook.ui.state import db, member

MAX_ANSWER_CHARS = 20_000


# {prompt id: digest of the answer this window knows as saved}, one dict per partner
# under saved_digests_key: a lock keeps this partner's (workbook/ui/session.py), so an
# answer saved elsewhere while the screen was locked is still noticed after unlocking.
SAVED_DIGESTS = "drafts_saved"
# In the digests: this window saw the question with no answer saved (no digest of
# words is empty, so no words ever match it).
NOTHING_SAVED = b""
# Set at the start of every whole-page run (workbook/ui/idle.py): True when the app
# started it itself (the partner-news poll), not a click or a keystroke. Such a run
# carries no words still being typed in the browser (a box sends its words only after
# a pause, Tab or a click), so it must not put an answer into a box that looks empty.
APP_STARTED_RUN = "live:app_started_run"


def saved_digests_key(partner_id: str) -> str:
    return f"{SAVED_DIGESTS}:{partner_id}"


def _digests() -> dict[str, bytes]:
    """This partner's digests (call only when signed in)."""
    owner = st.session_state.get("member_id", "guest")
    return st.session_state.setdefault(saved_digests_key(owner), {})


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


def _digest(words: str) -> bytes:
    return hashlib.blake2b(words.encode("utf-8", "replace"), digest_size=16).digest()


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


def is_saved_answer(prompt_id: str, words: str) -> bool:
    """Whether ``words`` are what this session last saved as the answer to the prompt
    (a box keeps showing them after its Save): not a draft of anything new."""
    return member() is not None and _digests().get(prompt_id) == _digest(words)


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
    _digests()[prompt_id] = _digest(words)
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


def show_saved(prompt_id: str, saved: str | None, known: bool = True) -> None:
    """Put the saved answer in its box, before the box is drawn: the first time, and
    again when an answer saved since (in another window) replaces the one this box
    still holds unchanged (or an empty box where nothing was saved). Words typed here
    and not saved are never replaced. ``known``: ``saved`` was read on this run.

    Why: with two windows open, the other window's box kept the earlier answer, and
    its Save put the earlier words back over the newer ones without a word. The
    first draw also notes what is saved (or that nothing is), even when the box
    already holds a draft, so ``changed_elsewhere`` can tell when that changes.
    """
    if not known or member() is None:
        return  # a failed read is not "nothing saved"; a guest's box is theirs alone
    digests = _digests()
    if saved is None:
        digests.setdefault(prompt_id, NOTHING_SAVED)
        return
    key = draft_key(prompt_id)
    if key in st.session_state:
        words = st.session_state[key] or ""
        if words == saved:
            digests[prompt_id] = _digest(saved)
            return
        if not _unchanged(prompt_id, words):
            digests.setdefault(prompt_id, _digest(saved))  # words of this window's own
            return
        if not has_words(words) and st.session_state.get(APP_STARTED_RUN):
            return  # words may be on their way from the browser: fill it on a click
    st.session_state[key] = saved
    # As after a Save: these words are the answer, not a draft of anything new.
    digests[prompt_id] = _digest(saved)


def _unchanged(prompt_id: str, words: str) -> bool:
    """The box holds what this window last knew as saved: that answer, or nothing."""
    known = _digests().get(prompt_id)
    if known == NOTHING_SAVED:
        return not has_words(words)
    return known == _digest(words)


def nothing_saved(prompt_id: str) -> None:
    """This window deleted the answer: it now knows nothing is saved."""
    _digests()[prompt_id] = NOTHING_SAVED


def unsaved_note(key: str, saved: str | None) -> str:
    """What to say under a box whose words are not the saved answer ("" if they are).

    Why: after a reload, a lock or typing in another window, a kept draft comes back
    into the box, and under "Saved" it looked saved. The box may also hold an answer
    saved since in another window, so the words say "differ", not "your changes".
    Only call it when the saved answer was read on this run: a failed read is not
    "nothing saved".
    """
    words = st.session_state.get(key) or ""
    if not has_words(words):
        return ""  # an emptied box: Save would refuse it, and Delete is there
    if saved is None:
        return text.DRAFT_NOT_SAVED
    return text.CHANGES_NOT_SAVED if words != saved else ""


def changed_elsewhere(prompt_id: str, saved: str | None) -> bool:
    """Whether an answer was saved since this window last knew what was saved (in
    another window, or in the journal's edit box) while the box holds words typed here.

    Why: the box keeps those words (``show_saved`` never replaces them), and its Save
    would put them over the newer answer; the journal's edit box says so before it
    happens (``EDIT_CHANGED_ELSEWHERE``), and so does a question's box now. Call it
    after ``show_saved``, and only when ``saved`` was read on this run.
    """
    if member() is None:
        return False
    known = _digests().get(prompt_id)
    if saved is None or known is None or known == _digest(saved):
        return False
    words = st.session_state.get(draft_key(prompt_id)) or ""
    return has_words(words) and words != saved


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
