"""Changing a journal entry in place: its edit box, Save changes, Share or Make private,
and Delete, one entry open at a time.

Why its own module: the journal page (workbook/ui/journal.py) lists and filters; what
happens to the words typed into an entry's box (kept as a draft, rescued when the entry
goes in another window) is a story of its own.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from workbook import journal, text
from workbook.journal import PRIVATE, SHARED
from workbook.markdown import escape
from workbook.spaces import Member
from workbook.ui.fields import (
    draft_field,
    draft_key,
    draft_mark,
    draft_saved,
    draft_unsaved,
    flash,
    forget_draft,
    length_hint,
)
from workbook.ui.idle import session_checked
from workbook.ui.page_frame import button_row, confirm_delete
from workbook.ui.saved_answers import (
    is_saved_answer,
)
from workbook.ui.session import JOURNAL_EDITING, db, member
from workbook.upsert import NewerAnswer


def edit_box(prompt_id: str, entry_id: str) -> str:
    """Session key of an entry's edit box: a draft of this partner, so the words typed
    there are kept (encrypted) after a pause in typing, through a lock and a reload,
    like an answer's (workbook/ui/fields.py)."""
    return draft_key(journal.edit_draft_id(prompt_id, entry_id))


def _base(entry_id: str) -> str:
    """Session key of when the entry was last saved as this box opened on it: a save
    from another window after that is said before this one replaces it."""
    return f"edit-base:{entry_id}"


@session_checked
def _edit(entry_id: str, prompt_id: str, saved: str) -> None:
    current = member()
    if current is None:
        return
    draft = journal.edit_draft_id(prompt_id, entry_id)
    words = st.session_state.get(edit_box(prompt_id, entry_id), "")
    try:
        journal.edit(db(), current, entry_id, words, draft_mark(draft), keep_newer=words == saved)
    except NewerAnswer:
        # Saved since in another window (a private save redraws nothing here): the box
        # opens again on the entry as saved now, rather than put the older words back.
        forget_draft(draft)
        st.session_state.pop(_base(entry_id), None)
        flash(f"entry:{entry_id}", "info", text.NEWER_ANSWER_SHOWN)
        return
    except journal.JournalError as exc:
        if _gone(exc):
            _keep_as_draft(prompt_id, words, saved)
            return
        draft_unsaved(draft)
        flash(f"entry:{entry_id}", "error", str(exc))
        return
    except (SQLAlchemyError, OSError):
        draft_unsaved(draft)
        flash(f"entry:{entry_id}", "error", text.SAVE_FAILED)
        return
    draft_saved(draft, retired=True)  # journal.edit took the draft with it
    st.session_state.pop(EDITING, None)
    st.session_state.pop(edit_box(prompt_id, entry_id), None)
    st.session_state.pop(_base(entry_id), None)
    flash(f"entry:{entry_id}", "ok", "Saved.")


def _gone(exc: journal.JournalError) -> bool:
    """The entry is no longer there to change (deleted, perhaps in another window)."""
    return str(exc) in (text.GONE, text.NOT_YOURS)


def _keep_as_draft(prompt_id: str, words: str, saved: str) -> None:
    """The entry went (deleted in another window): its question is open again, so the
    words wait there as a draft instead of going with the entry's box. Words already
    waiting in that question's box, other than the entry's own, stay first."""
    close_editor(keep=False)
    _to_question(prompt_id, words, saved)


def _to_question(prompt_id: str, words: str, saved: str = "") -> None:
    key = draft_key(prompt_id)
    waiting = st.session_state.get(key) or ""
    new = waiting not in (saved, words) and not is_saved_answer(prompt_id, waiting)
    if waiting.strip() and new:  # words of their own waiting there stay first
        words = f"{waiting}\n\n{words}"
    st.session_state[key] = words
    draft_unsaved(prompt_id)
    flash("journal", "error", text.GONE_KEPT_AS_DRAFT)


@session_checked
def _switch(entry_id: str, visibility: str) -> None:
    current = member()
    if current is not None:
        try:
            journal.set_visibility(db(), current, entry_id, visibility)
        except journal.JournalError as exc:
            gone = _gone(exc)
            if gone:
                close_editor(keep=False)
            flash("journal" if gone else f"entry:{entry_id}", "error", str(exc))
        except (SQLAlchemyError, OSError):
            flash(f"entry:{entry_id}", "error", text.CHANGE_FAILED)


