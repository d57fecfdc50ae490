"""A chapter page's folds and questions as fragments (issue 14).

A click inside a fold or a question reruns only it, not the chapter page around it:
opening a fold, Save, Delete, a pause in typing, a together answer, the check-in and
the exercise. A rerun of only a fragment skips app.py, so each fragment checks the
session itself (``_checked``) and reads what it shows afresh.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

from workbook import journal, spaces, together
from workbook.content import Chapter, Prompt, TogetherPrompt, workbook
from workbook.journal import Reflection
from workbook.spaces import Member
from workbook.together import TogetherState
from workbook.ui.checkin_exercise import render_exercise, render_readiness
from workbook.ui.folds import fold, fold_key
from workbook.ui.handover import handover_pending
from workbook.ui.idle import enforce_idle_lock
from workbook.ui.question import question_block
from workbook.ui.session import db, member
from workbook.ui.together import together_intro, together_prompt
from workbook.ui.unreadable import show_unreadable
from workbook.vault import VaultError


def _by_author(
    entries: list[Reflection], current
) -> tuple[dict[str, Reflection], dict[str, list[Reflection]]]:
    """This partner's answer per prompt, and what the other shared, per prompt."""
    saved: dict[str, Reflection] = {}
    others: dict[str, list[Reflection]] = {}
    for entry in entries:
        if entry.author_id == current.partner_id:
            saved[entry.prompt_id] = entry
        else:
            others.setdefault(entry.prompt_id, []).append(entry)
    return saved, others


def _rerun_of_this_fragment() -> bool:
    """True while Streamlit reruns only the fragment now running (a click inside it).

    Streamlit 1.67 has no public call for "which fragment is running": its per-thread
    state holds it (tests/test_question_fragment.py fails if that ever changes).
    """
    ctx = get_script_run_ctx()
    if ctx is None or not ctx.fragment_ids_this_run:
        return False
    return ThreadState.get().fragment_id in ctx.fragment_ids_this_run


def _checked(drawn_for: str | None) -> Member | None:
    """Who is signed in, checked as the page would check it, on a fragment's own rerun.

    A rerun of only a fragment skips app.py, so this does what the page does first:
    the idle lock and the session check. If the page was drawn for someone else by
    now (locked, signed out, handed over, or signed out elsewhere), the whole page
    runs again and shows what it should. The page's news check is left alone: the
    partner's news since the page was drawn still redraws it (this person's own
    writes are told apart by ``live.own_write``).
    """
    if _rerun_of_this_fragment():
        enforce_idle_lock()
        current = member()
        if handover_pending() or (current.partner_id if current else None) != drawn_for:
            st.rerun(scope="app")
    return member()


def _answers(
    chapter_id: str, current: Member | None, *, quiet: bool = False
) -> tuple[dict[str, Reflection], dict[str, list[Reflection]]] | None:
    """This chapter's answers, read now; None (after a kind note) if they cannot be."""
    if current is None:
        return {}, {}
    try:
        entries = journal.visible(db(), current, chapter_id=chapter_id)
    except (SQLAlchemyError, OSError, VaultError):
        if not quiet:
            st.error(
                "We could not load your saved answers just now. Anything you type "
                "stays here; try again in a moment."
            )
        return None
    if not quiet:
        show_unreadable(entries)
    return _by_author(entries, current)


@st.fragment
def _question(
    chapter_id: str,
    prompt: Prompt,
    saved: dict[str, Reflection],
    others: dict[str, list[Reflection]],
    partner_name: str,
    drawn_for: str | None,
    known: bool = True,
) -> None:
    """One question of a chapter page, in a fragment of its own.

    Why: its Save, Delete and the pause-in-typing commit of its text area then rerun
    this question only, not the whole chapter (issue 14: a save was a full page run,
    about 60 ms of server CPU; alone it is about 16 ms, checks and re-read included).
    The answers passed in are from the run that drew it; on its own rerun it reads
    them again.
    """
    if _rerun_of_this_fragment():
        fresh = _answers(chapter_id, _checked(drawn_for), quiet=True)
        # If they cannot be read now, keep this partner's own answer on screen but
        # never the partner's words from before: they may have been taken back since.
        saved, others = fresh if fresh is not None else (saved, {})
        known = fresh is not None
    question_block(
        chapter_id, prompt, saved=saved, others=others, partner_name=partner_name, known=known
    )


@st.fragment
def questions_fold(
    chapter_id: str,
    kind: str,
    label: str,
    icon: str,
    note: str,
    prompts: list[Prompt],
    partner_name: str,
    drawn_for: str | None,
) -> None:
    """A fold of questions, in a fragment: opening or closing it reruns only the fold,
    and only an open fold reads and decrypts the chapter's answers."""
    current = _checked(drawn_for)
    box = fold(label, fold_key(f"chapter_{_number(chapter_id)}", kind), icon)
    if box is None:
        return
    with box:
        answers = _answers(chapter_id, current)
        saved, others = answers if answers is not None else ({}, {})
        st.caption(note)
        for prompt in prompts:
            _question(
                chapter_id, prompt, saved, others, partner_name, drawn_for, answers is not None
            )


@st.fragment
def section_fold(
    chapter: Chapter,
    kind: str,
    label: str,
    icon: str,
    partners: list[spaces.Partner],
    drawn_for: str | None,
) -> None:
    """The readiness check-in, the together questions or the week's exercise, in a
    fold that is a fragment: a click inside reruns only the fold, which reads what it
    shows afresh (the together states, the check-in rounds, the exercise)."""
    current = _checked(drawn_for)
    box = fold(label, fold_key(f"chapter_{chapter.number}", kind), icon)
    if box is None:
        return
    if _rerun_of_this_fragment() and current is not None:
        try:  # the partner may have joined since the page was drawn
            partners = spaces.partners_of(db(), current)
        except (SQLAlchemyError, OSError, VaultError):
            pass
    with box:
        if kind == "readiness":
            render_readiness(current, partners)
        elif kind == "together":
            states, other = together_intro(chapter, current, partners)
            for prompt in chapter.together:
                state = states.get(prompt.id) if states is not None else None
                _together_question(prompt, state, other, drawn_for, states is not None)
        else:
            render_exercise(chapter, current, partners)


@st.fragment
def _together_question(
    prompt: TogetherPrompt,
    state: TogetherState | None,
    other: spaces.Partner | None,
    drawn_for: str | None,
    known: bool = True,
) -> None:
    """One together question in a fragment of its own: answering, Not today and the
    reveal rerun only it, and it reads its own state afresh on such a rerun."""
    current = member()
    if _rerun_of_this_fragment():
        current = _checked(drawn_for)
        if current is not None:
            try:
                state = together.states(db(), current, [prompt.id]).get(prompt.id)
            except (SQLAlchemyError, OSError, VaultError):
                # Never the answers from before: the partner's may have changed.
                st.error("We could not load this question just now. Try again in a moment.")
                return
            known = True
    together_prompt(prompt, current, state, other, known)


def _number(chapter_id: str) -> int:
    return workbook().chapter(chapter_id).number
