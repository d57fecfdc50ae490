"""The shared chapter renderer and the welcome page."""

from __future__ import annotations

from datetime import datetime

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

from workbook import journal, roles, spaces, text
from workbook.content import ONLY_ONE_LABEL, Chapter, Prompt, TogetherPrompt, page_text, workbook
from workbook.journal import Reflection
from workbook.markdown import escape
from workbook.spaces import Member
from workbook.ui.clock import when
from workbook.ui.folds import fold, fold_key
from workbook.ui.live import FULL_RUN, partner_watch, waiting_card
from workbook.ui.roles import my_role
from workbook.ui.session import (
    ACCOUNT_PAGE,
    AUDIENCE_LABEL,
    GET_HELP_PAGE,
    HOME_PAGE,
    MAX_ANSWER_CHARS,
    THERAPIST_PAGE,
    db,
    draft_field,
    draft_key,
    draft_saved,
    enforce_idle_lock,
    flash,
    length_hint,
    member,
    show_flash,
)
from workbook.ui.together import (
    handover_pending,
    render_exercise,
    render_readiness,
    render_together,
)
from workbook.ui.unreadable import show_unreadable
from workbook.vault import VaultError

READINESS_CHAPTERS = ("body", "heart")


def _save_chosen(chapter_id: str, prompt_id: str, partner_name: str) -> None:
    """The one Save button: saves with whatever the who-can-see-it choice says."""
    visibility = st.session_state.get(visibility_key(prompt_id)) or journal.PRIVATE
    _save(chapter_id, prompt_id, visibility, partner_name)


def visibility_key(prompt_id: str) -> str:
    return f"visibility:{prompt_id}"


def save_controls(
    chapter_id: str, prompt_id: str, partner_name: str, mine: Reflection | None
) -> None:
    """Who can see it (one control) and one Save; Delete folded away once saved."""
    key = visibility_key(prompt_id)
    if key not in st.session_state:
        st.session_state[key] = mine.visibility if mine is not None else journal.PRIVATE
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
    cols = st.columns([1, 1])
    cols[0].button(
        "Save",
        key=f"save:{prompt_id}",
        on_click=_save_chosen,
        args=(chapter_id, prompt_id, partner_name),
        type="primary",
    )
    if mine is not None:
        with cols[1].popover("Delete", icon=":material/delete:"):
            st.write("Delete your saved answer? This cannot be undone.")
            st.button(
                "Yes, delete it",
                key=f"delete:{prompt_id}",
                on_click=_delete,
                args=(mine.id, prompt_id),
                type="primary",
            )


def _save(chapter_id: str, prompt_id: str, visibility: str, partner_name: str) -> None:
    """Save the draft; on failure keep it and say so kindly."""
    current = member()
    if current is None:
        flash(prompt_id, "error", text.SIGNED_OUT_UNSAVED)
        return
    words = st.session_state.get(draft_key(prompt_id), "") or ""
    try:
        journal.save(
            db(),
            current,
            chapter_id=chapter_id,
            prompt_id=prompt_id,
            text=words,
            visibility=visibility,
        )
    except journal.JournalError as exc:
        flash(prompt_id, "error", str(exc))
        return
    except (SQLAlchemyError, OSError):
        flash(prompt_id, "error", text.SAVE_FAILED)
        return
    draft_saved(prompt_id)
    flash(
        prompt_id,
        "ok",
        text.SAVED_PRIVATE
        if visibility == journal.PRIVATE
        else text.SAVED_SHARED.format(partner=escape(partner_name)),
    )


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
    st.session_state.pop(draft_key(prompt_id), None)
    st.session_state.pop(visibility_key(prompt_id), None)
    flash(prompt_id, "ok", "Deleted.")


def _when(moment: datetime) -> str:
    return when(moment)  # in the reader's own time zone


def _prompt_block(
    chapter_id: str,
    prompt: Prompt | TogetherPrompt,
    follow_up: str = "",
    saved: dict[str, Reflection] | None = None,
    others: dict[str, list[Reflection]] | None = None,
    partner_name: str = "your partner",
) -> None:
    current = member()
    mine = (saved or {}).get(prompt.id)
    key = draft_key(prompt.id)
    if mine is not None and key not in st.session_state:
        st.session_state[key] = mine.text
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
        st.text_area(
            prompt.text,
            **draft_field(prompt.id),
            height=120,
            label_visibility="collapsed",
            placeholder="Write as much or as little as you like. Skipping is fine too.",
            persist_state="session",
        )
        length_hint(key, MAX_ANSWER_CHARS)
        if follow_up:
            st.caption(f"Afterwards, together: {follow_up}")
        if current is not None:
            if mine is not None:
                who = (
                    "Only you can see this."
                    if mine.visibility == journal.PRIVATE
                    else f"Shared with {escape(partner_name)}."
                )
                edited = f" Edited {_when(mine.updated_at)}." if mine.edited else ""
                st.caption(f"Saved {_when(mine.created_at)}.{edited} {who}")
            save_controls(chapter_id, prompt.id, partner_name, mine)
        show_flash(prompt.id)


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
    runs again and shows what it should. The fragment's own writes are not partner
    news, so the page's news check starts over from here.
    """
    if _rerun_of_this_fragment():
        enforce_idle_lock()
        current = member()
        if handover_pending() or (current.partner_id if current else None) != drawn_for:
            st.rerun(scope="app")
        st.session_state[FULL_RUN] = True
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
) -> None:
    """One question of a chapter page, in a fragment of its own.

    Why: its Save, Delete and the pause-in-typing commit of its text area then rerun
    this question only, not the whole chapter (issue 14: a save was a full page run,
    about 35 ms of server CPU; alone it is a few). The answers passed in are from the
    run that drew it; on its own rerun it reads them again.
    """
    if _rerun_of_this_fragment():
        fresh = _answers(chapter_id, _checked(drawn_for), quiet=True)
        if fresh is not None:  # else show what the page had; the save said how it went
            saved, others = fresh
    _prompt_block(chapter_id, prompt, saved=saved, others=others, partner_name=partner_name)


@st.fragment
def _questions_fold(
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
            _question(chapter_id, prompt, saved, others, partner_name, drawn_for)


@st.fragment
def _section_fold(
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
    with box:
        if kind == "readiness":
            render_readiness(current, partners)
        elif kind == "together":
            render_together(chapter, current, partners)
        else:
            render_exercise(chapter, current, partners)


def _number(chapter_id: str) -> int:
    return workbook().chapter(chapter_id).number


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
        with st.expander("Where these facts come from"):
            for s in chapter.sources:
                st.markdown(f"- {s.fact} Source: [{s.source}]({s.url})")

    st.session_state["current_page"] = f"pages/chapter_{chapter.number}.py"
    current = member()
    drawn_for = current.partner_id if current else None
    partners: list[spaces.Partner] = []
    if current is None:
        st.info(text.NOT_SAVED_GUEST, icon=":material/info:")
        st.page_link(ACCOUNT_PAGE, label="Make a space or sign in", icon=":material/key:")
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
    _questions_fold(
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
        _questions_fold(
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
        _section_fold(
            chapter, "readiness", "Readiness check-in", ":material/favorite:", partners, drawn_for
        )
    _section_fold(
        chapter,
        "together",
        f"Together: {_count(len(chapter.together))}",
        ":material/diversity_1:",
        partners,
        drawn_for,
    )
    _section_fold(
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
