"""A private wellbeing check-in (PHQ-9 and GAD-7), with a history over time."""

from workbook import ui

ui.render_wellbeing()
