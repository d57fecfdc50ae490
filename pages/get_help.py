"""Get help now: urgent warning signs, emergency numbers and crisis lines."""

from workbook import ui

ui.render_get_help()
