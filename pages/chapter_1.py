"""Chapter 1 of the workbook; the shared renderer lays it out from prompts/."""

from workbook import ui

ui.render_chapter("body")
