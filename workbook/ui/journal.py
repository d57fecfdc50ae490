"""The journal page: everything this partner may read, filtered and a page at a time.

Changing an entry in place is workbook/ui/journal_edit.py; the downloads are
workbook/ui/downloads.py; the summary for a therapist is therapy_summary.py.
"""

from __future__ import annotations

from datetime import date, datetime

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from workbook import journal, spaces, text, timeline, together
from workbook.content import workbook
from workbook.journal import PRIVATE, SHARED
from workbook.markdown import escape
from workbook.spaces import Member
from workbook.timeline import Filters
from workbook.ui.clock import DATE, local, when
from workbook.ui.downloads import downloads
from workbook.ui.fields import show_flash
from workbook.ui.journal_edit import (
    close_editor,
    edit_box,
    editing_id,
    editor,
    keep_open_edit,
    rescue_gone_edits,
    toggle_editor,
)
from workbook.ui.live import opened_prompts
from workbook.ui.session import ACCOUNT_PAGE, db, member
from workbook.ui.unreadable import show_unreadable

__all__ = ["keep_open_edit", "needs_space", "render_journal"]

PAGE_SIZE = 20
SEEN_BY = {PRIVATE: "Only you", SHARED: "Both of you"}


def _day(moment: datetime) -> date:
    """The day of a stored time in the reader's own time zone, as the table shows it."""
    return local(moment).date()


def needs_space(what: str) -> Member | None:
    """The signed-in member, or a kind way in: what a page shows to someone without a space."""
    current = member()
    if current is None:
        st.info(f"{what} is kept in your private space.")
        st.page_link(ACCOUNT_PAGE, label="Make a space or sign in", icon=":material/key:")
    return current


