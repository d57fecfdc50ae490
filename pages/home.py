"""Where you are: progress per chapter and partner, and one suggested next step."""

from workbook import ui

ui.render_home()
ui.partner_watch()  # the partner's news shows here without a reload
