"""What every page shows around its own content: the way to urgent help, the menu
word on a phone, the recovery-key reminder, and the sidebar with who is signed in,
Lock and Sign out. Also the two small layouts every page's buttons use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import streamlit as st

from workbook import markdown
from workbook.ui.fields import draft_keeper
from workbook.ui.idle import idle_watch
from workbook.ui.session import ACCOUNT_PAGE, GET_HELP_PAGE, LOCKED, lock, sign_out
from workbook.ui.state import member

if TYPE_CHECKING:
    from streamlit.delta_generator import DeltaGenerator


def recovery_reminder() -> None:
    st.warning(
        "Your recovery key is ready, and it is shown only once. Please save it now.",
        icon=":material/key:",
    )
    st.page_link(ACCOUNT_PAGE, label="Show my recovery key", icon=":material/arrow_forward:")


# On a phone the sidebar starts closed behind a small arrow icon: give that button a
# word, so the way to every page is plain. "Get help now" stays in the top bar beside
# it while the page scrolls: at the top of the page only, it scrolled away, and in the
# middle of a chapter the way to urgent help took two taps (Menu, then the link). A
# notice ("Something new from your partner") goes to the bottom there, so it never
# covers the link. Keyboard focus is a clear ring on links and choices too (Streamlit
# gives them only a faint tint, about 1.1:1 against the page). CSS only, no script and
# no user text.
_MENU_STYLE = """<style>
[data-testid="stExpandSidebarButton"]::after {
  content: "Menu";
  margin-left: 0.4rem;
  font-size: 1rem;
  font-weight: 600;
}
[data-testid="stExpandSidebarButton"] { width: auto; padding: 0.25rem 0.6rem; }
a:focus-visible, button:focus-visible, summary:focus-visible {
  outline: 3px solid #1d4f80 !important;
  outline-offset: 2px;
}
label:has(> input:focus-visible), label:has(input[type="radio"]:focus-visible),
label:has(input[type="checkbox"]:focus-visible) {
  outline: 3px solid #1d4f80;
  outline-offset: 2px;
  border-radius: 0.4rem;
}
@media (max-width: 640px) {
  [data-testid="stToastContainer"] { top: auto !important; bottom: 1rem !important; }
  .st-key-help-now {
    position: fixed;
    top: 0.55rem;
    right: 0.75rem;
    z-index: 999990;  /* over the top bar, under the open menu (its close button) */
    width: auto !important;
  }
  /* the open menu lists "Get help now" itself; half-covered, the link read "et help now" */
  body:has([data-testid="stSidebar"][data-collapsed="false"]) .st-key-help-now {
    visibility: hidden;
  }
  .st-key-help-now a {
    background-color: #fbfaf7;
    border: 1px solid #c9c3b8;
    padding: 0.15rem 0.6rem;
  }
}
</style>"""


# A page opened from a link kept the scroll position of the page before: "Get help
# now" tapped in the middle of a chapter opened the help page halfway down, its first
# lines out of sight. When the address changes, the new page starts at its top. Ours,
# holding no user text.
_PAGE_TOP_SCRIPT = """<script>
(() => {
  if (window.__workbookPageTop) return;
  window.__workbookPageTop = true;
  let path = window.location.pathname;
  setInterval(() => {
    if (window.location.pathname === path) return;
    path = window.location.pathname;
    for (const el of [document.scrollingElement,
                      document.querySelector('[data-testid="stMain"]'),
                      document.querySelector('[data-testid="stAppViewContainer"]')]) {
      if (el) el.scrollTop = 0;
    }
  }, 150);
})();
</script>"""


def menu_hint() -> None:
    st.html(_MENU_STYLE)
    st.html(_PAGE_TOP_SCRIPT, unsafe_allow_javascript=True, width=1)


def help_now_link() -> None:
    """The one-click way to urgent help, shown at the top of every page (on a phone,
    in the top bar: _MENU_STYLE)."""
    with st.container(key="help-now"):
        st.page_link(GET_HELP_PAGE, label="Get help now", icon=":material/emergency:")


def button_row() -> DeltaGenerator:
    """Buttons side by side, wrapping on a narrow screen: one flex row.

    ``st.columns`` did this with a block per column plus one around them, and it is
    among the most-used layouts of a run (each question has a row): one block instead
    of three or four is fewer messages and less work on every run (issue 14). The
    buttons sit together at the start of the row, not spread over equal columns.
    """
    return st.container(horizontal=True, gap="small")


def confirm_delete(
    parent: Any, question: str, key: str, on_click: Callable[..., None], args: tuple
) -> None:
    """Delete in a popover that asks first: one click opens it, "Yes, delete it" deletes."""
    with parent.popover("Delete", icon=":material/delete:"):
        st.write(question)
        st.button("Yes, delete it", key=key, on_click=on_click, args=args, type="primary")


def account_sidebar() -> None:
    """Who is signed in, with Lock and Sign out, on every page."""
    with st.sidebar:
        current = member()
        if current is not None:
            st.caption(
                f"Signed in as **{markdown.escape(current.name)}** · "
                f"{markdown.escape(current.space_name)}"
            )
            row = button_row()
            row.button("Lock", key="sidebar_lock", on_click=lock, icon=":material/lock:")
            row.button(
                "Sign out", key="sidebar_sign_out", on_click=sign_out, icon=":material/logout:"
            )
            idle_watch()
            draft_keeper()
        elif st.session_state.get(LOCKED):
            st.caption("Locked. Enter your passphrase on this page to carry on.")
        else:
            st.caption("Not signed in. Open **Your space** to keep your answers.")
