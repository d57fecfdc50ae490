"""The app's pages for ``st.navigation``: made once per process, copied per session.

Making a page resolves its file on disk (about 2 ms for all 17): every run paid that
before the pages were kept per session, and every new session (twice per sign-in)
before they were made once per process (issue 14). Each session gets its own shallow
copies, because a page object remembers, between navigation and run, that it may be
run. The cache lives here, not in app.py: a ``st.cache_resource`` decorator in app.py
would run again on every run, and it reads the function's source each time.
"""

from __future__ import annotations

import base64
import copy
from pathlib import Path

import streamlit as st

PAGES_KEY = "nav_pages:{signed_in}"
FAVICON_FILE = Path(__file__).resolve().parents[2] / "assets" / "favicon.png"
# The tab's icon, as the data URL Streamlit passes through unchanged. Given the file's
# path, ``st.set_page_config`` read, hashed and registered the file on every run (4% of
# a whole-page run). A local image still: an icon name would make the browser fetch
# it from an outside host. The proxy's Content-Security-Policy allows ``data:`` images.
FAVICON = "data:image/png;base64," + base64.b64encode(FAVICON_FILE.read_bytes()).decode()


# Who a page is listed for in the sidebar (app.py's NAV). Every page is registered for
# everyone, so a deep link works; the others are hidden.
GUEST = "guest"  # listed for guests (and for partners)
PARTNER = "partner"  # listed only for a signed-in partner
WELCOME = "welcome"  # listed only for guests, and the default page (its one row)
# (file, title, icon, who it is listed for), in sidebar order
NavRow = tuple[str, str, str, str]


@st.cache_resource(show_spinner=False)
def _made(signed_in: bool, _nav: tuple[NavRow, ...]) -> tuple:
    """The process's own pages for a guest or a partner (``_nav`` is not hashed: the
    table is app.py's, the same in every run)."""
    listed = {GUEST, PARTNER} if signed_in else {GUEST, WELCOME}
    return tuple(
        st.Page(
            path,
            title=title,
            icon=icon,
            default=who == WELCOME,
            visibility="visible" if who in listed else "hidden",
        )
        for path, title, icon, who in _nav
    )


def session_pages(signed_in: bool, nav: tuple[NavRow, ...]) -> list:
    """This session's copies of the pages of ``nav``, made once per process.

    Made here rather than by a function in app.py: app.py runs afresh as a new module
    on every whole-page run, and a function defined there forms a reference cycle with
    that module's globals, garbage the collector has to find after each run.
    """
    key = PAGES_KEY.format(signed_in=signed_in)
    if key not in st.session_state:
        st.session_state[key] = [copy.copy(page) for page in _made(signed_in, nav)]
    return st.session_state[key]
