"""Today: one question at a time, and what waits for you."""

from workbook import ui

ui.render_today()