def render_journal() -> None:
    st.title("Your journal")
    current = needs_space("Your journal")
    if current is None:
        return
    book = workbook()
    try:
        partners = spaces.partners_of(db(), current)
        entries = journal.visible(db(), current)
        states = together.states(db(), current, [t.id for c in book.chapters for t in c.together])
    except (SQLAlchemyError, OSError):
        st.error("We could not load your journal just now. Try again in a moment.")
        return
    show_unreadable(entries, states)
    rescue_gone_edits(current, {e.id for e in entries if e.author_id == current.partner_id})
    names = {p.id: p.name for p in partners}
    opened = opened_prompts(fresh=True)
    rows = timeline.frame(entries, book, names, current.partner_id, states, opened)
    waiting = sum(1 for s in states.values() if s.revealed and s.prompt_id not in opened)
    if waiting:
        other = next((n for pid, n in names.items() if pid != current.partner_id), None)
        partner = escape(other or "Your partner")
        said = text.REVEAL_WAITS_IN_JOURNAL if waiting == 1 else text.REVEALS_WAIT_IN_JOURNAL
        st.caption(said.format(count=waiting, partner=partner))
    show_flash("journal")  # before the empty page too: "Deleted." of the last entry
    if not rows:
        st.write("Nothing here yet. When you want to write, this space is yours.")
        st.page_link("pages/chapter_1.py", label="Open the workbook", icon=":material/menu_book:")
        return
    with st.container(border=True):
        search = st.text_input(
            "Search your journal", key="j-search", placeholder="A word or two", type="search"
        )
        cols = st.columns(3)
        chapter_ids = cols[0].multiselect(
            "Chapter",
            [c.id for c in book.chapters],
            format_func=lambda cid: book.chapter(cid).title,
            key="j-chapters",
            placeholder="All chapters",
        )
        # Options are partner ids. Streamlit 1.67 tells options apart by their shown
        # text, so a partner called "You" or "Both of us" gets a word more.
        names: dict[str | None, str] = {None: "Both of us", current.partner_id: "You"}
        for p in partners:
            if p.id != current.partner_id:
                taken = p.name in names.values()
                names[p.id] = f"{p.name} (your partner)" if taken else p.name
        author = cols[1].selectbox(
            "Written by", list(names), format_func=names.__getitem__, key="j-author"
        )
        seen = {"Private and shared": None, "Private": PRIVATE, "Shared": SHARED}
        visibility = cols[2].selectbox("Who can see it", list(seen), key="j-visibility")
        first, last = _day(rows[-1].updated), _day(rows[0].updated)  # newest first
        span = st.date_input("Between", (first, last), key="j-dates", format="DD/MM/YYYY")
    start, end = (span + (None, None))[:2] if isinstance(span, tuple) else (span, None)
    shown = timeline.apply(
        rows, Filters(tuple(chapter_ids), author, seen[visibility], start, end, search), _day
    )
    st.caption(f"{len(shown)} of {len(rows)} entries")
    if not shown:
        st.write("Nothing matches. Try fewer words or another filter.")
    else:  # an empty table under "Nothing matches" only repeats it
        st.dataframe(
            timeline.table(
                shown,
                # The question and who wrote it first: on a phone only the first
                # three columns fit without scrolling sideways.
                ["updated", "prompt", "author", "chapter", "kind", "visibility"],
                updated=lambda row: local(row.updated),  # the reader's own date
                visibility=lambda row: SEEN_BY[row.visibility],
            ),
            hide_index=True,
            # Widths that fit the page's 704 px on a desktop: the question, cut, shows
            # whole on hover and in the entry below; a long one took every column after.
            column_config={
                "updated": st.column_config.DatetimeColumn("Date", format="D MMM YYYY", width=88),
                "chapter": st.column_config.TextColumn("Chapter", width=110),
                "kind": st.column_config.TextColumn("Kind", width=96),
                "prompt": st.column_config.TextColumn("Question", width=200),
                "author": st.column_config.TextColumn("Who wrote it", width=92),
                "visibility": st.column_config.TextColumn("Who can see it", width=112),
            },
        )
    other_name = next((p.name for p in partners if p.id != current.partner_id), "your partner")
    # A page of entries at a time: Streamlit's cost grows with every element on the page
    # (bench/README.md), and each entry is a card of several.
    pages = max(1, -(-len(shown) // PAGE_SIZE))
    page = 1
    if pages > 1:
        page = int(st.number_input(f"Page (of {pages})", 1, pages, 1, key="j-page"))
    drawn: set[str] = set()
    for row in shown[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]:
        with st.container(border=True):
            st.markdown(f"**{row.prompt}**")
            edited = " · edited" if row.updated > row.created else ""
            # Who wrote it, then who sees it, said once when they are the same words
            # (what you agreed read "Both of you · Both of you").
            who = dict.fromkeys((escape(row.author), SEEN_BY[row.visibility]))
            st.caption(
                f"{row.kind} · {row.chapter} · {' · '.join(who)} · "
                f"{when(row.created, DATE)}{edited}"
            )
            mine = row.kind == timeline.OWN and row.author_id == current.partner_id
            editing = mine and editing_id() == row.id
            if mine:
                # One button that stays where it is, open or closed: the browser keeps
                # the keyboard's place on it, and the next Tab reaches the box below.
                st.button(
                    "Close" if editing else "Edit",
                    key=f"edit-toggle:{row.id}",
                    on_click=toggle_editor,
                    args=(row.id, row.prompt_id),
                    icon=":material/close:" if editing else ":material/edit:",
                )
            if editing:
                editor(row, other_name)  # the words in their box, not twice
            else:
                st.text(row.text)
                waiting = st.session_state.get(edit_box(row.prompt_id, row.id)) if mine else None
                if waiting and waiting != row.text:
                    st.caption(text.EDIT_WAITING)
            if row.kind != timeline.OWN:
                st.caption("Change this on the chapter's page, where you answered together.")
            show_flash(f"entry:{row.id}")
        drawn.add(row.id)
    if editing_id() not in drawn:
        close_editor(keep=True)  # hidden by a filter or another page: kept, closed
    st.header("Take it with you", divider="gray")
    downloads(current, opened)  # read once this run, above
