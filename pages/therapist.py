"""When to see a therapist: the signs, what therapy helps with, what to expect."""

from workbook import ui

ui.render_therapist_guide()
