"""Where you are: what waits for you, what you opened together lately, one suggestion.

No report card (PRODUCT.md, "How it should feel"): counts only on request, in an
expander, and only of what the other partner chose to share.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from workbook import journal, progress, spaces, text, together
from workbook.content import Chapter, workbook
from workbook.markdown import escape
from workbook.ui.clock import when
from workbook.ui.live import opened_prompts
from workbook.ui.session import ACCOUNT_PAGE, db, member
from workbook.ui.unreadable import show_unreadable
from workbook.vault import VaultError

LATELY = 3  # how many recent things each list shows


def _chapter_page(chapter: Chapter) -> str:
    return f"pages/chapter_{chapter.number}.py"


def _prompt_index() -> dict[str, tuple[Chapter, str]]:
    """Every together prompt id -> (its chapter, its question)."""
    return {t.id: (c, t.text) for c in workbook().chapters for t in c.together}


def render_home() -> None:
    st.title("Where you are")
    current = member()
    if current is None:
        st.write(
            "This page shows what waits for you, what you opened together lately, and one "
            "suggestion for what to do next. It needs your private space."
        )
        st.page_link(ACCOUNT_PAGE, label="Make a space or sign in", icon=":material/key:")
        return
    book = workbook()
    try:
        partners = spaces.partners_of(db(), current)
        states = together.states(db(), current, [t.id for c in book.chapters for t in c.together])
        rows = progress.summary(db(), current, book, states)
        shared_with_me = journal.shared_lately(db(), current, LATELY)
    except (SQLAlchemyError, OSError, VaultError):
        st.error("We could not load this just now. Nothing is lost; try again in a moment.")
        return
    show_unreadable(states)
    other = next((p for p in partners if p.id != current.partner_id), None)
    name = escape(other.name) if other else "your partner"
    prompts = _prompt_index()

    # A question both answered waits until this partner has opened it (then it is
    # under "Opened together lately"): listed in both, the page contradicted itself.
    opened_here = opened_prompts(fresh=True)
    st.subheader("Waiting for you")
    waiting = [(pid, "answered") for r in rows for pid in r.waiting_on_me]
    waiting += [(pid, "open") for r in rows for pid in r.unagreed if pid not in opened_here]
    if not waiting and not shared_with_me:
        st.write("Nothing is waiting for you. That is fine: go at your own pace.")
    for prompt_id, kind in waiting[:LATELY]:
        chapter, question = prompts[prompt_id]
        with st.container(border=True):
            if kind == "answered":
                st.markdown(
                    f"**{name} has answered a together question.** Answer it too, "
                    "and then you see both answers."
                )
            else:
                st.markdown("**You have both answered.** Open them together when you are ready.")
            st.write(f"\u201c{question}\u201d")
            st.page_link(
                _chapter_page(chapter),
                label=f"Open chapter {chapter.number}",
                icon=":material/arrow_forward:",
            )
    for entry in shared_with_me:
        chapter = book.chapter(entry.chapter_id)
        where = (
            "You can read it in the chapter or the journal."
            if entry.readable
            else text.SHARED_UNREADABLE
        )
        st.caption(
            f"{name} shared an answer in chapter {chapter.number}, "
            f"{when(entry.updated_at)}. {where}"
        )

    opened = sorted(
        (s for s in states.values() if s.revealed and s.prompt_id in opened_here),
        key=lambda s: s.revealed_at,
        reverse=True,
    )[:LATELY]
    if opened:
        st.subheader("Opened together lately")
        for state in opened:
            chapter, question = prompts[state.prompt_id]
            agreed = " You wrote down what you agreed." if state.agreement else ""
            st.write(
                f"\u201c{question}\u201d, chapter {chapter.number}: you had both answered "
                f"{when(state.revealed_at)}.{agreed}"
            )

    step = progress.next_step(current, partners, rows, opened_here)
    with st.container(border=True):
        st.markdown("**A gentle suggestion**")
        st.write(escape(step.text))  # it may hold the partner's name
        if step.chapter_number:
            st.page_link(
                f"pages/chapter_{step.chapter_number}.py",
                label=f"Open chapter {step.chapter_number}",
                icon=":material/arrow_forward:",
            )

    with st.expander("Counts, if you would like them"):
        st.caption(
            f"Only what you can see: your own answers, and what {name} shared with you. "
            "No scores; skipping is always fine."
        )
        _counts(rows, current.partner_id, other, name)


def _counts(rows, me: str, other: spaces.Partner | None, name: str) -> None:
    lines = []
    for row in rows:
        chapter = row.chapter
        parts = [f"you answered {row.own_answered.get(me, 0)} of {len(chapter.prompts)}"]
        if other is not None and row.own_answered.get(other.id):
            parts.append(f"{name} shared {row.own_answered[other.id]} with you")
        if row.together_revealed:
            parts.append(f"{row.together_revealed} opened together")
        lines.append(f"- Chapter {chapter.number}, {chapter.title}: " + "; ".join(parts) + ".")
    st.markdown("\n".join(lines))
