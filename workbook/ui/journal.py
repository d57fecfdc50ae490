"""The journal page and the downloads (the summary for a therapist: therapy_summary.py)."""

from __future__ import annotations

from datetime import date, datetime

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from workbook import export, journal, pdf, spaces, text, timeline, together
from workbook.content import workbook
from workbook.journal import PRIVATE, SHARED
from workbook.markdown import escape
from workbook.spaces import Member
from workbook.store import now
from workbook.timeline import Filters
from workbook.ui.clock import DATE, local, when
from workbook.ui.fields import (
    draft_field,
    draft_key,
    draft_mark,
    draft_saved,
    draft_unsaved,
    flash,
    forget_draft,
    is_saved_answer,
    length_hint,
    show_flash,
)
from workbook.ui.session import (
    ACCOUNT_PAGE,
    JOURNAL_EDITING,
    button_row,
    confirm_delete,
    db,
    member,
)
from workbook.ui.unreadable import show_unreadable

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


def _box(prompt_id: str, entry_id: str) -> str:
    """Session key of an entry's edit box: a draft of this partner, so the words typed
    there are kept (encrypted) after a pause in typing, through a lock and a reload,
    like an answer's (workbook/ui/fields.py)."""
    return draft_key(journal.edit_draft_id(prompt_id, entry_id))


def _base(entry_id: str) -> str:
    """Session key of when the entry was last saved as this box opened on it: a save
    from another window after that is said before this one replaces it."""
    return f"edit-base:{entry_id}"


def _edit(entry_id: str, prompt_id: str, saved: str) -> None:
    current = member()
    if current is None:
        return
    draft = journal.edit_draft_id(prompt_id, entry_id)
    words = st.session_state.get(_box(prompt_id, entry_id), "")
    try:
        journal.edit(db(), current, entry_id, words, draft_mark(draft))
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
    st.session_state.pop(_box(prompt_id, entry_id), None)
    st.session_state.pop(_base(entry_id), None)
    flash(f"entry:{entry_id}", "ok", "Saved.")


def _gone(exc: journal.JournalError) -> bool:
    """The entry is no longer there to change (deleted, perhaps in another window)."""
    return str(exc) in (text.GONE, text.NOT_YOURS)


def _keep_as_draft(prompt_id: str, words: str, saved: str) -> None:
    """The entry went (deleted in another window): its question is open again, so the
    words wait there as a draft instead of going with the entry's box. Words already
    waiting in that question's box, other than the entry's own, stay first."""
    _close_editor(keep=False)
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


def _switch(entry_id: str, visibility: str) -> None:
    current = member()
    if current is not None:
        try:
            journal.set_visibility(db(), current, entry_id, visibility)
        except journal.JournalError as exc:
            gone = _gone(exc)
            if gone:
                _close_editor(keep=False)
            flash("journal" if gone else f"entry:{entry_id}", "error", str(exc))


# The one entry whose edit box and buttons are open. Closed entries carry one Edit
# button instead of a box, two buttons and two popovers each: a page of twenty of
# your own entries was about 180 elements and 85 ms of server time per run, on every
# click of the page (issue 14).
EDITING = JOURNAL_EDITING


def _editing_id() -> str | None:
    """The id of the entry whose edit box is open (EDITING holds it with its question)."""
    open_ = st.session_state.get(EDITING)
    return open_[0] if open_ else None


def _toggle_editor(entry_id: str, prompt_id: str) -> None:
    """Edit opens this entry (another open one closes, its typed words kept for when it
    opens again); Close puts this one back as saved and lets its typed words go."""
    was_open = _editing_id() == entry_id
    _close_editor(keep=not was_open)
    if not was_open:
        st.session_state[EDITING] = (entry_id, prompt_id)


def keep_open_edit() -> None:
    """Another page is opening: an entry left open in the journal closes, and the words
    typed in it wait for its next opening (app.py)."""
    st.session_state.pop(EDITING, None)


def _close_editor(keep: bool = False) -> None:
    """Close the open entry. ``keep``: its unsaved words wait for its next opening (the
    box keeps its state while not drawn, and its draft is stored); without, they go."""
    open_ = st.session_state.pop(EDITING, None)
    if open_ is not None and not keep:
        entry_id, prompt_id = open_
        forget_draft(journal.edit_draft_id(prompt_id, entry_id))
        st.session_state.pop(_base(entry_id), None)


