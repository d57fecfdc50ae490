"""Your space: sign in, make a space, join with an invite, recover, and manage the space."""

from workbook import ui

ui.render_account()
