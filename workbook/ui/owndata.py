"""Your data: downloads, passphrase and recovery key, backup, and deleting for good.

Every destructive action first says exactly what will be lost, then asks for a
deliberate confirmation (a tick, or typing the space's name).
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from workbook import drafts, owndata, spaces, text
from workbook.markdown import escape
from workbook.store import now
from workbook.ui.downloads import downloads
from workbook.ui.session import ACCOUNT_PAGE, SIGNED_OUT_NOTE, db, forget_typed, member, sign_out

TRIED = "Something went wrong on our side, and nothing was changed. Please try again."


def render_your_data() -> None:
    st.title("Your data")
    current = member()
    if current is None:
        st.info("This page is for a signed-in partner.")
        st.page_link(ACCOUNT_PAGE, label="Make a space or sign in", icon=":material/key:")
        return
    st.header("Download everything", divider="gray")
    downloads(current)

    st.header("Passphrase and recovery key", divider="gray")
    with st.expander("Change your passphrase"), st.form("change_pass", clear_on_submit=True):
        old = st.text_input("Current passphrase", type="password", autocomplete="current-password")
        new = st.text_input("New passphrase", type="password")
        confirm = st.text_input("Type the new passphrase again", type="password")
        if st.form_submit_button("Change passphrase"):
            try:
                st.session_state["member"] = spaces.change_passphrase(
                    db(), current, old, new, confirm
                )
                st.success(
                    "Your passphrase is changed. Use the new one next time. "
                    "Your recovery key still works."
                )
            except spaces.SpaceError as exc:
                st.error(str(exc))
    with st.expander("Make a new recovery key"):
        st.write(
            "We cannot show your recovery key again: it is not kept anywhere we can "
            "read. You can make a new one. The old one stops working at once."
        )
        with st.form("new_recovery", clear_on_submit=True):
            secret = st.text_input(
                "Your passphrase", type="password", autocomplete="current-password"
            )
            if st.form_submit_button("Make a new recovery key"):
                try:
                    code = owndata.regenerate_recovery(db(), current, secret)
                except spaces.SpaceError as exc:
                    st.error(str(exc))
                else:
                    st.code(code, language=None)
                    st.warning("Write this down and keep it somewhere safe. It is shown only now.")

    st.header("Backup", divider="gray")
    st.write(text.BACKUP_OPENS_WHERE)
    with st.form("backup"):
        secret = st.text_input(
            "Your passphrase", type="password", key="backup_pass", autocomplete="current-password"
        )
        made = st.form_submit_button("Prepare backup")
    if made:
        try:
            st.session_state["backup_file"] = owndata.make_backup(db(), current, secret)
        except spaces.SpaceError as exc:
            st.error(str(exc))
    if st.session_state.get("backup_file"):
        st.download_button(
            "Download backup",
            st.session_state["backup_file"],
            file_name=f"workbook-backup-{now():%Y-%m-%d}.wbk",
            mime="application/octet-stream",
            on_click="ignore",
        )

    st.header("Delete", divider="gray")
    with st.expander("Delete everything I wrote"):
        st.write(
            "This deletes all your answers, private and shared, your together answers, "
            "your readiness and wellbeing check-ins, your care-team contacts and your "
            "exercise notes. Agreements you wrote together stay. Your partner's own "
            "entries stay. It cannot be undone."
        )
        sure = st.checkbox("I understand this cannot be undone", key="del_mine_ok")
        if st.button("Delete everything I wrote", disabled=not sure, type="primary"):
            try:
                n = owndata.delete_my_entries(db(), current)
                drafts.discard_all(db(), current)  # unsaved words are "what I wrote" too
                forget_typed(current)  # and off the screen, or a pause would store them again
                st.success(f"Deleted {n} entries.")
            except (SQLAlchemyError, OSError):
                st.error(TRIED)
    with st.expander("Leave this space"):
        st.write(
            "You will be signed out and your sign-in will stop working. Everything you "
            "wrote is deleted. Your partner keeps the space and their own entries. If "
            "you are the last one here, the whole space is deleted."
        )
        sure = st.checkbox("I understand this cannot be undone", key="leave_ok")
        if st.button("Leave the space", disabled=not sure, type="primary"):
            try:
                owndata.leave_space(db(), current)
            except (SQLAlchemyError, OSError):
                st.error(TRIED)
            else:
                sign_out()
                st.rerun()
    with st.expander("Delete our whole space"):
        st.write(
            "Delete your space? This removes everything you both wrote: every answer, "
            "together answer, agreement, check-in and contact, and both sign-ins. "
            "It cannot be undone."
        )
        typed = st.text_input(
            f"Type the name of your space ({escape(current.space_name)}) to confirm",
            key="delete_space_name",
        )
        if st.button("Delete everything", type="primary"):
            try:
                owndata.delete_space(db(), current, typed)
            except spaces.SpaceError as exc:
                st.error(escape(str(exc)))  # it repeats the space's name
            except (SQLAlchemyError, OSError):
                st.error(TRIED)
            else:
                sign_out()
                st.session_state[SIGNED_OUT_NOTE] = text.SPACE_DELETED
                st.rerun()
