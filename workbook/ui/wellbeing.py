"""The private wellbeing check-in page (PHQ-9 for mood, GAD-7 for worry).

Safety first: any PHQ-9 item 9 answer above "Not at all" shows crisis support right
under that question in the same rerun, before any total is worked out.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from workbook import checkin, spaces, text, wellbeing
from workbook.markdown import escape
from workbook.sealed import PRIVATE, SHARED
from workbook.store import now
from workbook.ui.clock import DATE, DAY_MONTH, local, when
from workbook.ui.fields import flash, show_flash
from workbook.ui.help import crisis_box
from workbook.ui.idle import session_checked
from workbook.ui.page_frame import confirm_delete
from workbook.ui.session import GET_HELP_PAGE, db, member
from workbook.ui.unreadable import show_unreadable

NAMES = {"phq9": "Mood (PHQ-9)", "gad7": "Worry (GAD-7)"}
# The crisis box promises "Your partner cannot see this answer": say what sharing shows.
SHARING_SHOWS_ITEM_9 = (
    "If you share this, your partner will see that you have had thoughts of being "
    "better off dead or of hurting yourself. It is your choice."
)


HISTORY_FLASH = "wb-history"


def _answer_key(qid: str, item: int) -> str:
    return f"wb:{qid}:{item}"


def _kept_key(qid: str) -> str:
    """Which answers were kept: under "wb:", so it goes with the answers themselves
    (sign-out, lock, "Delete everything I wrote": session.TYPED_PREFIXES)."""
    return f"wb:kept:{qid}"


@session_checked
def _save_result(result: checkin.Result) -> None:
    """Keep this result once: a second tap on the button (it stayed on screen) kept a
    second copy, and a second point on the chart."""
    current = member()
    if current is None:
        return
    kept = _kept_key(result.questionnaire_id)
    if st.session_state.get(kept) == tuple(result.answers):
        return
    try:
        wellbeing.save(db(), current, result, PRIVATE)
    except ValueError as exc:  # the space changed since sign-in (text.KEY_CHANGED)
        flash("wb", "error", str(exc))
        return
    except (SQLAlchemyError, OSError):
        flash("wb", "error", "We could not save this result. You can still read it here.")
        return
    st.session_state[kept] = tuple(result.answers)
    flash("wb", "ok", "Saved to your private history. Only you can see it.")


@session_checked
def _remove(result_id: str) -> None:
    current = member()
    if current is None:
        return
    try:
        wellbeing.remove(db(), current, result_id)
    except (SQLAlchemyError, OSError):
        flash(HISTORY_FLASH, "error", text.CHANGE_FAILED)
        return
    for key in [k for k in st.session_state if str(k).startswith("wb:kept:")]:
        del st.session_state[key]  # the answers on screen can be kept again
    flash(HISTORY_FLASH, "ok", "Deleted.")


@session_checked
def _share(result_id: str, visibility: str) -> None:
    """Share a result or make it private again; a failure is said under the list.

    A callback runs before the page is drawn: an error escaping it would replace the
    whole page (the crisis box of a result among it) with Streamlit's error.
    """
    current = member()
    if current is None:
        return
    try:
        wellbeing.set_visibility(db(), current, result_id, visibility)
    except ValueError as exc:  # gone, or the space changed since sign-in
        flash(HISTORY_FLASH, "error", str(exc))
    except (SQLAlchemyError, OSError):
        flash(HISTORY_FLASH, "error", text.CHANGE_FAILED)


def render_wellbeing() -> None:
    st.title("A wellbeing check-in")
    texts = checkin.questionnaires()
    st.write("A short check-in, just for you. It is not a test. You can stop at any time.")
    st.caption(texts.screening_note)
    current = member()
    if current is None:
        st.info("You are not signed in, so your answers are not saved anywhere.")
    qid = {v: k for k, v in NAMES.items()}[
        st.segmented_control(
            "Which check-in?",
            list(NAMES.values()),
            default=NAMES["phq9"],
            key="wb_which",
            persist_state="session",
        )
        or NAMES["phq9"]
    ]
    q = checkin.questionnaire(qid)
    st.markdown(f"**{q.stem}**")
    labels = [o.label for o in q.options]
    answers: list[int | None] = []
    # Answers stay while the other check-in or another page (Get help now, say) is open;
    # sign-out, lock and hand-over still take them away (workbook/ui/session.py).
    keep = {"persist_state": "session"}
    for i, item in enumerate(q.items, start=1):
        choice = st.radio(
            f"{i}. {item}", labels, index=None, horizontal=True, key=_answer_key(qid, i), **keep
        )
        score = labels.index(choice) if choice is not None else None
        answers.append(score)
        if qid == checkin.SAFETY_QUESTIONNAIRE and i == checkin.SAFETY_ITEM and score:
            crisis_box("wb_country")
    st.radio(
        q.difficulty_question,
        q.difficulty_options,
        index=None,
        key=f"wb:{qid}:difficulty",
        **keep,
    )
    st.caption(q.licence)
    if None in answers:
        missing = answers.count(None)
        st.caption(
            f"{missing} question{'s' if missing != 1 else ''} left. "
            "Your result shows when all are answered."
        )
    else:
        result = checkin.score(qid, [a for a in answers if a is not None])
        said = result.outcome  # the crisis words whenever item 9 is above 0
        with st.container(border=True):
            st.subheader("What your answers suggest")
            if said.urgent:
                st.warning(
                    f"{said.meaning} Please look at the support above today, whatever the score."
                )
            else:
                st.markdown(said.meaning)
            st.markdown(f"**Next step:** {said.next_step}")
            st.markdown(f"Score: {result.total} out of {result.max_total}.")
            st.markdown(f"Source for the score bands: [{q.source.title}]({q.source.url})")
            if current is not None:
                if st.session_state.get(_kept_key(qid)) == tuple(result.answers):
                    st.caption("Kept in your private history, below.")
                else:
                    st.button(
                        "Keep this in my private history",
                        on_click=_save_result,
                        args=(result,),
                        key=f"wb-save:{qid}",
                    )
            show_flash("wb")
    if current is not None:
        _history(current)


def _history(current: spaces.Member) -> None:
    try:
        results = wellbeing.history(db(), current)
        partners = {p.id: p.name for p in spaces.partners_of(db(), current)}
    except (SQLAlchemyError, OSError):
        show_flash(HISTORY_FLASH)  # a change clicked just before, which failed too
        st.error("We could not load your earlier check-ins just now.")
        return
    show_unreadable(results)
    mine = [r for r in results if r.author_id == current.partner_id]
    shared = [r for r in results if r.author_id != current.partner_id]
    st.header("Your check-ins over time", divider="gray")
    show_flash(HISTORY_FLASH)  # a share, a make-private or a delete just clicked
    if not mine:
        st.caption("Nothing saved yet. When you keep a result, it shows here, just for you.")
    else:
        _chart(mine)
        last = mine[-1]
        if checkin.due_again(last.created_at, now()):
            st.info(
                "It has been two weeks or more since your last check-in. You could check "
                "in again when you have a quiet moment."
            )
        else:
            again = last.created_at + checkin.CHECK_AGAIN_AFTER
            st.caption(
                f"It can help to check in again after two weeks, from {when(again, DAY_MONTH)}."
            )
        for r in reversed(mine):
            cols = st.columns([3, 2])
            cols[0].text(f"{when(r.created_at, DATE)} · {wellbeing.summary(r)}")
            other = SHARED if r.visibility == PRIVATE else PRIVATE
            row = cols[1].container(horizontal=True, gap="small")
            row.button(
                "Share with my partner" if other == SHARED else "Make private again",
                key=f"wb-share:{r.id}",
                on_click=_share,
                args=(r.id, other),
            )
            confirm_delete(
                row,
                "Delete this result from your history? This cannot be undone.",
                f"wb-del:{r.id}",
                _remove,
                (r.id,),
            )
            if other == SHARED and r.outcome.urgent:
                cols[0].caption(SHARING_SHOWS_ITEM_9)
    if shared:
        st.subheader("Shared with you")
        for r in shared:
            who = partners.get(r.author_id, "Your partner")
            if not r.outcome.urgent:
                st.text(f"{who}: {when(r.created_at, DATE)} · {wellbeing.summary(r)}")
                continue
            # "Please talk to someone today" read as an order to the reader, with no
            # word of what it meant or what to do: said to the partner instead.
            st.text(f"{who}: {when(r.created_at, DATE)} · {r.name} (score {r.total})")
            st.warning(text.PARTNER_ITEM_9.format(name=escape(who)), icon=":material/emergency:")
            st.page_link(GET_HELP_PAGE, label="Get help now", icon=":material/emergency:")


def _chart(results: list[wellbeing.SavedResult]) -> None:
    """Scores over time; each point's label is what the result means (item 9 applied).

    One result makes a chart of a single dot that says nothing: then a sentence says
    what it meant, and that a line appears from the second check-in on.
    """
    counts: dict[str, int] = {}
    for r in results:
        counts[r.name] = counts.get(r.name, 0) + 1
    if max(counts.values()) < 2:
        for r in results:
            st.write(f"{when(r.created_at, DATE)}: {wellbeing.summary(r)}.")
        st.caption(
            "When you check in again, a line here shows how things change over time. "
            "One result is a moment, not a trend."
        )
        return
    frame = pd.DataFrame(wellbeing.chart_rows(results, local))
    chart = (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            # Days, never hours: two check-ins on one day made an axis of ":20 :25 :30".
            x=alt.X("date:T", title="Date", axis=alt.Axis(format="%d %b", tickCount="day")),
            y=alt.Y("score:Q", title="Score"),
            color=alt.Color("check-in:N", title="Check-in"),
            tooltip=[
                alt.Tooltip("date:T", title="When", format="%d %b %Y, %H:%M"),
                "check-in:N",
                "what it means:N",
                "score:Q",
            ],
        )
    )
    st.altair_chart(chart, alt="Your check-in scores over time, with what each one means.")
