"""The couple's home view: where each of you is, what waits on whom, one next step."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from workbook import progress, spaces, together
from workbook.content import workbook
from workbook.markdown import escape
from workbook.ui.session import ACCOUNT_PAGE, db, member


def render_home() -> None:
    st.title("Where you are")
    current = member()
    if current is None:
        st.write(
            "This page shows how far each of you has got, what is waiting on whom, and one "
            "suggestion for what to do next. It needs your private space."
        )
        st.page_link(ACCOUNT_PAGE, label="Make a space or sign in", icon=":material/key:")
        return
    book = workbook()
    try:
        partners = spaces.partners_of(db(), current)
        states = together.states(db(), current, [t.id for c in book.chapters for t in c.together])
        rows = progress.summary(db(), current, book, states)
    except (SQLAlchemyError, OSError):
        st.error("We could not load your progress just now. Try again in a moment.")
        return
    other = next((p for p in partners if p.id != current.partner_id), None)
    step = progress.next_step(current, partners, rows)
    with st.container(border=True):
        st.markdown("**A suggestion for next**")
        st.write(escape(step.text))  # it may hold the partner's name
        if step.chapter_number:
            st.page_link(
                f"pages/chapter_{step.chapter_number}.py",
                label=f"Open chapter {step.chapter_number}",
                icon=":material/arrow_forward:",
            )
    st.caption("No scores and no streaks. Go at your own pace; waiting is always fine.")
    for row in rows:
        chapter = row.chapter
        with st.container(border=True):
            st.page_link(
                f"pages/chapter_{chapter.number}.py", label=f"{chapter.number}. {chapter.title}"
            )
            people = [(current.partner_id, "You")]
            if other is not None:
                people.append((other.id, other.name))
            cols = st.columns(len(people))
            for col, (pid, who) in zip(cols, people, strict=True):
                with col:
                    own = row.own_answered.get(pid, 0)
                    answered = row.together_answered.get(pid, 0)
                    done = "done" if pid in row.exercise else "not yet"
                    st.markdown(f"**{escape(who)}**")
                    st.text(
                        f"On your own: {own} of {len(chapter.prompts)}\n"
                        f"Together answers: {answered} of {len(chapter.together)}\n"
                        f"This week's exercise: {done}"
                    )
            notes = [f"Opened together: {row.together_revealed} of {len(chapter.together)}."]
            if row.waiting_on_me:
                notes.append(f"{len(row.waiting_on_me)} waiting for you.")
            if row.waiting_on_partner and other is not None:
                notes.append(f"{len(row.waiting_on_partner)} waiting for {escape(other.name)}.")
            st.caption(" ".join(notes))
