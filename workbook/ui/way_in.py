"""The way in: sign in, make a space, join with an invite, recover, restore, and
unlock a locked device. Shown on Your space, and in place of any page that needs the
space (app.py), so a deep link or a locked screen opens where it was after signing in.
"""

from __future__ import annotations

import functools

import streamlit as st

from workbook import kdfpool, owndata, passphrase, spaces, text
from workbook.content import workbook
from workbook.markdown import escape
from workbook.members import NewPartner
from workbook.ui.live import TODAY_PAGE
from workbook.ui.roles import remember, role_choice
from workbook.ui.session import ACCOUNT_PAGE, SIGNED_OUT_NOTE, db, sign_in_as, sign_out


def strength_hint(value: str, *others: str) -> None:
    if value:
        result = passphrase.check(value, others)
        (st.caption if result.ok else st.warning)(result.message)


def new_partner_fields(prefix: str, *others: str) -> tuple[str, str, str, str]:
    """Name, sign-in name, passphrase (with a live strength hint) and its confirmation."""
    # Names outlive a look at another tab (only the open tab is built); passphrases not.
    name = st.text_input(
        "Your name, as your partner will see it", key=f"{prefix}_name", persist_state="session"
    )
    login = st.text_input(
        "Sign-in name (only for signing in; nobody else sees it)",
        key=f"{prefix}_login",
        autocomplete="username",
        persist_state="session",
    )
    secret = st.text_input(
        "Passphrase",
        type="password",
        key=f"{prefix}_pass",
        live=True,
        autocomplete="new-password",
        help="At least 8 characters. A few unrelated words are easy to remember and hard to guess.",
    )
    strength_hint(secret, login, name, *others)
    confirm = st.text_input(
        "Type the passphrase again",
        type="password",
        key=f"{prefix}_confirm",
        # Tab from a password field lands on its own "Show password" toggle, inside
        # the widget, so the field never "loses focus" and never sends its value.
        # Live commits it while typing, so Tab, Enter or a click all keep it.
        live=True,
        autocomplete="new-password",
    )
    return name, login, secret, confirm


def run_action(action, *args, **kwargs):
    """Call a workbook action; show its kind message instead of a traceback."""
    try:
        return action(db(), *args, **kwargs)
    except spaces.SpaceError as exc:
        st.error(str(exc))
    except kdfpool.KdfBusy:
        st.warning(text.SIGN_IN_BUSY, icon=":material/hourglass_empty:")
    except Exception:  # a dropped database or full disk must not show a stack trace
        st.error(
            "Something went wrong on our side, and nothing was changed. "
            "Please try again in a moment."
        )
    return None


def signing_in(action, *args, **kwargs):
    """A call that derives a key from a passphrase: say so while it waits its turn."""
    with st.spinner(text.SIGNING_IN):
        return run_action(action, *args, **kwargs)


# A guest reading a chapter (after a reload, which signs out) who signs in from its
# link comes back to that chapter, not to Today: the link says where, as ?then=….
# Only these pages: the address is typed by anyone.
THEN = "then"
RETURN_PAGES = frozenset({f"chapter_{c.number}" for c in workbook().chapters} | {"care_team"})


def sign_in_link(back_to: str) -> None:
    """ "Make a space or sign in", coming back to ``back_to`` (a RETURN_PAGES name)."""
    st.page_link(
        ACCOUNT_PAGE,
        label="Make a space or sign in",
        icon=":material/key:",
        query_params={THEN: back_to},
    )


def _after_sign_in() -> str:
    """The page to open after signing in: the one the link came from, else Today."""
    back_to = st.query_params.get(THEN)
    return f"pages/{back_to}.py" if back_to in RETURN_PAGES else TODAY_PAGE


TABS = ["Sign in", "Make a space", "Join your partner", "Forgot passphrase", "Restore a backup"]
ACCOUNT_TAB = "account_tab"  # the open tab, remembered; Welcome sets "Make a space"


def _tab_changed() -> None:
    st.session_state[ACCOUNT_TAB] = st.session_state["account_tabs"]


def signed_out_notice() -> None:
    """Why this session ended (a passphrase changed or the space changed elsewhere, the
    space deleted), said on the page the person is on: it was said only on Your space,
    and a chapter simply went on as a guest's."""
    note = st.session_state.pop(SIGNED_OUT_NOTE, None)
    if note:
        st.info(note, icon=":material/info:")


def signed_out(in_place: bool = False) -> None:
    """Your space for someone not signed in: the five ways in, one tab built at a time.

    ``in_place``: shown in place of another page (app.py), so signing in opens that page.
    """
    st.title("Your space")
    note = st.session_state.pop(SIGNED_OUT_NOTE, None)
    if note:
        st.info(note, icon=":material/info:")
    else:
        # A reload is a new session and leaves no trace we could read without a
        # cookie, so the note is always here, said gently, for whoever needs it.
        st.caption(text.SIGNED_OUT_KEPT)
    st.write(
        "A private space for the two of you. Everything you write in it is encrypted "
        "with your passphrase before it is stored."
    )
    # Only the open tab is built (issue 14: the five forms made every visit cost about
    # 60 ms of server CPU, and a rush of sign-ins is made of visits to this page). The
    # open tab is remembered in the session, as folds are (workbook/ui/folds.py):
    # "Start your space" on Welcome opens "Make a space".
    tabs = st.tabs(
        TABS,
        default=st.session_state.get(ACCOUNT_TAB) or TABS[0],
        key="account_tabs",
        on_change=_tab_changed,
    )
    sign_in = functools.partial(sign_in_tab, in_place)
    bodies = (sign_in, new_space_tab, join_tab, recover_tab, restore_tab)
    for tab, body in zip(tabs, bodies, strict=True):
        if tab.open:
            with tab:
                body()


