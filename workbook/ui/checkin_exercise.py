"""A chapter's readiness check-in (chapters 1 and 2) and its exercise for the week.

The check-in's answers are shown to the partner only once both have answered
(``readiness.rounds``); this module never has the other's answer earlier.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from workbook import progress, readiness, spaces, text
from workbook.content import Chapter
from workbook.markdown import escape
from workbook.spaces import Member
from workbook.ui.clock import DATE, when
from workbook.ui.fields import (
    flash,
    length_hint,
    show_flash,
)
from workbook.ui.idle import session_checked
from workbook.ui.live import own_write
from workbook.ui.roles import my_role
from workbook.ui.session import db, member
from workbook.ui.unreadable import show_unreadable

READINESS_FIELDS = ("green", "waiting", "body", "heart")


@session_checked
@own_write
def _checkin() -> None:
    current = member()
    if current is None:
        return
    values = [st.session_state.get(f"readiness:{field}") for field in READINESS_FIELDS]
    try:
        answers = readiness.answers_from_form(my_role(), *values)
        number = readiness.submit(db(), current, answers)
        done = any(r.number == number and r.complete for r in readiness.rounds(db(), current))
    except ValueError as exc:
        flash("readiness", "error", str(exc))
        return
    except (SQLAlchemyError, OSError):
        flash("readiness", "error", text.SAVE_FAILED)
        return
    for field in READINESS_FIELDS:
        st.session_state.pop(f"readiness:{field}", None)
    flash(
        "readiness",
        "ok",
        "Saved. You have both answered, so you can see both answers together now."
        if done
        else "Saved. Your partner cannot see it until you have both answered.",
    )


def render_readiness(current: Member | None, partners: list[spaces.Partner]) -> None:
    """The private readiness check-in (chapters 1 and 2)."""
    words = readiness.load_text()
    st.markdown(words.intro)
    if current is None:
        st.caption("Make a space or sign in to use the check-in with your partner.")
        return
    name = next((p.name for p in partners if p.id != current.partner_id), "your partner")
    try:
        history = readiness.rounds(db(), current)
    except (SQLAlchemyError, OSError):
        st.error("We could not load your check-ins just now. Try again in a moment.")
        return
    show_unreadable(history)
    latest = history[0] if history else None
    if latest is not None and latest.complete:
        _checkin_result(latest, name)
    elif latest is not None and latest.mine is not None:
        st.info(f"Waiting for {escape(name)} to answer. You will see both answers together.")
    elif latest is not None and latest.partner_answered:
        st.info(f"{escape(name)} has answered. Their answers stay hidden until you answer too.")
    with st.expander(
        "Check in again" if latest is not None and latest.mine is not None else "Check in",
        expanded=latest is None or latest.mine is None,
        type="compact",
    ):
        ask_green, ask_waiting = readiness.form_for(my_role())
        if ask_green:
            options = words.green_light_options
            if ask_waiting:  # rather not say: the go-ahead may be the other's to ask
                options = (*options, words.green_light_not_mine)
            st.radio(
                words.green_light_question,
                options,
                index=None,
                key="readiness:green",
                persist_state="session",  # kept while the fold is closed
            )
        if ask_waiting:
            st.radio(
                words.waiting_question,
                words.waiting_options,
                index=None,
                key="readiness:waiting",
                persist_state="session",
            )
        for question, key in (
            (words.physical_question, "readiness:body"),
            (words.emotional_question, "readiness:heart"),
        ):
            st.radio(question, words.scale_options, index=None, key=key, persist_state="session")
        st.button("Save my check-in", key="readiness:save", on_click=_checkin)
    show_flash("readiness")
    earlier = [r for r in history[1:] if r.complete]
    if earlier:
        with st.expander("Earlier check-ins", type="compact"):
            for r in earlier:
                st.caption(
                    f"{when(r.completed_at, DATE)}: "
                    f"{readiness.guidance_for(r.mine, r.theirs).title}"
                )


def _checkin_result(latest: readiness.Round, name: str) -> None:
    words = readiness.load_text()
    guidance = readiness.guidance_for(latest.mine, latest.theirs)
    with st.container(border=True):
        st.subheader(guidance.title)
        st.markdown(guidance.text)
        left, right = st.columns(2)
        for col, who, answers in ((left, "You", latest.mine), (right, name, latest.theirs)):
            with col:
                st.markdown(f"**{escape(who)}**")
                lines = []
                if answers.green_light:
                    lines.append(f"Go-ahead: {answers.green_light}")
                if answers.waiting:
                    lines.append(f"Waiting: {answers.waiting}")
                lines += [f"Body: {answers.physical}", f"Feelings: {answers.emotional}"]
                st.text("\n".join(lines))
        if guidance.key != "both_ready":
            st.markdown("**Ways to stay close without sex**")
            for idea in words.close_without_sex:
                st.markdown(f"- {idea}")
        # Two facts may come from one page: its line once.
        for source, url in dict.fromkeys((s.source, s.url) for s in words.sources):
            st.markdown(f"Source: [{source}]({url})")


@session_checked
@own_write
def _exercise_done(chapter_id: str) -> None:
    current = member()
    if current is None:
        return
    note = st.session_state.get(f"exercise-note:{chapter_id}", "") or ""
    try:
        progress.mark_exercise_done(db(), current, chapter_id, note)
    except ValueError as exc:
        flash(f"exercise:{chapter_id}", "error", str(exc))
        return
    except (SQLAlchemyError, OSError):
        flash(f"exercise:{chapter_id}", "error", text.SAVE_FAILED)
        return
    flash(f"exercise:{chapter_id}", "ok", "Marked as done.")


@session_checked
@own_write
def _exercise_undo(chapter_id: str) -> None:
    current = member()
    if current is None:
        return
    try:
        progress.unmark_exercise(db(), current, chapter_id)
    except ValueError as exc:  # the space was re-keyed since this page was drawn
        flash(f"exercise:{chapter_id}", "error", str(exc))
    except (SQLAlchemyError, OSError):
        flash(f"exercise:{chapter_id}", "error", text.SAVE_FAILED)


def render_exercise(
    chapter: Chapter, current: Member | None, partners: list[spaces.Partner]
) -> None:
    with st.container():
        st.markdown(chapter.exercise.text)
        if current is None:
            return
        names = {p.id: p.name for p in partners}
        try:
            done = dict(
                (note.author_id, note) for _, note in progress.exercises(db(), current, chapter.id)
            )
        except (SQLAlchemyError, OSError):
            done = {}
        for author_id, note in done.items():
            who = "You" if author_id == current.partner_id else names.get(author_id, "Your partner")
            st.caption(
                f"{escape(who)} marked this done."
                + (f" Note: {escape(note.note)}" if note.note else "")
            )
        if current.partner_id in done:
            st.button(
                "Not done after all",
                key=f"exercise-undo:{chapter.id}",
                on_click=_exercise_undo,
                args=(chapter.id,),
            )
        else:
            st.text_input(
                "A short note, if you like (your partner can read it)",
                key=f"exercise-note:{chapter.id}",
                persist_state="session",  # kept while the fold is closed
            )
            length_hint(f"exercise-note:{chapter.id}", progress.MAX_NOTE)
            st.button(
                "Mark as done",
                key=f"exercise:{chapter.id}",
                on_click=_exercise_done,
                args=(chapter.id,),
            )
        show_flash(f"exercise:{chapter.id}")
