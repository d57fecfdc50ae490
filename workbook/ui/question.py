"""One question of the workbook: its words, its text area, who can see it, and Save.

Used by the chapter pages (each question a fragment: workbook/ui/chapter_folds.py)
and by Today (one question at a time).
"""

from __future__ import annotations

from datetime import datetime

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from workbook import journal, text
from workbook.content import ONLY_ONE_LABEL, Prompt, TogetherPrompt
from workbook.journal import Reflection
from workbook.markdown import escape
from workbook.ui.clock import when
from workbook.ui.fields import (
    MAX_ANSWER_CHARS,
    draft_field,
    draft_key,
    draft_mark,
    draft_saved,
    draft_unsaved,
    flash,
    length_hint,
    show_flash,
)
from workbook.ui.idle import session_checked
from workbook.ui.live import own_write
from workbook.ui.page_frame import button_row, confirm_delete
from workbook.ui.saved_answers import (
    changed_elsewhere,
    nothing_saved,
    show_newer,
    show_saved,
    stale_box,
    unsaved_note,
)
from workbook.ui.session import db, member
from workbook.upsert import NewerAnswer

AUDIENCE_LABEL = {
    "everyone": "",
    "pregnant": "Written for the partner who was pregnant",
    "partner": "Written for the partner who was not pregnant",
}


def _save_chosen(chapter_id: str, prompt_id: str, partner_name: str) -> None:
    """The one Save button: saves with whatever the who-can-see-it choice says."""
    visibility = st.session_state.get(visibility_key(prompt_id)) or journal.PRIVATE
    _save(chapter_id, prompt_id, visibility, partner_name)


def visibility_key(prompt_id: str) -> str:
    return f"visibility:{prompt_id}"


def _saved_visibility_key(prompt_id: str) -> str:
    """Session key of who could see the answer as this window last knew it saved."""
    return f"visibility-saved:{prompt_id}"


def _show_saved_visibility(prompt_id: str, mine: Reflection | None) -> None:
    """The choice starts as saved, and follows a change saved in another window while
    it is left as this window last knew it (a choice made here and not saved stays).

    Why: made private in one window, an answer went back to shared when the other
    window, still showing "Share", saved an edit of its words.
    """
    key, seen = visibility_key(prompt_id), _saved_visibility_key(prompt_id)
    saved = mine.visibility if mine is not None else journal.PRIVATE  # nothing saved yet
    if key not in st.session_state or (
        mine is not None and st.session_state.get(seen) == st.session_state[key]
    ):
        st.session_state[key] = st.session_state[seen] = saved


def save_controls(
    chapter_id: str, prompt_id: str, partner_name: str, mine: Reflection | None
) -> None:
    """Who can see it (one control) and one Save; Delete folded away once saved."""
    key = visibility_key(prompt_id)
    _show_saved_visibility(prompt_id, mine)
    labels = {
        journal.PRIVATE: "Just for me",
        journal.SHARED: f"Share with {escape(partner_name)}",
    }
    st.radio(
        "Who can see it",
        (journal.PRIVATE, journal.SHARED),
        format_func=labels.__getitem__,
        key=key,
        horizontal=True,
    )
    # A flex row only for two buttons: a block is among the dearer parts of a run
    # (issue 14), and most questions have only Save.
    row = button_row() if mine is not None else st
    row.button(
        "Save",
        key=f"save:{prompt_id}",
        on_click=_save_chosen,
        args=(chapter_id, prompt_id, partner_name),
        type="primary",
    )
    if mine is not None:
        confirm_delete(
            row,
            "Delete your saved answer? This cannot be undone.",
            f"delete:{prompt_id}",
            _delete,
            (mine.id, prompt_id),
        )


@session_checked
@own_write
def _save(chapter_id: str, prompt_id: str, visibility: str, partner_name: str) -> None:
    """Save the draft; on failure keep it and say so kindly."""
    current = member()
    if current is None:
        flash(prompt_id, "error", text.SIGNED_OUT_UNSAVED)
        return
    words = st.session_state.get(draft_key(prompt_id), "") or ""
    known_choice = st.session_state.get(_saved_visibility_key(prompt_id))
    try:
        journal.save(
            db(),
            current,
            chapter_id=chapter_id,
            prompt_id=prompt_id,
            text=words,
            visibility=visibility,
            draft=draft_mark(prompt_id),
            keep_newer=stale_box(prompt_id, words),
            keep_private=visibility == known_choice == journal.SHARED,
        )
    except NewerAnswer as newer:
        _follow(prompt_id, newer)
        return
    except journal.JournalError as exc:
        draft_unsaved(prompt_id)
        flash(prompt_id, "error", str(exc))
        return
    except (SQLAlchemyError, OSError):
        draft_unsaved(prompt_id)
        flash(prompt_id, "error", text.SAVE_FAILED)
        return
    draft_saved(prompt_id, retired=True)
    st.session_state[_saved_visibility_key(prompt_id)] = visibility
    flash(
        prompt_id,
        "ok",
        text.SAVED_PRIVATE
        if visibility == journal.PRIVATE
        else text.SAVED_SHARED.format(partner=escape(partner_name)),
    )


