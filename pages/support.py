"""Support lines, pregnancy-loss organisations and therapist directories by country."""

from workbook import ui

ui.render_support()