def _rescue_gone_edits(current: Member, own_ids: set[str]) -> None:
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


def _delete(entry_id: str) -> None:
    current = member()
    if current is not None:
        try:
            journal.remove(db(), current, entry_id)
        except journal.JournalError as exc:
            flash("journal", "error", str(exc))
            return
        _close_editor()
        flash("journal", "ok", "Deleted.")


def downloads(current: Member) -> None:
    """Markdown, CSV and PDF of everything this partner may see, built when clicked."""
    book = workbook()
    title, subtitle = export.heading_for(current, now())

    def entries():
        return export.collect(db(), current, book)

    def extra():
        return {
            "Readiness check-ins": export.readiness_lines(db(), current),
            **export.other_lines(db(), current),
        }

    stamp = f"{now():%Y-%m-%d}"
    cols = st.columns(3)
    cols[0].download_button(
        "Markdown",
        data=lambda: export.to_markdown(entries(), title, subtitle, extra()),
        file_name=f"workbook-{stamp}.md",
        mime="text/markdown",
        icon=":material/download:",
        on_click="ignore",
        key="dl-md",
    )
    cols[1].download_button(
        "CSV (spreadsheet)",
        data=lambda: export.to_csv(entries()),
        file_name=f"workbook-{stamp}.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        key="dl-csv",
    )
    cols[2].download_button(
        "PDF",
        data=lambda: pdf.to_pdf(entries(), title, subtitle, extra()),
        file_name=f"workbook-{stamp}.pdf",
        mime="application/pdf",
        icon=":material/download:",
        on_click="ignore",
        key="dl-pdf",
    )
    st.caption(
        "Your own private entries and everything shared. Never your partner's "
        "private entries. Keep the files somewhere safe: they are not encrypted. "
        "Each file is made when you press its button: a long journal takes a moment, "
        "and the button turns while it is being made."
    )


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
    _rescue_gone_edits(current, {e.id for e in entries if e.author_id == current.partner_id})
    names = {p.id: p.name for p in partners}
    rows = timeline.frame(entries, book, names, current.partner_id, states)
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
                ["updated", "chapter", "kind", "prompt", "author", "visibility"],
                updated=lambda row: local(row.updated),  # the reader's own date
                visibility=lambda row: SEEN_BY[row.visibility],
            ),
            hide_index=True,
            column_config={
                "updated": st.column_config.DatetimeColumn("Date", format="D MMM YYYY"),
                "chapter": "Chapter",
                "kind": "Kind",
                "prompt": "Question",
                "author": "Who wrote it",
                "visibility": "Who can see it",
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
            st.caption(
                f"{row.kind} · {row.chapter} · {escape(row.author)} · "
                f"{SEEN_BY[row.visibility]} · {when(row.created, DATE)}{edited}"
            )
            mine = row.kind == timeline.OWN and row.author_id == current.partner_id
            editing = mine and _editing_id() == row.id
            if mine:
                # One button that stays where it is, open or closed: the browser keeps
                # the keyboard's place on it, and the next Tab reaches the box below.
                st.button(
                    "Close" if editing else "Edit",
                    key=f"edit-toggle:{row.id}",
                    on_click=_toggle_editor,
                    args=(row.id, row.prompt_id),
                    icon=":material/close:" if editing else ":material/edit:",
                )
            if editing:
                _editor(row, other_name)  # the words in their box, not twice
            else:
                st.text(row.text)
                waiting = st.session_state.get(_box(row.prompt_id, row.id)) if mine else None
                if waiting and waiting != row.text:
                    st.caption(text.EDIT_WAITING)
            if row.kind != timeline.OWN:
                st.caption("Change this on the chapter's page, where you answered together.")
            show_flash(f"entry:{row.id}")
        drawn.add(row.id)
    if _editing_id() not in drawn:
        _close_editor(keep=True)  # hidden by a filter or another page: kept, closed
    st.header("Take it with you", divider="gray")
    downloads(current)


def _editor(row, other_name: str) -> None:
    """The open entry: its words to change, who can see it, and Delete (Close is the
    Edit button above, which stays in its place)."""
    key = _box(row.prompt_id, row.id)
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
