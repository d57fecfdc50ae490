"""The kind note shown when some saved rows could not be opened (``workbook.readable``)."""

from __future__ import annotations

import streamlit as st

from workbook import readable, text


def show_unreadable(*results: object) -> None:
    """One gentle line above what did open; nothing at all when every row opened."""
    note = text.unreadable_note(readable.count(*results))
    if note:
        st.info(note, icon=":material/info:")