def sign_in_tab(in_place: bool) -> None:
    with st.form("sign_in", enter_to_submit=True):
        login = st.text_input("Sign-in name", autocomplete="username")
        secret = st.text_input("Passphrase", type="password", autocomplete="current-password")
        if st.form_submit_button("Sign in", type="primary"):
            found = signing_in(spaces.sign_in, login, secret)
            if found:
                sign_in_as(found)
                if in_place:  # shown in place of another page: open that page now
                    st.rerun()
                st.switch_page(_after_sign_in())  # what waits for you, or back


def new_space_tab() -> None:
    st.write(
        "Start on your own and invite your partner whenever you are ready. "
        "Nothing you write before then is lost."
    )
    space_name = st.text_input(
        "A name for your space",
        key="new_space_name",
        placeholder="For example: Sam and Alex",
        persist_state="session",
    )
    name, login, secret, confirm = new_partner_fields("new", space_name)
    role = role_choice("new_role")
    if st.button("Make our space", type="primary"):
        made = signing_in(
            spaces.create_space,
            space_name=space_name,
            display_name=name,
            login=login,
            passphrase=secret,
            confirm=confirm,
        )
        if made:
            _start_with_recovery_key(made, role)


def _start_with_recovery_key(made: NewPartner, role: str | None) -> None:
    """A space made or joined: sign in, keep the role, and show the recovery key once."""
    sign_in_as(made.member)
    remember(role)
    st.session_state["show_recovery"] = made.recovery_code
    st.rerun()


def join_tab() -> None:
    st.write("Your partner can make an invite code in their space. It works once and for 7 days.")
    code = st.text_input("Invite code", key="join_code", persist_state="session")
    name, login, secret, confirm = new_partner_fields("join")
    role = role_choice("join_role")
    if st.button("Join the space", type="primary"):
        joined = signing_in(
            spaces.join_space,
            code=code,
            display_name=name,
            login=login,
            passphrase=secret,
            confirm=confirm,
        )
        if joined:
            _start_with_recovery_key(joined, role)


def recover_tab() -> None:
    st.write(
        "If you saved your recovery key, you can set a new passphrase. Without it, "
        "your private entries cannot be opened again by anyone. Your partner can "
        "invite you again so you can read what you shared."
    )
    with st.form("recover"):
        login = st.text_input("Sign-in name", key="rec_login", persist_state="session")
        code = st.text_input("Recovery key", key="rec_code")
        secret = st.text_input("New passphrase", type="password", key="rec_pass")
        confirm = st.text_input("Type the new passphrase again", type="password", key="rec_confirm")
        if st.form_submit_button("Set new passphrase", type="primary"):
            back = signing_in(
                spaces.recover,
                login=login,
                recovery_code=code,
                passphrase=secret,
                confirm=confirm,
            )
            if back:
                sign_in_as(back)
                st.rerun()


def restore_tab() -> None:
    st.write(text.RESTORE_NEEDS)
    with st.form("restore"):
        upload = st.file_uploader("Backup file", type=["wbk"])
        secret = st.text_input("Passphrase", type="password", key="restore_pass")
        if st.form_submit_button("Restore", type="primary"):
            if upload is None:
                st.error("Please choose the backup file first.")
            else:
                try:
                    owndata.restore_backup(db(), upload.getvalue(), secret)
                except owndata.BackupError as exc:
                    st.error(str(exc))
                except kdfpool.KdfBusy:
                    st.warning(text.SIGN_IN_BUSY, icon=":material/hourglass_empty:")
                except Exception:  # a dropped database must not show a stack trace
                    st.error(
                        "Something went wrong on our side, and nothing was changed. "
                        "Please try again in a moment."
                    )
                else:
                    st.success("Your space is back. Sign in as before.")


def locked() -> None:
    partner_id, name = st.session_state["locked"]
    st.title("Your space")
    st.info(
        f"Locked to keep your words private. {escape(name)}, enter your passphrase to carry on.",
        icon=":material/lock:",
    )
    with st.form("unlock"):
        secret = st.text_input("Passphrase", type="password", autocomplete="current-password")
        if st.form_submit_button("Unlock", type="primary"):
            back = signing_in(spaces.unlock, partner_id, secret)
            if back:
                sign_in_as(back)
                st.rerun()
    st.button("Someone else is signing in", on_click=sign_out)


def render_sign_in_here() -> None:
    """Show Your space's sign-in (or unlock) view in place of the page that was asked for.

    The address stays the same, so after signing in the rerun opens that very page: a
    deep link survives, and a locked screen unlocks where it is.
    """
    if st.session_state.get("locked"):
        locked()
    else:
        signed_out(in_place=True)
