"""Together prompts and their reveal (handing one device over: workbook/ui/handover.py).

A partner's together answer is shown to the other only through ``together.states``,
which returns it only once both have answered; this module never has it earlier.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from workbook import spaces, text, together
from workbook.cleantext import has_words
from workbook.content import ONLY_ONE_LABEL, Chapter, TogetherPrompt
from workbook.markdown import escape
from workbook.spaces import Member
from workbook.together import TogetherState
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
from workbook.ui.handover import start_handover
from workbook.ui.idle import session_checked
from workbook.ui.live import open_together, opened_prompts, own_write
from workbook.ui.page_frame import button_row
from workbook.ui.saved_answers import (
    changed_elsewhere,
    is_saved_answer,
    show_newer,
    show_saved,
    stale_box,
    unsaved_note,
)
from workbook.ui.session import db, member
from workbook.ui.unreadable import show_unreadable
from workbook.upsert import NewerAnswer
from workbook.vault import VaultError

REVEAL_READY = "You have both answered. Open them together when you are ready."


@session_checked
@own_write
def _answer(prompt_id: str) -> bool:
    """Save this partner's together answer from its box; True if it was saved."""
    current = member()
    if current is None:
        flash(prompt_id, "error", text.SIGNED_OUT_UNSAVED)
        return False
    words = st.session_state.get(draft_key(prompt_id), "") or ""
    try:
        together.answer(
            db(),
            current,
            prompt_id,
            words,
            draft_mark(prompt_id),
            keep_newer=stale_box(prompt_id, words),
        )
    except NewerAnswer as newer:
        show_newer(prompt_id, newer.text)
        draft_saved(prompt_id)  # words typed and taken back do not come back on a reload
        flash(prompt_id, "info", text.NEWER_ANSWER_SHOWN)
        return False
    except together.TogetherError as exc:
        draft_unsaved(prompt_id)
        flash(prompt_id, "error", str(exc))
        return False
    except (SQLAlchemyError, OSError):
        draft_unsaved(prompt_id)
        flash(prompt_id, "error", text.SAVE_FAILED)
        return False
    draft_saved(prompt_id, retired=True)
    try:
        revealed = together.states(db(), current, [prompt_id])[prompt_id].revealed
    except (SQLAlchemyError, OSError, VaultError):
        revealed = False  # the answer is saved; only the next step is unknown for now
    flash(
        prompt_id,
        "ok",
        "Saved. You have both answered now: open them together when you are ready."
        if revealed
        else "Saved. It stays hidden until you have both answered.",
    )
    return True


def pass_to(prompt_id: str, other: spaces.Partner) -> None:
    """ "Pass to": words in the box that are not the saved answer are saved first.

    The hand-over screen says the answer is saved and hidden; an edit typed after the
    first Save was left behind as a draft, and the partner opened the older answer.
    If the save does not go through, the device is not passed and the box says why.
    """
    words = st.session_state.get(draft_key(prompt_id), "") or ""
    if has_words(words) and not is_saved_answer(prompt_id, words) and not _answer(prompt_id):
        return
    start_handover(other)


def pass_button(parent, prompt_id: str, other: spaces.Partner, icon: str | None = None) -> None:
    """The one "Pass to" button, beside the answer's Save or on Today after it."""
    name = escape(other.name)
    parent.button(
        f"Pass to {name}",
        key=f"handover:{prompt_id}",
        on_click=pass_to,
        args=(prompt_id, other),
        icon=icon,
        help=f"On this device: hide your answer and let {name} answer.",
    )


@session_checked
@own_write
def _agree(prompt_id: str) -> None:
    current = member()
    if current is None:
        return
    key = draft_key(f"agreement:{prompt_id}")
    try:
        together.agree(db(), current, prompt_id, st.session_state.get(key, "") or "")
    except together.TogetherError as exc:
        draft_unsaved(f"agreement:{prompt_id}")
        flash(f"agreement:{prompt_id}", "error", str(exc))
        return
    except (SQLAlchemyError, OSError):
        draft_unsaved(f"agreement:{prompt_id}")
        flash(f"agreement:{prompt_id}", "error", text.SAVE_FAILED)
        return
    draft_saved(f"agreement:{prompt_id}")
    flash(f"agreement:{prompt_id}", "ok", "Saved for you both.")


def _not_today(prompt_id: str) -> None:
    """'Not today' sets a prompt aside for this visit only; nothing is stored or counted."""
    st.session_state.setdefault("not_today", set()).add(prompt_id)


def _undo_not_today(prompt_id: str) -> None:
    st.session_state.setdefault("not_today", set()).discard(prompt_id)


def set_aside_note(prompt: TogetherPrompt) -> None:
    """The line left where a prompt was set aside, with the way to bring it back."""
    cols = st.columns([4, 1], vertical_alignment="center")
    cols[0].caption(f"Not today: \u201c{prompt.text}\u201d")
    cols[1].button(
        "Undo",
        key=f"undo-skip:{prompt.id}",
        on_click=_undo_not_today,
        args=(prompt.id,),
        type="tertiary",
        help="Bring this question back",
    )


