"""The Streamlit side of the workbook: the only part of the package that imports it.

Everything a user wrote is shown as plain text (``st.text`` or escaped Markdown),
never as HTML or live Markdown: a partner's reflection must not be able to load an
image from an outside host in the other's browser (SECURITY.md).
"""

from workbook.ui.account import render_account
from workbook.ui.chapter import render_chapter, render_welcome
from workbook.ui.handover import back_to_handover, handover_pending, render_handover
from workbook.ui.help import render_get_help
from workbook.ui.home import render_home
from workbook.ui.idle import enforce_idle_lock
from workbook.ui.journal import keep_open_edit, render_journal
from workbook.ui.live import TODAY_PAGE, partner_watch
from workbook.ui.navigation import FAVICON, GUEST, PARTNER, WELCOME, session_pages
from workbook.ui.owndata import render_your_data
from workbook.ui.page_frame import account_sidebar, help_now_link, menu_hint, recovery_reminder
from workbook.ui.session import (
    db,
    is_locked,
    lock,
    member,
    recovery_pending,
    sign_in_as,
    sign_out,
)
from workbook.ui.support import render_care_team, render_support, render_therapist_guide
from workbook.ui.therapy_summary import render_therapy_summary
from workbook.ui.today import render_today
from workbook.ui.way_in import render_sign_in_here, signed_out_notice
from workbook.ui.wellbeing import render_wellbeing

__all__ = [
    "render_account",
    "TODAY_PAGE",
    "partner_watch",
    "render_today",
    "back_to_handover",
    "handover_pending",
    "render_handover",
    "render_home",
    "keep_open_edit",
    "render_journal",
    "render_therapy_summary",
    "render_your_data",
    "session_pages",
    "GUEST",
    "PARTNER",
    "WELCOME",
    "FAVICON",
    "render_care_team",
    "render_support",
    "render_therapist_guide",
    "render_wellbeing",
    "account_sidebar",
    "db",
    "enforce_idle_lock",
    "help_now_link",
    "is_locked",
    "menu_hint",
    "recovery_pending",
    "recovery_reminder",
    "render_sign_in_here",
    "signed_out_notice",
    "lock",
    "member",
    "render_chapter",
    "render_get_help",
    "render_welcome",
    "sign_in_as",
    "sign_out",
]
