"""Chapter 4 of the workbook; the shared renderer lays it out from prompts/."""

from workbook import ui

ui.render_chapter("support")
