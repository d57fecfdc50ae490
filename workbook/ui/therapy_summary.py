"""The summary to bring to a therapist: choose shared entries, add questions, preview, download.

Only shared entries and agreements can go in; the preview shows every word a person
wrote as plain text, as the download will.
"""

from __future__ import annotations

import hashlib

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from workbook import export, text
from workbook.content import workbook
from workbook.entries import Entry
from workbook.markdown import escape
from workbook.spaces import Member
from workbook.store import now
from workbook.ui.clock import DATE, when
from workbook.ui.fields import draft_field
from workbook.ui.journal import needs_space
from workbook.ui.live import opened_prompts
from workbook.ui.session import db
from workbook.ui.unreadable import show_unreadable


def _preview(chosen, current: Member, history: list[str], questions: list[str]) -> None:
    """The summary as a therapist will read it: headings and paragraphs, not Markdown
    source. Our own words are formatted; every word a person wrote stays plain text."""
    st.markdown("#### What we would like to talk about")
    st.caption(
        f"Prepared by {escape(current.name)} ({escape(current.space_name)}) on "
        f"{when(now(), DATE)}, from entries we chose to share."
    )
    if not chosen and not history and not any(q.strip() for q in questions):
        st.write("Nothing chosen yet. Tick an entry above and it appears here.")
    chapter = None
    for e in chosen:
        if e.chapter != chapter:
            chapter = e.chapter
            st.markdown(f"##### {chapter}")
        st.markdown(f"**{e.prompt}**")
        st.caption(f"{e.kind.capitalize()}, {escape(e.author)}, {when(e.created, DATE)}")
        st.text(e.text)
    if history:
        st.markdown("##### Readiness check-ins")
        st.markdown("\n".join(f"- {escape(line)}" for line in history))
    asked = [q for q in questions if q.strip()]
    if asked:
        st.markdown("##### Questions we want to ask")
        st.markdown("\n".join(f"- {escape(q)}" for q in asked))


# The questions box is a draft of this partner (kept after a pause in typing, through
# a page switch, a lock and a reload), like an answer's (workbook/ui/fields.py).
QUESTIONS_DRAFT = "therapy-questions"


def _choice_key(entry: Entry) -> str:
    """A tick box's key that follows its entry, not its place in the list: a ticked
    entry stays ticked when another is shared meanwhile and the list shifts."""
    who = f"{entry.kind}|{entry.chapter}|{entry.prompt}|{entry.author}|{entry.created}"
    return "sum:" + hashlib.sha256(who.encode()).hexdigest()[:16]


def render_therapy_summary() -> None:
    st.title("Bring to therapy")
    st.write(
        "Choose what you would like a therapist to read, add your questions, check the "
        "preview, then download it. Only shared entries and agreements can go in."
    )
    current = needs_space("The summary")
    if current is None:
        return
    book = workbook()
    try:
        entries = [
            e
            for e in export.collect(db(), current, book, opened_prompts(fresh=True))
            if e.visibility == "shared" and e.kind != "exercise note"
        ]
        history = export.readiness_lines(db(), current)
    except (SQLAlchemyError, OSError):
        st.error("We could not load your entries just now. Try again in a moment.")
        return
    show_unreadable(entries)
    if not entries:
        st.info(
            "Nothing shared yet. Private entries stay private until you choose. Share an "
            "answer, or answer a together question, and it can go in here."
        )
    mine = f"{current.name} (you)"  # export.collect's name for this partner
    theirs = sorted({e.author for e in entries if e.author != mine and e.kind != "agreement"})
    if theirs:
        # Their words, shared with you: bringing them to a therapist is a choice
        # about them too.
        st.caption(text.PARTNER_WORDS_IN_SUMMARY.format(partner=escape(theirs[0])))
    chosen = []
    # What is ticked and typed here stays while another page is open (persist_state).
    for e in entries:
        label = escape(f"{e.chapter}: {e.prompt} ({e.kind}, {e.author})")
        if st.checkbox(
            label, key=_choice_key(e), value=e.kind == "agreement", persist_state="session"
        ):
            chosen.append(e)
    with_history = st.checkbox(
        "Include our readiness check-ins",
        key="sum:readiness",
        disabled=not history,
        persist_state="session",
    )
    questions = (
        st.text_area(
            "Questions we want to ask (one a line)",
            **draft_field(QUESTIONS_DRAFT),
            height=120,
            persist_state="session",
        )
        or ""
    )
    markdown_text, _ = export.therapy_summary(
        chosen, current, now(), history if with_history else [], questions.splitlines(), pdf=False
    )
    st.subheader("Preview")
    with st.container(border=True, height=420):
        _preview(chosen, current, history if with_history else [], questions.splitlines())
    cols = st.columns(2)

    def pdf() -> bytes:
        return export.therapy_summary(
            chosen, current, now(), history if with_history else [], questions.splitlines()
        )[1]

    cols[0].download_button(
        "Download PDF",
        pdf,
        file_name="for-our-therapist.pdf",
        mime="application/pdf",
        on_click="ignore",
        type="primary",
    )
    cols[1].download_button(
        "Download Markdown",
        markdown_text,
        file_name="for-our-therapist.md",
        mime="text/markdown",
        on_click="ignore",
    )
