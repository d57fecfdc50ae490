"""workbook/ui/speedups.py: the same answers as Streamlit's own code, for less work."""

from __future__ import annotations

import copy
import importlib
import inspect

import pytest
from streamlit.cursor import Cursor, LockedCursor, RunningCursor
from streamlit.proto.Element_pb2 import Element
from streamlit.runtime.state import session_state as session_state_module
from streamlit.testing.v1 import AppTest

from workbook.ui import speedups

WIDGETS_SCRIPT = """
import streamlit as st

st.session_state.setdefault("set_to_none", None)
st.session_state.setdefault("plain", "a value")
st.session_state.setdefault("$$STREAMLIT_INTERNAL_KEY_probe", 1)
st.text_area("Set to None", value="a default", key="set_to_none")
st.text_area("Keyed", value="typed", key="keyed_area")
st.text_input("No key", value="x")
st.radio("Choice", ("one", "two"), key="choice")
st.selectbox("Pick", ("a", "b"), key="pick")
"""


@pytest.fixture
def one_key_widgets(monkeypatch):
    """The widget modules patched for this test only."""
    for name in speedups.ONE_KEY_WIDGET_MODULES:
        module = importlib.import_module(name)
        monkeypatch.setattr(module, "get_session_state", module.get_session_state)
    speedups.widgets_look_up_one_key()
    speedups.widgets_look_up_one_key()  # applying it twice changes nothing


def test_the_widget_modules_still_check_one_key_of_the_filtered_state():
    """What the patch relies on: in the pinned Streamlit, those modules use
    ``filtered_state`` only to ask about the widget's own key."""
    for name in speedups.ONE_KEY_WIDGET_MODULES:
        source = inspect.getsource(importlib.import_module(name))
        uses = source.count("get_session_state().filtered_state")
        assert uses >= 1, name
        assert source.count("filtered_state") == uses, name
        assert source.count("key in session_state") == uses, name


def test_a_widget_no_longer_builds_the_whole_session_state(monkeypatch, one_key_widgets):
    built = []
    whole = session_state_module.SessionState.filtered_state

    def counted(self):
        built.append(1)
        return whole.fget(self)

    monkeypatch.setattr(session_state_module.SessionState, "filtered_state", property(counted))
    at = AppTest.from_string(WIDGETS_SCRIPT).run()
    assert not at.exception
    assert built == []  # before: once for each of the five widgets, every run


def test_the_one_key_view_answers_as_the_whole_state_does(one_key_widgets):
    at = AppTest.from_string(WIDGETS_SCRIPT).run()
    assert not at.exception
    at.text_area(key="keyed_area").input("changed").run()
    assert at.text_area(key="set_to_none").value is None  # a key set to None still wins
    assert at.text_area(key="keyed_area").value == "changed"
    state = at.session_state._state  # what get_session_state() gives a widget
    whole = state.filtered_state
    view = speedups._OneKeySessionState(state).filtered_state
    every_key = state._state._keys()  # with widget ids and internal keys
    probes = [*whole, *every_key, "missing", "$$STREAMLIT_INTERNAL_KEY_probe"]
    assert "$$STREAMLIT_INTERNAL_KEY_probe" not in whole
    assert any(k.startswith("$$ID-") for k in every_key)  # the keyless text input
    for key in probes:
        assert (key in view) == (key in whole), key
        if key in whole:
            assert view[key] == whole[key], key
        else:
            with pytest.raises(KeyError):
                view[key]
    assert dict(view) == whole  # walking it gives the whole dict


def _fields(cursor: Cursor) -> dict:
    fields = dict(cursor.__dict__)
    fields["_transient_elements"] = dict(fields["_transient_elements"]._data)
    return fields