def _follow(prompt_id: str, newer: NewerAnswer) -> None:
    """A Save held back (in its callback, before the box is drawn): the box and the
    choice show what is saved now. Words typed here and taken back before the Save go
    with this window's draft, or a reload would bring them back."""
    if newer.text is not None:
        show_newer(prompt_id, newer.text)
        draft_saved(prompt_id)
    if newer.visibility is not None:
        st.session_state[visibility_key(prompt_id)] = newer.visibility
        st.session_state[_saved_visibility_key(prompt_id)] = newer.visibility
    said = text.NEWER_ANSWER_SHOWN if newer.text is not None else text.MADE_PRIVATE_ELSEWHERE
    flash(prompt_id, "info", said)


@session_checked
@own_write
def _delete(reflection_id: str, prompt_id: str) -> None:
    current = member()
    if current is None:
        return
    try:
        journal.remove(db(), current, reflection_id)
    except journal.JournalError as exc:
        flash(prompt_id, "error", str(exc))
        return
    except (SQLAlchemyError, OSError):
        flash(prompt_id, "error", "We could not delete this just now. Try again in a moment.")
        return
    draft_saved(prompt_id)
    nothing_saved(prompt_id)
    st.session_state.pop(draft_key(prompt_id), None)
    st.session_state.pop(visibility_key(prompt_id), None)
    st.session_state.pop(_saved_visibility_key(prompt_id), None)
    flash(prompt_id, "ok", "Deleted.")


def _when(moment: datetime) -> str:
    return when(moment)  # in the reader's own time zone


def question_block(
    chapter_id: str,
    prompt: Prompt | TogetherPrompt,
    follow_up: str = "",
    saved: dict[str, Reflection] | None = None,
    others: dict[str, list[Reflection]] | None = None,
    partner_name: str = "your partner",
    known: bool = True,
) -> None:
    """One question: its box, its notes, and Save. ``known``: ``saved`` was read on this
    run (False after a failed read: then nothing is said about what is saved)."""
    current = member()
    mine = (saved or {}).get(prompt.id)
    key = draft_key(prompt.id)
    saved_text = mine.text if mine is not None else None
    waits = show_saved(prompt.id, saved_text, known)  # to follow a newer answer
    elsewhere = known and changed_elsewhere(prompt.id, saved_text)
    with st.container(border=True):
        st.markdown(f"**{prompt.text}**")
        audience = getattr(prompt, "audience", "everyone")
        notes = [AUDIENCE_LABEL[audience]] if AUDIENCE_LABEL.get(audience) else []
        if prompt.only_one:
            notes.insert(0, ONLY_ONE_LABEL)
        if getattr(prompt, "hint", ""):
            notes.append(prompt.hint)
        if notes:
            st.caption(" · ".join(notes))
        for other in (others or {}).get(prompt.id, []):
            st.caption(f"{escape(partner_name)} shared:")
            st.text(other.text)
        if elsewhere:
            st.warning(text.ANSWER_CHANGED_ELSEWHERE, icon=":material/sync_problem:")
        st.text_area(
            prompt.text,
            **draft_field(prompt.id, saved_by=f"save:{prompt.id}"),
            height=120,
            label_visibility="collapsed",
            placeholder="Write as much or as little as you like. Skipping is fine too.",
            persist_state="session",
        )
        length_hint(key, MAX_ANSWER_CHARS)
        if follow_up:
            st.caption(f"Afterwards, together: {follow_up}")
        if current is not None:
            # The warning above says more than the note would.
            quiet = not known or elsewhere or waits
            note = "" if quiet else unsaved_note(key, saved_text)
            if mine is not None:
                who = (
                    "Only you can see this."
                    if mine.visibility == journal.PRIVATE
                    else f"Shared with {escape(partner_name)}."
                )
                edited = f" Edited {_when(mine.updated_at)}." if mine.edited else ""
                st.caption(f"Saved {_when(mine.created_at)}.{edited} {who} {note}".rstrip())
            elif note:
                st.caption(note)
            save_controls(chapter_id, prompt.id, partner_name, mine)
        show_flash(prompt.id)