# The one entry whose edit box and buttons are open. Closed entries carry one Edit
# button instead of a box, two buttons and two popovers each: a page of twenty of
# your own entries was about 180 elements and 85 ms of server time per run, on every
# click of the page (issue 14).
EDITING = JOURNAL_EDITING


def editing_id() -> str | None:
    """The id of the entry whose edit box is open (EDITING holds it with its question)."""
    open_ = st.session_state.get(EDITING)
    return open_[0] if open_ else None


def toggle_editor(entry_id: str, prompt_id: str) -> None:
    """Edit opens this entry (another open one closes, its typed words kept for when it
    opens again); Close puts this one back as saved and lets its typed words go."""
    was_open = editing_id() == entry_id
    close_editor(keep=not was_open)
    if not was_open:
        st.session_state[EDITING] = (entry_id, prompt_id)


def keep_open_edit() -> None:
    """Another page is opening: an entry left open in the journal closes, and the words
    typed in it wait for its next opening (app.py)."""
    st.session_state.pop(EDITING, None)


def close_editor(keep: bool = False) -> None:
    """Close the open entry. ``keep``: its unsaved words wait for its next opening (the
    box keeps its state while not drawn, and its draft is stored); without, they go."""
    open_ = st.session_state.pop(EDITING, None)
    if open_ is not None and not keep:
        entry_id, prompt_id = open_
        forget_draft(journal.edit_draft_id(prompt_id, entry_id))
        st.session_state.pop(_base(entry_id), None)


def rescue_gone_edits(current: Member, own_ids: set[str]) -> None:
    """Words typed for an entry that is no longer there (deleted in another window
    while this one typed, then kept as a draft) go to its question as a draft, not
    into a draft that no entry shows."""
    mine = f"draft:{current.partner_id}:"
    for key in [k for k in st.session_state if str(k).startswith(mine + journal.EDIT_DRAFT)]:
        parts = journal.edit_draft_parts(key.removeprefix(mine))
        if parts is None or parts[1] in own_ids:
            continue
        prompt_id, entry_id = parts
        words = st.session_state.get(key) or ""
        forget_draft(journal.edit_draft_id(prompt_id, entry_id))
        if words.strip():
            _to_question(prompt_id, words)


@session_checked
def _delete(entry_id: str) -> None:
    current = member()
    if current is not None:
        try:
            journal.remove(db(), current, entry_id)
        except journal.JournalError as exc:
            flash("journal", "error", str(exc))
            return
        except (SQLAlchemyError, OSError):
            flash(f"entry:{entry_id}", "error", text.CHANGE_FAILED)
            return
        close_editor()
        flash("journal", "ok", "Deleted.")


def editor(row, other_name: str) -> None:
    """The open entry: its words to change, who can see it, and Delete (Close is the
    Edit button above, which stays in its place)."""
    key = edit_box(row.prompt_id, row.id)
    if key not in st.session_state:
        st.session_state[key] = row.text
        st.session_state[_base(row.id)] = row.updated
    base = st.session_state.get(_base(row.id))
    if base is not None and row.updated > base:
        st.warning(text.EDIT_CHANGED_ELSEWHERE, icon=":material/sync_problem:")
    st.text_area(
        "Your words",
        **draft_field(journal.edit_draft_id(row.prompt_id, row.id), saved_by=f"edit-save:{row.id}"),
        height=160,
        persist_state="session",  # kept while another entry or a filter hides the box
    )
    length_hint(key, journal.MAX_CHARS)
    buttons = button_row()
    buttons.button(
        "Save changes",
        key=f"edit-save:{row.id}",
        on_click=_edit,
        args=(row.id, row.prompt_id, row.text),
        type="primary",
    )
    target = SHARED if row.visibility == PRIVATE else PRIVATE
    buttons.button(
        f"Share with {escape(other_name)}" if target == SHARED else "Make private",
        key=f"switch:{row.id}",
        on_click=_switch,
        args=(row.id, target),
    )
    confirm_delete(
        buttons,
        "Delete this entry? It is removed for good and cannot be undone.",
        f"del:{row.id}",
        _delete,
        (row.id,),
    )