def test_a_cursor_copies_itself_as_deepcopy_did_without_the_generic_machinery(monkeypatch):
    running = RunningCursor(root_container=0, parent_path=(1, 4))
    running.lock_element()
    running.open_block()
    locked = LockedCursor(root_container=1, parent_path=(2,), index=3)
    spinner = RunningCursor(root_container=0, parent_path=(5,))
    spinner.get_transient_cursor()
    spinner.transient_elements[0] = Element()
    spinner.transient_elements[0].markdown.body = "Working on it"
    cursors = {0: running, 1: locked, 2: spinner}
    streamlits_own = copy.deepcopy(cursors)

    assert "__deepcopy__" not in Cursor.__dict__
    speedups.cursors_copy_directly()
    try:
        speedups.cursors_copy_directly()  # applying it twice changes nothing
        reconstructed = []
        generic = copy._reconstruct
        monkeypatch.setattr(
            copy, "_reconstruct", lambda *a, **k: reconstructed.append(a[0]) or generic(*a, **k)
        )
        quick = copy.deepcopy(cursors)
        assert not any(isinstance(x, Cursor) for x in reconstructed)
    finally:
        del Cursor.__deepcopy__
    for key, original in cursors.items():
        assert type(quick[key]) is type(original)
        assert quick[key] is not original
        assert _fields(quick[key]) == _fields(streamlits_own[key])
        assert quick[key].transient_elements is not original.transient_elements
    copied = quick[2].transient_elements[0]
    assert copied == spinner.transient_elements[0]
    assert copied is not spinner.transient_elements[0]  # a spinner's element, copied deeply
    quick[0].lock_element()  # a copy moves on its own
    assert quick[0].index == running.index + 1


THEME_SECTIONS = {  # where Streamlit 1.67 puts each theme section in the new-session message
    "theme": (),
    "theme.light": ("light",),
    "theme.dark": ("dark",),
    "theme.sidebar": ("sidebar",),
    "theme.light.sidebar": ("light", "sidebar"),
    "theme.dark.sidebar": ("dark", "sidebar"),
}


def _new_session_theme(app_session) -> bytes:
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    for section, path in THEME_SECTIONS.items():
        target = msg.new_session.custom_theme
        for name in path:
            target = getattr(target, name)
        app_session._populate_theme_msg(target, section)
    return msg.SerializeToString()


def test_the_theme_is_read_from_the_settings_once_and_sent_byte_for_byte_the_same(
    monkeypatch,
):
    import inspect

    from streamlit import config
    from streamlit.runtime import app_session

    source = inspect.getsource(app_session.AppSession._create_new_session_message)
    assert source.count("_populate_theme_msg(") == len(THEME_SECTIONS)
    populate = app_session._populate_theme_msg
    monkeypatch.setattr(app_session, "_populate_theme_msg", getattr(populate, "original", populate))
    config.get_config_options()
    assert config.get_option("theme.primaryColor")  # .streamlit/config.toml sets a theme
    streamlits_own = _new_session_theme(app_session)
    assert streamlits_own  # something to compare: the theme is in the message

    reads: list[str] = []
    read_section = config.get_options_for_section

    def counted(section: str):
        reads.append(section)
        return read_section(section)

    monkeypatch.setattr(config, "get_options_for_section", counted)
    speedups.theme_read_once()
    speedups.theme_read_once()  # applying it twice changes nothing
    made = [_new_session_theme(app_session) for _ in range(3)]
    assert made == [streamlits_own] * 3
    assert sorted(reads) == sorted(THEME_SECTIONS)  # each section read once, not per run


def test_a_theme_section_set_only_to_defaults_stays_present_and_an_unset_one_absent(
    monkeypatch,
):
    """Streamlit marks a section present as soon as it sets anything, even a default
    value (``base = "light"``), and leaves an unset one out; so do the templates."""
    from streamlit import config
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime import app_session

    populate = app_session._populate_theme_msg
    monkeypatch.setattr(app_session, "_populate_theme_msg", getattr(populate, "original", populate))
    settings = {
        "theme": {"primaryColor": "#3f6f6a", "base": None},
        "theme.light": {"base": "light", "primaryColor": None},  # a default only
        "theme.dark": {"base": None, "primaryColor": None},  # nothing set
        "theme.sidebar": {"textColor": None},
        "theme.light.sidebar": {"textColor": None},
        "theme.dark.sidebar": {"textColor": None},
    }
    monkeypatch.setattr(config, "get_options_for_section", lambda section: settings[section])
    streamlits_own = _new_session_theme(app_session)
    check = ForwardMsg()
    check.ParseFromString(streamlits_own)
    theme = check.new_session.custom_theme
    assert theme.HasField("light") and not theme.light.ListFields()  # present, empty
    assert not theme.HasField("dark") and not theme.HasField("sidebar")

    speedups.theme_read_once()
    assert [_new_session_theme(app_session) for _ in range(2)] == [streamlits_own] * 2
