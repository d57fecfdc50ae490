"""The journal's downloads: Markdown, CSV and PDF of what this partner may see.

Each file is built only when its button is pressed (a callable ``data``), so drawing
the journal page never builds one (issue 14: a PDF of 1,000 entries).
"""

from __future__ import annotations

import streamlit as st

from workbook import export, pdf
from workbook.content import workbook
from workbook.spaces import Member
from workbook.store import now
from workbook.ui.live import opened_prompts
from workbook.ui.session import db


def downloads(current: Member, opened: set[str] | None = None) -> None:
    """Markdown, CSV and PDF of everything this partner may see, built when clicked.
    A together answer of the partner's waits for "Open together", as in the journal
    (``opened``: what this partner opened, if the page has just read it)."""
    book = workbook()
    opened = set(opened_prompts(fresh=True) if opened is None else opened)
    title, subtitle = export.heading_for(current, now())

    def markdown_file() -> str:
        entries, extra = export.everything(db(), current, book, opened=opened)
        return export.to_markdown(entries, title, subtitle, extra)

    def pdf_file() -> bytes:
        entries, extra = export.everything(db(), current, book, opened=opened)
        return pdf.to_pdf(entries, title, subtitle, extra)

    def csv_file() -> bytes:
        entries, _ = export.everything(db(), current, book, with_extra=False, opened=opened)
        return export.to_csv(entries)

    stamp = f"{now():%Y-%m-%d}"
    files = (
        ("Markdown", markdown_file, "md", "text/markdown"),
        ("CSV (spreadsheet)", csv_file, "csv", "text/csv"),
        ("PDF", pdf_file, "pdf", "application/pdf"),
    )
    for col, (label, make, ext, mime) in zip(st.columns(len(files)), files, strict=True):
        col.download_button(
            label,
            data=make,
            file_name=f"workbook-{stamp}.{ext}",
            mime=mime,
            icon=":material/download:",
            on_click="ignore",
            key=f"dl-{ext}",
        )
    st.caption(
        "Your own private entries and everything shared. Never your partner's "
        "private entries. Keep the files somewhere safe: they are not encrypted. "
        "Each file is made when you press its button: a long journal takes a moment, "
        "and the button turns while it is being made."
    )