def together_intro(
    chapter: Chapter, current: Member | None, partners: list[spaces.Partner]
) -> tuple[dict[str, TogetherState] | None, spaces.Partner | None]:
    """What a chapter's together section says first; its states (None if they could
    not be read) and the other partner.

    Each question then follows (``together_prompt``), on the chapter page each in a
    fragment of its own (workbook/ui/chapter_folds.py).
    """
    st.caption(
        "Each of you answers on your own. Your answers stay hidden from each other until "
        "you have both answered; then you see them side by side. Not today is always fine."
    )
    others = [p for p in partners if current and p.id != current.partner_id]
    other = others[0] if others else None
    states: dict[str, TogetherState] = {}
    if current is not None:
        try:
            states = together.states(db(), current, [t.id for t in chapter.together])
        except (SQLAlchemyError, OSError):
            st.error("We could not load your answers just now. Try again in a moment.")
            return None, other
        show_unreadable(states)
    return states, other


def together_prompt(
    prompt: TogetherPrompt,
    current: Member | None,
    state: TogetherState | None,
    other: spaces.Partner | None,
    known: bool = True,
) -> None:
    """One together question: set aside, a guest's box, answering apart, or the reveal.
    ``known``: ``state`` was read on this run (see ``together_box``)."""
    if prompt.id in st.session_state.get("not_today", set()):
        set_aside_note(prompt)
        return
    with st.container(border=True):
        st.markdown(f"**{prompt.text}**")
        if prompt.only_one:
            st.caption(ONLY_ONE_LABEL)
        if current is None:
            _guest_box(prompt)
        else:
            together_box(prompt, state, other, known=known)
        show_flash(prompt.id)


def _guest_box(prompt: TogetherPrompt) -> None:
    st.text_area(
        prompt.text,
        key=draft_key(prompt.id),
        height=100,
        label_visibility="collapsed",
        persist_state="session",
        placeholder="Your own answer. Make a space to keep it and answer together.",
    )
    length_hint(draft_key(prompt.id), MAX_ANSWER_CHARS)
    st.caption(f"Afterwards, together: {prompt.follow_up}")


def together_box(
    prompt: TogetherPrompt,
    state: TogetherState | None,
    other: spaces.Partner | None,
    not_today: bool = True,
    known: bool = True,
) -> None:
    """Answer apart, or the reveal once both have answered. ``not_today=False`` leaves the
    set-aside button to the caller (the Today page has its own). ``known=False``: the
    states could not be read, so nothing is said about what is saved."""
    name = other.name if other else "your partner"
    if state is not None and state.revealed:
        _reveal(prompt, state, name)
        return
    key = draft_key(prompt.id)
    mine = state.mine if state else None
    saved_text = mine.text if mine is not None else None
    waits = show_saved(prompt.id, saved_text, known)  # to follow a newer answer
    elsewhere = known and changed_elsewhere(prompt.id, saved_text)
    if state is not None and state.partner_answered:
        st.info(f"{escape(name)} has answered. Their answer stays hidden until you answer too.")
    elif mine is not None:
        st.info(
            f"Waiting for {escape(name)} to answer. "
            "Your answer stays hidden until you have both answered."
        )
    elif other is None:
        st.caption(
            "Your partner has not joined yet. You can answer now; it stays hidden until "
            "they answer too."
        )
    if elsewhere:
        st.warning(text.TOGETHER_CHANGED_ELSEWHERE, icon=":material/sync_problem:")
    st.text_area(
        prompt.text,
        **draft_field(prompt.id, saved_by=f"together:{prompt.id}"),
        height=100,
        label_visibility="collapsed",
        persist_state="session",
        placeholder="Your own answer. Your partner will not see it until you have both answered.",
    )
    length_hint(key, MAX_ANSWER_CHARS)
    if known and not elsewhere and not waits and (note := unsaved_note(key, saved_text)):
        st.caption(note)
    row = button_row()
    row.button(
        "Save my answer" if mine is None else "Update my answer",
        key=f"together:{prompt.id}",
        on_click=_answer,
        args=(prompt.id,),
        type="primary",
    )
    if not_today:
        row.button("Not today", key=f"skip:{prompt.id}", on_click=_not_today, args=(prompt.id,))
    if mine is not None and other is not None and not state.partner_answered:
        pass_button(row, prompt.id, other)


def _reveal(prompt: TogetherPrompt, state: TogetherState, name: str) -> None:
    """The moment: a clear button first, then both answers as equal cards side by side
    (stacked on a phone), then the follow-up and what you agreed."""
    if prompt.id not in opened_prompts():
        st.success(REVEAL_READY, icon=":material/favorite:")
        st.button(
            "Open together",
            key=f"open:{prompt.id}",
            on_click=open_together,
            args=(prompt.id,),
            type="primary",
            icon=":material/visibility:",
        )
        return
    left, right = st.columns(2)
    for col, who, answer in ((left, "You", state.mine), (right, name, state.theirs)):
        with col, st.container(border=True):
            st.markdown(f"**{escape(who)}**")
            st.text(answer.text)
            if state.edited_after_reveal(answer):
                st.caption("Edited after you both answered.")
    st.markdown(f"**Now, together:** {prompt.follow_up}")
    key = draft_key(f"agreement:{prompt.id}")
    if state.agreement is not None and key not in st.session_state:
        st.session_state[key] = state.agreement.text
    st.text_area(
        "What you agreed",
        **draft_field(f"agreement:{prompt.id}", saved_by=f"agree:{prompt.id}"),
        height=80,
        persist_state="session",
        placeholder="For example: what you will try, or when you will talk again.",
    )
    length_hint(key, MAX_ANSWER_CHARS)
    st.button(
        "Save what we agreed",
        key=f"agree:{prompt.id}",
        on_click=_agree,
        args=(prompt.id,),
        type="primary",
    )
    show_flash(f"agreement:{prompt.id}")
