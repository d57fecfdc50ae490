"""The shared chapter renderer and the welcome page."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from workbook import roles, spaces, text
from workbook.content import Chapter, page_text, workbook
from workbook.ui.chapter_folds import questions_fold, section_fold
from workbook.ui.live import partner_watch, waiting_card
from workbook.ui.roles import my_role
from workbook.ui.session import (
    ACCOUNT_PAGE,
    GET_HELP_PAGE,
    HOME_PAGE,
    THERAPIST_PAGE,
    db,
    member,
)
from workbook.ui.way_in import sign_in_link
from workbook.vault import VaultError

READINESS_CHAPTERS = ("body", "heart")


def _welcome_text() -> tuple[str, str]:
    """The welcome text split after its first paragraph: the opening, then the rest."""
    opening, _, rest = page_text("welcome").strip().partition("\n\n")
    return opening, rest


def _count(n: int) -> str:
    return "1 question" if n == 1 else f"{n} questions"


def render_welcome() -> None:
    """The first page: what this is, one main way in, then the chapters as cards."""
    st.title("After a miscarriage: a workbook for two")
    opening, rest = _welcome_text()
    st.markdown(opening)
    current = member()
    left, right = st.columns(2)
    if current is None:
        if left.button("Start your space", type="primary", icon=":material/key:", width="stretch"):
            st.session_state["account_tab"] = "Make a space"
            st.switch_page(ACCOUNT_PAGE)
    else:
        left.page_link(HOME_PAGE, label="See where you are", icon=":material/timeline:")
    if right.button("Read chapter 1 first", type="tertiary", icon=":material/menu_book:"):
        st.switch_page("pages/chapter_1.py")
    st.markdown(rest)
    st.subheader("The chapters")
    for chapter in workbook().chapters:
        with st.container(border=True):
            st.page_link(
                f"pages/chapter_{chapter.number}.py",
                label=f"{chapter.number}. {chapter.title}",
                icon=":material/arrow_forward:",
            )
            st.write(chapter.summary)


# What the folds of a chapter page hold, in page order (workbook/ui/folds.py).
CHAPTER_FOLDS = ("own", "other", "readiness", "together", "exercise")


def render_chapter(chapter_id: str) -> None:
    """One chapter page: passage, prompts, the week's exercise and when to get help."""
    book = workbook()
    chapter: Chapter = book.chapter(chapter_id)
    st.title(chapter.title)
    st.caption(f"Chapter {chapter.number} of {len(book.chapters)} · {chapter.summary}")
    st.markdown(chapter.why_it_matters)
    if chapter.more:
        with st.expander("Read more"):
            st.markdown(chapter.more)
    if chapter.sources:
        # One list in one element: an element per source was seven more on every run
        # of the page, each with a gap between (issue 14).
        with st.expander("Where these facts come from"):
            st.markdown(
                "\n".join(f"- {s.fact} Source: [{s.source}]({s.url})" for s in chapter.sources)
            )

    st.session_state["current_page"] = f"pages/chapter_{chapter.number}.py"
    current = member()
    drawn_for = current.partner_id if current else None
    partners: list[spaces.Partner] = []
    if current is None:
        st.info(text.NOT_SAVED_GUEST, icon=":material/info:")
        sign_in_link(f"chapter_{chapter.number}")
    else:
        try:
            partners = spaces.partners_of(db(), current)
        except (SQLAlchemyError, OSError, VaultError):
            partners = []  # names fall back to "your partner"; the folds say what failed
    names = [p.name for p in partners if current and p.id != current.partner_id]
    partner_name = names[0] if names else "your partner"
    if current is not None:
        partner_watch()
        waiting_card(current, partner_name)

    # The questions fold by kind, so the page reads as a passage, not a form. Each fold
    # is a fragment that builds its contents only while open (workbook/ui/folds.py).
    role = my_role()
    own, other_role = roles.split(chapter.prompts, role)
    questions_fold(
        chapter_id,
        "own",
        f"On your own: {_count(len(own))}",
        ":material/edit_note:",
        "Answer any of these, in any order, whenever you feel able. Not today is fine.",
        own,
        partner_name,
        drawn_for,
    )
    if other_role:
        questions_fold(
            chapter_id,
            "other",
            f"{roles.other_role_label(role)}: {_count(len(other_role))}",
            ":material/unfold_more:",
            "Written for the other one of you. Read them if you like; you can answer them too.",
            other_role,
            partner_name,
            drawn_for,
        )
    if chapter_id in READINESS_CHAPTERS:
        section_fold(
            chapter, "readiness", "Readiness check-in", ":material/favorite:", partners, drawn_for
        )
    section_fold(
        chapter,
        "together",
        f"Together: {_count(len(chapter.together))}",
        ":material/diversity_1:",
        partners,
        drawn_for,
    )
    section_fold(
        chapter,
        "exercise",
        f"Try this week: {chapter.exercise.title}",
        ":material/event:",
        partners,
        drawn_for,
    )

    st.header("When to get help", divider="gray")
    st.markdown(chapter.get_help)
    cols = st.columns(2)
    with cols[0]:
        st.page_link(GET_HELP_PAGE, label="Get help now", icon=":material/emergency:")
    with cols[1]:
        st.page_link(THERAPIST_PAGE, label="Finding a therapist", icon=":material/psychology:")
