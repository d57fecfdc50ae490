"""Your journal: every entry you may see, with filters, search, edits and downloads."""

from workbook import ui

ui.render_journal()
