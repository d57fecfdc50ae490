"""Welcome: what this is, a gentle content note, the privacy promise, where to start."""

from workbook import ui

ui.render_welcome()
