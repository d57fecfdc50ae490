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
from collections.abc import Callable
from pathlib import Path

import streamlit as st

PAGES_KEY = "nav_pages:{signed_in}"
FAVICON_FILE = Path(__file__).resolve().parents[2] / "assets" / "favicon.png"
# The tab's icon, as the data URL Streamlit passes through unchanged. Given the file's
# path, ``st.set_page_config`` read, hashed and registered the file on every run (4% of
# a whole-page run). A local image still: an icon name would make the browser fetch
# it from an outside host. The proxy's Content-Security-Policy allows ``data:`` images.
FAVICON = "data:image/png;base64," + base64.b64encode(FAVICON_FILE.read_bytes()).decode()


@st.cache_resource(show_spinner=False)
def _made(signed_in: bool, _make: Callable[[bool], list]) -> tuple:
    """The process's own pages for a guest or a partner (``_make`` is not hashed)."""
    return tuple(_make(signed_in))


def session_pages(signed_in: bool, make: Callable[[bool], list]) -> list:
    """This session's copies of the pages, made with ``make`` once per process."""
    key = PAGES_KEY.format(signed_in=signed_in)
    if key not in st.session_state:
        st.session_state[key] = [copy.copy(page) for page in _made(signed_in, make)]
    return st.session_state[key]
