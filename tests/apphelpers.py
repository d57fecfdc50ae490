"""AppTest helpers: a fresh install per test, and the steps a person takes."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest, app_test

from workbook.content import workbook
from workbook.ui.chapter import CHAPTER_FOLDS
from workbook.ui.folds import OPEN_FOLDS, fold_key

from helpers import PASS_A, PASS_B

APP = Path(__file__).resolve().parent.parent / "app.py"
CHAPTER_PAGES = [f"pages/chapter_{c.number}.py" for c in workbook().chapters]
ALL_PAGES = [
    "pages/welcome.py",
    "pages/account.py",
    "pages/today.py",
    "pages/home.py",
    *CHAPTER_PAGES,
    "pages/get_help.py",
    "pages/therapist.py",
    "pages/checkin.py",
    "pages/support.py",
    "pages/care_team.py",
    "pages/journal.py",
    "pages/therapy_summary.py",
    "pages/your_data.py",
]


class NavigationOnly(app_test.PagesManager):
    """Run every page through app.py, as serve.py makes the real server do.

    AppTest resets Streamlit's "pages/ folder" flag before each run, and with the flag
    set a page switch runs the page file alone, without app.py around it.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        app_test.PagesManager.uses_pages_directory = False


@pytest.fixture
def fresh_install(tmp_path, monkeypatch):
    """Each test gets its own data folder and database, and no cached settings."""
    monkeypatch.setattr(app_test, "PagesManager", NavigationOnly)
    monkeypatch.setenv("WORKBOOK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("WORKBOOK_DATABASE_URL", raising=False)
    monkeypatch.delenv("WORKBOOK_INSTANCE_SECRET", raising=False)
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()
    from workbook import store

    store.dispose_all()


def every_fold() -> set[str]:
    """The keys of every chapter fold (workbook/ui/folds.py)."""
    return {
        fold_key(f"chapter_{chapter.number}", kind)
        for chapter in workbook().chapters
        for kind in CHAPTER_FOLDS
    }


def open_app(page: str | None = None, folds_open: bool = True) -> AppTest:
    """A fresh browser tab. Chapter folds build their questions only while open; by
    default this person has opened every fold (one click each in the browser), so a
    test can reach every question. ``folds_open=False`` starts with them closed."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    if folds_open:
        at.session_state[OPEN_FOLDS] = every_fold()
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in (*at.error, *at.warning, *at.info, *at.success)]
    parts += [t.value for t in (*at.title, *at.header, *at.subheader, *at.text)]
    return "\n".join(str(p) for p in parts)


def button(at: AppTest, label: str):
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r} among {[b.label for b in at.button]}"
    return matches[0]


def save_answer(at: AppTest, prompt_id: str, shared: bool = False) -> AppTest:
    """Choose who can see it (one control), then the one Save button."""
    at.radio(key=f"visibility:{prompt_id}").set_value("shared" if shared else "private")
    at.button(key=f"save:{prompt_id}").click().run()
    assert not at.exception, at.exception
    return at


def open_tab(at: AppTest, label: str) -> AppTest:
    """Choose a tab of the sign-in view: only the open tab is built (pages/account.py)."""
    at.session_state["account_tab"] = label
    return at


def create_space(at: AppTest, login="sam", name="Sam", secret=PASS_A) -> AppTest:
    open_tab(at, "Make a space").switch_page("pages/account.py").run()
    at.text_input(key="new_space_name").input("Sam and Alex")
    at.text_input(key="new_name").input(name)
    at.text_input(key="new_login").input(login)
    at.text_input(key="new_pass").input(secret)
    at.text_input(key="new_confirm").input(secret)
    button(at, "Make our space").click().run()
    assert not at.exception, at.exception
    return at


def sign_in(at: AppTest, login: str, secret: str) -> AppTest:
    open_tab(at, "Sign in").switch_page("pages/account.py").run()
    form_inputs = [t for t in at.text_input if t.label in ("Sign-in name", "Passphrase")]
    form_inputs[0].input(login)
    form_inputs[1].input(secret)
    button(at, "Sign in").click().run()
    return at


def join_space(code: str, login="alex", name="Alex", secret=PASS_B) -> AppTest:
    at = open_tab(open_app(), "Join your partner").switch_page("pages/account.py").run()
    at.text_input(key="join_code").input(code)
    at.text_input(key="join_name").input(name)
    at.text_input(key="join_login").input(login)
    at.text_input(key="join_pass").input(secret)
    at.text_input(key="join_confirm").input(secret)
    button(at, "Join the space").click().run()
    assert not at.exception, at.exception
    return at


def couple() -> tuple[AppTest, AppTest]:
    """Sam makes a space and invites Alex, who joins; both are signed in."""
    sam = create_space(open_app())
    button(sam, "I have saved my recovery key").click().run()
    button(sam, "Make an invite code").click().run()
    alex = join_space(sam.code[0].value)
    button(alex, "I have saved my recovery key").click().run()
    return sam, alex
