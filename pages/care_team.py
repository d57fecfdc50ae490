"""Our care team: the couple's own doctor, midwife, therapist and clinic contacts."""

from workbook import ui

ui.render_care_team()
