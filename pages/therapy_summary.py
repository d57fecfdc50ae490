"""Bring to therapy: choose shared entries and questions, preview, download."""

from workbook import ui

ui.render_therapy_summary()
