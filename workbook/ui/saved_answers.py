"""What this window knows as the saved answer to each question, and what follows
from it: the box follows a newer answer it holds unchanged, says when its words are
not the saved answer, and warns before its Save would replace a newer one.

Why a window needs to know: one person may have a question open in two windows (or
on two devices), and the answer box of each keeps the words it last showed. Without
this, the older window's Save put older words back over newer ones without a word.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from workbook import text
from workbook.cleantext import has_words
from workbook.ui.state import draft_key, member

# {prompt id: digest of the answer this window knows as saved}, one dict per partner
# under saved_digests_key: a lock keeps this partner's (workbook/ui/session.py), so an
# answer saved elsewhere while the screen was locked is still noticed after unlocking.
SAVED_DIGESTS = "drafts_saved"
# In the digests: this window saw the question with no answer saved (no digest of
# words is empty, so no words ever match it).
NOTHING_SAVED = b""
# Set by every run that checks the session (workbook/ui/idle.py: each whole-page run,
# and each click inside a question, chapter_folds._checked): True when the app started
# the run itself (the partner-news poll), not a click or a keystroke. Such a run
# carries no words still being typed in the browser (a box sends its words only after
# a pause, Tab or a click), so it must not replace what a box holds (show_saved).
APP_STARTED_RUN = "live:app_started_run"


def saved_digests_key(partner_id: str) -> str:
    return f"{SAVED_DIGESTS}:{partner_id}"


def _digests() -> dict[str, bytes]:
    """This partner's digests (call only when signed in)."""
    owner = st.session_state.get("member_id", "guest")
    return st.session_state.setdefault(saved_digests_key(owner), {})


def digest(words: str) -> bytes:
    return hashlib.blake2b(words.encode("utf-8", "replace"), digest_size=16).digest()


def note_saved(prompt_id: str, words: str) -> None:
    """These words were just saved as the answer (by this window)."""
    _digests()[prompt_id] = digest(words)


def is_saved_answer(prompt_id: str, words: str) -> bool:
    """Whether ``words`` are what this session last saved as the answer to the prompt
    (a box keeps showing them after its Save): not a draft of anything new."""
    return member() is not None and _digests().get(prompt_id) == digest(words)


def show_saved(prompt_id: str, saved: str | None, known: bool = True) -> bool:
    """Put the saved answer in its box, before the box is drawn: the first time, and
    again when an answer saved since (in another window) replaces the one this box
    still holds unchanged (or an empty box where nothing was saved). Words typed here
    and not saved are never replaced. ``known``: ``saved`` was read on this run.
    True when a box waits for the next click to follow (see below): say nothing
    about it on this run.

    Why: with two windows open, the other window's box kept the earlier answer, and
    its Save put the earlier words back over the newer ones without a word. The
    first draw also notes what is saved (or that nothing is), even when the box
    already holds a draft, so ``changed_elsewhere`` can tell when that changes.
    On a run the news poll started, a box is not filled: words being typed reach the
    server only after a pause, Tab or a click, so a box that looks unchanged here may
    hold new words in the browser, and filling it would replace them there. The next
    click fills it, and a Save pressed first finds the newer answer (``stale_box``).
    """
    if not known or member() is None:
        return False  # a failed read is not "nothing saved"; a guest's box is theirs
    digests = _digests()
    if saved is None:
        digests[prompt_id] = NOTHING_SAVED  # deleted elsewhere, or never saved
        return False
    key = draft_key(prompt_id)
    if key in st.session_state:
        words = st.session_state[key] or ""
        if words == saved:
            digests[prompt_id] = digest(saved)
            return False
        if not _unchanged(prompt_id, words):
            digests.setdefault(prompt_id, digest(saved))  # words of this window's own
            return False
        if st.session_state.get(APP_STARTED_RUN):
            return True
    st.session_state[key] = saved
    # As after a Save: these words are the answer, not a draft of anything new.
    digests[prompt_id] = digest(saved)
    return False


def stale_box(prompt_id: str, words: str) -> bool:
    """A Save of words that are just what this window last knew as the saved answer:
    the saved answer may be newer by now (a box waiting to follow), so the Save checks
    it in its own write (``keep_newer``) rather than put the older words back."""
    return member() is not None and has_words(words) and _unchanged(prompt_id, words)


def show_newer(prompt_id: str, newer: str) -> None:
    """A Save found a newer answer than the box's: the box shows it now (in a Save's
    callback, before the box is drawn), and nothing was saved."""
    st.session_state[draft_key(prompt_id)] = newer
    note_saved(prompt_id, newer)


def _unchanged(prompt_id: str, words: str) -> bool:
    """The box holds what this window last knew as saved: that answer, or nothing."""
    known = _digests().get(prompt_id)
    if known == NOTHING_SAVED:
        return not has_words(words)
    return known == digest(words)


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
    if saved is None or known is None or known == digest(saved):
        return False
    words = st.session_state.get(draft_key(prompt_id)) or ""
    return has_words(words) and words != saved and not _unchanged(prompt_id, words)
