"""Handing one device to the other partner on a together question.

The first partner's answer is saved and their screen forgotten (``session.hand_over``
keeps only who hands over to whom, and the page and folds to come back to); the
second partner's passphrase opens their own session before anything of theirs shows.
"""

from __future__ import annotations

import streamlit as st

from workbook import kdfpool, spaces, text
from workbook.markdown import escape
from workbook.ui.session import HANDOVER, LOCKED, db, hand_over, handed_over, sign_in_as


def handover_pending() -> bool:
    """Whether this device is between two partners on a together prompt."""
    return HANDOVER in st.session_state


def start_handover(to: spaces.Partner) -> None:
    """Hide this partner's screen and ask the other for their passphrase on this device."""
    hand_over(to.id, to.name)


def back_to_handover() -> None:
    """Under "Get help now" while a device is being passed: the way back to it.

    Any other page shows the hand-over screen, so a link to "Your space" is enough.
    """
    to_name = escape(st.session_state[HANDOVER]["to_name"])
    st.divider()
    st.page_link(
        "pages/account.py",
        label=f"Back to passing the device to {to_name}",
        icon=":material/sync_alt:",
    )


def render_handover() -> None:
    """The hand-over screen: the first partner's answer is off the screen; the second
    confirms with their own passphrase before anything of theirs is shown."""
    info = st.session_state[HANDOVER]
    to_name, from_name = escape(info["to_name"]), escape(info["from_name"])
    st.title(f"Pass to {to_name}", anchor=False)  # no name in a URL fragment
    st.info(
        f"Your answer is saved and hidden. Please pass this device to {to_name}.",
        icon=":material/sync_alt:",
    )
    with st.form("handover"):
        st.markdown(f"**{to_name}**, enter your passphrase to answer.")
        secret = st.text_input("Passphrase", type="password", autocomplete="current-password")
        if st.form_submit_button("Continue", type="primary"):
            try:
                with st.spinner(text.SIGNING_IN):
                    back = spaces.unlock(db(), info["to_id"], secret)
            except spaces.SpaceError as exc:
                wrong = str(exc) == text.SIGN_IN_MISMATCH  # it speaks of a sign-in name
                st.error(text.HANDOVER_MISMATCH.format(name=to_name) if wrong else str(exc))
            except kdfpool.KdfBusy:
                st.warning(text.SIGN_IN_BUSY, icon=":material/hourglass_empty:")
            else:
                page = info.get("page")
                del st.session_state[HANDOVER]
                sign_in_as(back)
                handed_over(info)
                if page:
                    st.switch_page(page)
                st.rerun()
    if st.button(f"Back to {from_name}"):
        st.session_state[LOCKED] = (info["from_id"], info["from_name"])
        handed_over(info)  # the folds the first partner had open, as after a lock
        del st.session_state[HANDOVER]
        st.rerun()
