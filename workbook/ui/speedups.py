"""Costs of Streamlit 1.67 that grow with the page or come with every run, made flat
(serve.py calls ``apply``).

Measured on one signed-in session, server CPU per run (``make load``'s profile agreed):
opening a chapter's "On your own" fold took 26 ms, and a chapter page with two folds
open 53 ms. A third of that was the first two:

- **A widget's one-key check read all of session state.** Each ``st.text_area``,
  ``st.text_input``, ``st.radio`` (and the other value widgets) asks whether its key was
  set to ``None`` by building ``filtered_state``: a dict of every key the session
  holds, each value fetched and presented. A chapter has a dozen keys per question, so
  each widget cost more the more questions the page had. Here those widget modules
  get a session state whose ``filtered_state`` looks up only the key asked for, with
  the same rules (``_OneKeyView``).
- **Every fragment copied the page's cursors with the generic ``deepcopy``.** Streamlit
  snapshots the container stack each time a fragment is defined (every question is
  one), and copying a cursor went through ``copy._reconstruct`` for an object of ints
  and tuples. ``_copy_cursor`` copies the same fields directly; the transient elements
  a cursor may hold (a spinner's) are still deep-copied.
- **The theme was read from all of Streamlit's settings on every whole-page run**
  (``theme_read_once``).

tests/test_speedups.py checks all three against Streamlit's own results, and that the pinned
Streamlit still has the code they replace.
"""

from __future__ import annotations

import copy
import importlib
from collections.abc import Iterator, Mapping
from typing import Any

# The widget modules whose one check is ``key in filtered_state`` and
# ``filtered_state[key]`` (tests/test_speedups.py reads their source).
ONE_KEY_WIDGET_MODULES = (
    "streamlit.elements.widgets.number_input",
    "streamlit.elements.widgets.radio",
    "streamlit.elements.widgets.selectbox",
    "streamlit.elements.widgets.slider",
    "streamlit.elements.widgets.text_widgets",
    "streamlit.elements.widgets.time_widgets",
)


class _OneKeyView(Mapping):
    """``filtered_state`` for one key at a time: the same answer, without the rest.

    ``filtered_state`` leaves out keys that are element ids or Streamlit's internal
    keys, and gives ``state[key]`` for the rest; so does this. Walking it (never done
    by those modules) falls back to the whole dict.
    """

    def __init__(self, state: Any) -> None:
        self._state = state

    def _shown(self, key: object) -> bool:
        from streamlit.runtime.state.common import is_element_id
        from streamlit.runtime.state.session_state import _is_internal_key

        return isinstance(key, str) and not is_element_id(key) and not _is_internal_key(key)

    def __contains__(self, key: object) -> bool:
        return self._shown(key) and key in self._state

    def __getitem__(self, key: str) -> Any:
        if not self._shown(key):
            raise KeyError(key)
        return self._state[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._state.filtered_state)

    def __len__(self) -> int:
        return len(self._state.filtered_state)


class _OneKeySessionState:
    """The session state as those widget modules see it: all of it, except that
    ``filtered_state`` is a ``_OneKeyView``."""

    def __init__(self, state: Any) -> None:
        self._state = state

    @property
    def filtered_state(self) -> _OneKeyView:
        return _OneKeyView(self._state)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._state, name)

    def __getitem__(self, key: str) -> Any:
        return self._state[key]

    def __contains__(self, key: object) -> bool:
        return key in self._state


def widgets_look_up_one_key() -> None:
    """Give the value widgets a session state that looks up only the key they ask for."""
    for name in ONE_KEY_WIDGET_MODULES:
        module = importlib.import_module(name)
        original = module.get_session_state
        if getattr(original, "one_key", False):
            continue

        def one_key(original=original) -> _OneKeySessionState:
            return _OneKeySessionState(original())

        one_key.one_key = True  # type: ignore[attr-defined]
        module.get_session_state = one_key


def _copy_cursor(self: Any, memo: dict) -> Any:
    """A deep copy of a cursor: its fields are ints, tuples of ints and None, shared as
    ``deepcopy`` would share them, and its transient elements, copied deeply."""
    from streamlit.cursor import SparseList

    new = object.__new__(type(self))
    memo[id(self)] = new
    fields = dict(self.__dict__)
    elements = fields.get("_transient_elements")
    if elements is not None:
        fields["_transient_elements"] = (
            copy.deepcopy(elements, memo) if len(elements) else SparseList()
        )
    new.__dict__.update(fields)
    return new


def cursors_copy_directly() -> None:
    """Let Streamlit's cursors copy themselves without the generic ``deepcopy``."""
    from streamlit.cursor import Cursor

    if "__deepcopy__" not in Cursor.__dict__:
        Cursor.__deepcopy__ = _copy_cursor  # type: ignore[attr-defined]


def theme_read_once() -> None:
    """Read the ``[theme]`` settings into the new-session message once, not every run.

    Streamlit 1.67 sends a new-session message at the start of every whole-page run,
    and fills its six theme sections by walking all of its ~370 settings six times
    (``config.get_options_for_section``): 0.4 ms a run, and 7% of the time the
    interpreter was held during ``make load``. The theme is fixed once the server has
    read its settings (no file watcher here, and nothing sets them later), so each
    section is filled once into a template and copied from then on. A re-read of the
    settings makes a new options dict, and with it new templates. tests/test_speedups.py
    checks that the message is byte for byte what Streamlit makes, also for a section
    set only to default values (present but empty) and one not set at all (absent).
    """
    from streamlit import config
    from streamlit.runtime import app_session

    populate = app_session._populate_theme_msg
    if getattr(populate, "read_once", False):
        return
    # section -> (the settings read, the filled section, whether Streamlit touched it)
    templates: dict[str, tuple[object, object, bool]] = {}

    def populate_once(msg, section: str = "theme") -> None:
        made = templates.get(section)
        if made is None or made[0] is not config._config_options:  # read again: refill
            probe = type(msg)()
            populate(probe.light, section)  # inside a parent, to see if it was touched
            template = type(msg)()
            template.CopyFrom(probe.light)
            made = (config._config_options, template, probe.HasField("light"))
            templates[section] = made
        _, template, touched = made
        if touched:  # as Streamlit leaves it: set (even if only to defaults), or not at all
            msg.SetInParent()
            msg.MergeFrom(template)

    populate_once.read_once = True  # type: ignore[attr-defined]
    populate_once.original = populate  # type: ignore[attr-defined]
    app_session._populate_theme_msg = populate_once


def apply() -> None:
    """All three changes; applying them twice changes nothing."""
    widgets_look_up_one_key()
    cursors_copy_directly()
    theme_read_once()
