"""Entry point: page set-up, navigation, and the link to urgent help on every page."""

import streamlit as st

from workbook import ui

st.set_page_config(
    page_title="After a miscarriage: a workbook for two",
    page_icon=ui.FAVICON,  # assets/favicon.png, read once (workbook/ui/navigation.py)
    layout="centered",
)

# No custom url_path: on a fresh server the first deep link is matched against the
# files in pages/ before st.navigation runs, and a different URL shows "Page not found".
# One flat list, not sections: Streamlit draws section headings inside its <ul>, which
# screen readers trip on (axe "serious"); and its own links close the sidebar on a
# phone after a tap, which links of our own cannot. The order groups them instead:
# where you are, the chapters, what you made, help, your space.
# Every page is always registered, so a deep link works; a page is only *listed* for
# the people who can use it (st.Page visibility), and a guest who opens a page that
# needs the space gets the sign-in view in its place, keeping the link (app.py below).
GUEST, PARTNER, WELCOME = ui.GUEST, ui.PARTNER, ui.WELCOME  # who a page is listed for
# The pages are made once per process from NAV (workbook/ui/navigation.py; the WELCOME
# row is the default page): no function is defined here, since this file runs as a
# new module on every whole-page run.
NAV = (
    ("pages/welcome.py", "Welcome", ":material/home:", WELCOME),
    ("pages/today.py", "Today", ":material/wb_twilight:", PARTNER),
    ("pages/home.py", "Where you are", ":material/timeline:", PARTNER),
    ("pages/get_help.py", "Get help now", ":material/emergency:", GUEST),
    ("pages/chapter_1.py", "1. Your body is healing", ":material/looks_one:", GUEST),
    ("pages/chapter_2.py", "2. Your heart is healing too", ":material/looks_two:", GUEST),
    ("pages/chapter_3.py", "3. Talking with each other", ":material/looks_3:", GUEST),
    ("pages/chapter_4.py", "4. Your support circle", ":material/looks_4:", GUEST),
    ("pages/chapter_5.py", "5. When to see a therapist", ":material/looks_5:", GUEST),
    ("pages/journal.py", "Journal", ":material/book:", PARTNER),
    ("pages/therapy_summary.py", "Bring to therapy", ":material/summarize:", PARTNER),
    ("pages/checkin.py", "Wellbeing check-in", ":material/self_improvement:", GUEST),
    ("pages/therapist.py", "Finding a therapist", ":material/psychology:", GUEST),
    ("pages/support.py", "Find support", ":material/support:", GUEST),
    ("pages/care_team.py", "Our care team", ":material/contacts:", PARTNER),
    ("pages/account.py", "Your space", ":material/key:", GUEST),
    ("pages/your_data.py", "Your data", ":material/shield_person:", PARTNER),
)
# Crisis help opens on every device, locked or not: a lock must never stand in its way.
ALWAYS_OPEN = {"get_help"}
# url paths (file names) of the pages that need a signed-in partner
NEEDS_SPACE = {
    path.removeprefix("pages/").removesuffix(".py") for path, _, _, who in NAV if who == PARTNER
}


if ui.handover_pending():
    # One device, two partners: nothing of the first partner's is shown while the
    # second confirms with their passphrase. Pages stay registered (hidden).
    page = st.navigation(ui.session_pages(False, NAV), position="hidden")
    ui.help_now_link()
    if page.url_path in ALWAYS_OPEN:
        # Crisis help opens here too, and the hand-over waits one link away.
        page.run()
        ui.back_to_handover()
    else:
        ui.render_handover()
else:
    ui.enforce_idle_lock()
    page = st.navigation(ui.session_pages(ui.member() is not None, NAV), expanded=True)
    if page.url_path != "journal":
        ui.keep_open_edit()  # words typed in a journal entry wait for the way back
    ui.account_sidebar()
    ui.menu_hint()
    ui.help_now_link()
    locked_out = ui.is_locked() and page.url_path not in ALWAYS_OPEN
    if ui.member() is None and (locked_out or page.url_path in NEEDS_SPACE):
        # Locked, or a page that needs the space: unlock or sign in right here, and
        # the same page opens after (a deep link survives signing in).
        ui.render_sign_in_here()
    else:
        if page.url_path != "account":  # Your space says it in its own place
            ui.signed_out_notice()
        if ui.recovery_pending() and page.url_path != "account":
            # A space made from the sign-in view of another page: its recovery key
            # waits on Your space, shown once; say so on every page until it is saved.
            ui.recovery_reminder()
        page.run()
