"""The partner-news check around this partner's own clicks (workbook/ui/live.py).

A click inside a fragment reruns only the fragment, so ``own_write`` moves the page's
news check past this partner's own write; it must never move it past the partner's.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from workbook import journal, spaces
from workbook.ui import live

from helpers import join, make_space


def _click(
    sam, alex, db, seen, partner_writes: bool, own_visibility: str | None, prompt: str
) -> int:
    """One click of Sam's: a save (shared, private or none), during which Alex's
    shared save may land; returns the news check's revision afterwards."""

    def script(sam, alex, db, seen, partner_writes, own_visibility, prompt):
        import streamlit as st

        from workbook import journal
        from workbook.ui import live

        st.session_state["member"] = sam
        st.session_state[live.SEEN] = seen

        @live.own_write
        def click() -> None:
            if own_visibility:
                journal.save(
                    db,
                    sam,
                    chapter_id="body",
                    prompt_id=prompt,
                    text="Sam",
                    visibility=own_visibility,
                )
            if partner_writes:
                journal.save(
                    db,
                    alex,
                    chapter_id="body",
                    prompt_id="body-own-2",
                    text="Alex",
                    visibility="shared",
                )

        click()
        st.text(str(st.session_state[live.SEEN]))

    at = AppTest.from_function(
        script, args=(sam, alex, db, seen, partner_writes, own_visibility, prompt)
    ).run()
    assert not at.exception, at.exception
    return int(at.text[0].value)


def test_your_own_write_moves_the_check_and_the_partners_never_does(db, monkeypatch):
    sam = make_space(db).member
    alex = join(db, spaces.create_invite(db, sam)).member
    monkeypatch.setattr(live, "db", lambda: db)
    start = live.presence.latest(db, sam)[0]
    # Sam's own shared save: not news, the check moves on.
    assert _click(sam, alex, db, start, False, journal.SHARED, "body-own-1") == start + 1
    # Sam saves privately (nothing moves) while Alex's shared save lands: that is news,
    # and the check must stay where it was so the page's next look finds it. Before,
    # one step of the counter was taken for Sam's own.
    now = start + 1
    assert _click(sam, alex, db, now, True, journal.PRIVATE, "body-own-3") == now
    # Both at once: two steps, news, nothing moved.
    now += 1
    assert _click(sam, alex, db, now, True, journal.SHARED, "body-own-4") == now
