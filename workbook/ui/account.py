"""Your space: the way in for someone not signed in (workbook/ui/way_in.py), and for a
partner the space itself: the recovery key once, the invite, which role fits, Lock and
Sign out.
"""

from __future__ import annotations

import streamlit as st

from workbook import spaces
from workbook.markdown import escape
from workbook.ui.live import TODAY_PAGE
from workbook.ui.page_frame import button_row
from workbook.ui.roles import render_role_setting
from workbook.ui.session import lock, member, sign_out
from workbook.ui.way_in import locked, run_action, signed_out

RECOVERY_NOTE = (
    "Keep this recovery key somewhere safe, away from this device: written on paper, or in "
    "a password manager. It is shown only once. If you forget your passphrase, it lets you "
    "set a new one. Without it, nobody can open your private entries again, not even the "
    "people who run this app. Your shared entries would come back if your partner invites "
    "you again."
)


def show_recovery() -> None:
    code = st.session_state.get("show_recovery")
    if not code:
        return
    with st.container(border=True):
        st.subheader("Your recovery key")
        st.code(code, language=None)
        st.write(RECOVERY_NOTE)
        if st.button("I have saved my recovery key", type="primary"):
            del st.session_state["show_recovery"]
            current = member()
            if current is not None and len(run_action(spaces.partners_of, current) or []) > 1:
                st.switch_page(TODAY_PAGE)  # joined: straight to the first question
            st.rerun()


def signed_in(current: spaces.Member) -> None:
    st.title(escape(current.space_name), anchor=False)  # no name in a URL fragment
    show_recovery()
    people = run_action(spaces.partners_of, current) or []
    others = [p.name for p in people if p.id != current.partner_id]
    if others:
        names = " and ".join(escape(p.name) for p in people)
        st.write(f"This is the private space of {names}.")
    else:
        st.write(
            "Your partner has not joined yet. When they are ready, make an invite "
            "code and give it to them in person or by message."
        )
        if st.button("Make an invite code"):
            code = run_action(spaces.create_invite, current)
            if code:
                st.session_state["invite_code"] = code
        if st.session_state.get("invite_code"):
            st.code(st.session_state["invite_code"], language=None)
            st.caption("It works once and for 7 days. Making a new code stops the old one.")
    st.page_link(TODAY_PAGE, label="Go to today's question", icon=":material/menu_book:")
    with st.expander("Which fits you"):
        render_role_setting()

    st.page_link(
        "pages/your_data.py",
        label="Passphrase, recovery key, backup and deleting",
        icon=":material/shield_person:",
    )
    st.divider()
    row = button_row()
    row.button("Lock", on_click=lock, icon=":material/lock:")
    row.button("Sign out", on_click=sign_out, icon=":material/logout:")


def render_account() -> None:
    """The Your space page: the space for a partner, else unlock, else the way in."""
    current = member()
    if current is not None:
        signed_in(current)
    elif st.session_state.get("locked"):
        locked()
    else:
        signed_out()
