"""The Today page: one question at a time, for this partner.

The next question comes from ``workbook.today`` (pure); the answer boxes are the same
as on the chapter pages, so a save here and a save there are the same save.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from workbook import presence, spaces, today, together
from workbook.content import workbook
from workbook.markdown import escape
from workbook.ui.fields import show_flash
from workbook.ui.live import FOCUS, TODAY_PAGE, opened_prompts, partner_watch
from workbook.ui.question import question_block
from workbook.ui.roles import my_role
from workbook.ui.session import ACCOUNT_PAGE, db, member
from workbook.ui.together import pass_button, set_aside_note, together_box
from workbook.ui.unreadable import show_unreadable
from workbook.vault import VaultError

SKIPPED, SHOWN, DONE = "today_skipped", "today_shown", "today_done"
KIND_LABEL = {
    today.OWN: "On your own",
    today.TOGETHER: "Together: each of you answers, then you read both",
    today.THEIRS_FIRST: "Together: {name} has answered",
    today.REVEAL: "Together: you have both answered",
}


def _next(prompt_id: str) -> None:
    """Move on from a question opened together (it stays in the chapter and journal)."""
    st.session_state.setdefault(DONE, set()).add(prompt_id)
    if st.session_state.get(FOCUS) == prompt_id:
        st.session_state.pop(FOCUS)


def _skip(prompt_id: str) -> None:
    """Skip: to the back of the line for this visit; nothing is stored or counted."""
    _next(prompt_id)
    skipped = [p for p in st.session_state.get(SKIPPED, []) if p != prompt_id]
    st.session_state[SKIPPED] = [*skipped, prompt_id]
    if st.session_state.get(FOCUS) == prompt_id:
        st.session_state.pop(FOCUS)


def _not_today(prompt_id: str) -> None:
    st.session_state.setdefault("not_today", set()).add(prompt_id)
    if st.session_state.get(FOCUS) == prompt_id:
        st.session_state.pop(FOCUS)


def _guest() -> None:
    st.write(
        "Here you will find one question at a time, the next one that fits you, and "
        "what your partner has answered. It needs your private space."
    )
    st.page_link(ACCOUNT_PAGE, label="Make a space or sign in", icon=":material/key:")
    st.page_link("pages/chapter_1.py", label="Read chapter 1 first", icon=":material/menu_book:")


def render_today() -> None:
    st.title("Today")
    st.session_state["current_page"] = TODAY_PAGE  # where a hand-over comes back to
    current = member()
    if current is None:
        _guest()
        return
    partner_watch()
    book = workbook()
    role = my_role()
    try:
        own, statuses = presence.statuses(db(), current)
        partners = spaces.partners_of(db(), current)
    except (SQLAlchemyError, OSError, VaultError):
        st.error("We could not load your questions just now. Try again in a moment.")
        return
    other = next((p for p in partners if p.id != current.partner_id), None)
    name = other.name if other else "your partner"
    set_aside = st.session_state.get("not_today", set())
    skipped = st.session_state.get(SKIPPED, [])
    # What this partner opened: an opened question agreed on is done ("Next question"
    # moves on from it; without, it came straight back).
    items = today.queue(book, role, own, statuses, set_aside, skipped, opened_prompts())
    focus = st.session_state.get(FOCUS)
    items.sort(key=lambda item: item.prompt.id != focus)  # stable: the focus first
    shown = st.session_state.get(SHOWN)
    # A question opened together stays on screen, even once agreed (by either of
    # you), until this partner moves on: the moment does not vanish under them. The
    # question the waiting card asked for ("Open together" names one) comes first:
    # still waiting, it leads the line (sorted above); opened there and agreed on
    # already, it is kept like the one shown. An old request, answered since, is not.
    waiting = {item.prompt.id for item in items}
    if focus and focus != shown and focus in waiting:
        keep = None
    elif focus and focus not in waiting and getattr(statuses.get(focus), "revealed", False):
        keep = focus
    else:
        keep = shown
    status = statuses.get(keep) if keep else None
    if status is not None and status.revealed and keep not in st.session_state.get(DONE, ()):
        kept = today.item_for(book, keep, today.REVEAL)
        if kept is not None and keep not in set_aside:
            items = [kept, *[i for i in items if i.prompt.id != keep]]
    if shown and (not items or items[0].prompt.id != shown):
        show_flash(shown)  # "Saved." for the question just answered
        _offer_hand_over(statuses.get(shown), shown, other)
    if not items:
        _nothing_waits(other)
    else:
        _one_question(items[0], current, other, name, own, statuses)
    _waiting_on_partner(statuses, name)
    for chapter in book.chapters:
        for prompt in chapter.together:
            if prompt.id in set_aside:
                set_aside_note(prompt)
        for prompt in chapter.prompts:
            if prompt.id in set_aside:
                set_aside_note(prompt)


def _one_question(item, current, other, name, own, statuses) -> None:
    st.session_state[SHOWN] = item.prompt.id
    role = my_role()
    dots = today.dots(item.chapter, role, own, statuses)
    st.caption(f"Chapter {item.chapter.number}: {item.chapter.title} \u00b7 {dots.text()}")
    st.caption(KIND_LABEL[item.kind].format(name=escape(name)))
    if item.together:
        try:
            states = together.states(db(), current, [item.prompt.id])
            state = states[item.prompt.id]
        except (SQLAlchemyError, OSError, VaultError):
            st.error("We could not load this question just now. Try again in a moment.")
            return
        show_unreadable(states)
        with st.container(border=True):
            st.markdown(f"**{item.prompt.text}**")
            together_box(item.prompt, state, other, not_today=False)
            show_flash(item.prompt.id)
    else:
        question_block(item.chapter.id, item.prompt, partner_name=name)
    if item.kind == today.REVEAL and statuses.get(item.prompt.id, today.TogetherStatus()).agreed:
        st.button(
            "Next question",
            key="today-next",
            on_click=_next,
            args=(item.prompt.id,),
            icon=":material/arrow_forward:",
        )
        return
    with st.container(horizontal=True, vertical_alignment="center"):
        st.button(
            "Skip",
            key=f"today-skip:{item.prompt.id}",
            on_click=_skip,
            args=(item.prompt.id,),
            help="Show the next question; this one comes back later.",
        )
        st.button(
            "Not today",
            key=f"today-not:{item.prompt.id}",
            on_click=_not_today,
            args=(item.prompt.id,),
            type="tertiary",
            help="Set this question aside. You can bring it back below.",
        )
        st.page_link(
            f"pages/chapter_{item.chapter.number}.py",
            label="Read the chapter",
            icon=":material/menu_book:",
        )


def _offer_hand_over(status, prompt_id: str, other) -> None:
    """Just answered a together question the partner has not: on one shared device,
    the moment to pass it over (Today has moved on to the next question already)."""
    if other is None or status is None or not status.mine or status.partner_answered:
        return
    pass_button(st, prompt_id, other, icon=":material/sync_alt:")


def _waiting_on_partner(statuses, name: str) -> None:
    waiting = sum(1 for s in statuses.values() if s.mine and not s.partner_answered)
    if waiting:
        st.caption(
            f"Waiting for {escape(name)} on "
            + ("one question" if waiting == 1 else "a few questions")
            + ". You will see it here as soon as they answer."
        )


def _nothing_waits(other) -> None:
    with st.container(border=True):
        st.markdown("**Nothing waits for you right now.**")
        st.write(
            "You can read any chapter, look back at what you wrote in your journal, or "
            "simply rest. Waiting is always fine."
        )
        st.page_link("pages/journal.py", label="Your journal", icon=":material/book:")
        if other is None:
            st.page_link(ACCOUNT_PAGE, label="Invite your partner", icon=":material/key:")
