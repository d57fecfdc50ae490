"""What every part of the Streamlit side needs: the settings, the database handle, and
who is signed in on this tab.

The two caches hold only what is the same for everyone (settings and the engine with
the instance secret); the signed-in member, with their keys, lives only in this tab's
``st.session_state``, never in a cache or a module global.
"""

from __future__ import annotations

import streamlit as st

from workbook import settings
from workbook.spaces import Member
from workbook.store import Db, open_db


@st.cache_resource(show_spinner=False)
def app_settings() -> settings.Settings:
    """Settings read once per process from the environment."""
    return settings.from_environment()


@st.cache_resource(show_spinner=False)
def db() -> Db:
    """The process-wide database handle (engine + instance secret): no user data."""
    return open_db(app_settings())


def member() -> Member | None:
    return st.session_state.get("member")


def draft_key(prompt_id: str) -> str:
    """Session key of a text area; namespaced so another partner never sees a draft."""
    owner = st.session_state.get("member_id", "guest")
    return f"draft:{owner}:{prompt_id}"
