"""Asking, remembering and changing which role fits each partner (see workbook.roles)."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from workbook import roles
from workbook.ui.idle import session_checked
from workbook.ui.session import db, member
from workbook.vault import VaultError

ROLE_KEY = "my_role"  # cached per session; sign-out and lock clear it with everything else


def role_choice(key: str) -> str | None:
    """The three-way question at make and join. Not choosing means 'rather not say'."""
    return st.radio(
        roles.QUESTION,
        roles.ROLES,
        format_func=roles.LABELS.__getitem__,
        index=None,
        key=key,
        help=roles.WHY,
        persist_state="session",  # kept while another tab of the sign-in view is open
    )


def remember(role: str | None) -> None:
    """Store the role chosen at make or join for the member just signed in."""
    current = member()
    if current is None:
        return
    try:
        st.session_state[ROLE_KEY] = roles.save(db(), current, role)
    except (SQLAlchemyError, OSError, ValueError):
        st.session_state[ROLE_KEY] = roles.check(role if role in roles.ROLES else None)


def my_role() -> str:
    """This partner's role (one decrypt per session, then cached in the session)."""
    current = member()
    if current is None:
        return roles.UNSAID
    cached = st.session_state.get(ROLE_KEY)
    if cached in roles.ROLES:
        return cached
    try:
        role = roles.load(db(), current)
    except (SQLAlchemyError, OSError, VaultError, ValueError):
        return roles.UNSAID
    st.session_state[ROLE_KEY] = role
    return role


@session_checked
def _changed() -> None:
    current = member()
    choice = st.session_state.get("role_setting")
    if current is None or choice not in roles.ROLES:
        return
    try:
        st.session_state[ROLE_KEY] = roles.save(db(), current, choice)
    except (SQLAlchemyError, OSError, VaultError):
        st.session_state["role_setting_error"] = True
        # Show the role that is still in force, not the one that was not saved.
        st.session_state["role_setting"] = my_role()


def render_role_setting() -> None:
    """Your space: see and change the answer given at make or join."""
    current_role = my_role()
    st.session_state.setdefault("role_setting", current_role)
    st.radio(
        roles.QUESTION,
        roles.ROLES,
        format_func=roles.LABELS.__getitem__,
        key="role_setting",
        on_change=_changed,
        horizontal=True,
    )
    st.caption(roles.WHY)
    if st.session_state.pop("role_setting_error", False):
        st.error("We could not save this just now. Try again in a moment.")
