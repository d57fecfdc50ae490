"""Entry point: page set-up, navigation, and the link to urgent help on every page."""

import streamlit as st

st.set_page_config(
    page_title="After a miscarriage: a workbook for two",
    # A local file: a ":material/..." icon here makes the browser fetch it from an outside host.
    page_icon="assets/favicon.png",
    layout="centered",
)

# No custom url_path: on a fresh server the first deep link is matched against the
# files in pages/ before st.navigation runs, and a different URL shows "Page not found".
# One flat list, not sections: Streamlit draws section headings inside its <ul>, which
# screen readers trip on (axe "serious"); and its own links close the sidebar on a
# phone after a tap, which links of our own cannot. The order groups them anyway.
PAGES = [
    st.Page("pages/welcome.py", title="Welcome", icon=":material/home:", default=True),
    st.Page("pages/get_help.py", title="Get help now", icon=":material/emergency:"),
    st.Page("pages/account.py", title="Your space", icon=":material/key:"),
    st.Page("pages/home.py", title="Where you are", icon=":material/timeline:"),
    st.Page("pages/chapter_1.py", title="1. Your body is healing", icon=":material/looks_one:"),
    st.Page(
        "pages/chapter_2.py", title="2. Your heart is healing too", icon=":material/looks_two:"
    ),
    st.Page("pages/chapter_3.py", title="3. Talking with each other", icon=":material/looks_3:"),
    st.Page("pages/chapter_4.py", title="4. Your support circle", icon=":material/looks_4:"),
    st.Page("pages/chapter_5.py", title="5. When to see a therapist", icon=":material/looks_5:"),
    st.Page("pages/journal.py", title="Journal", icon=":material/book:"),
    st.Page("pages/therapy_summary.py", title="Bring to therapy", icon=":material/summarize:"),
    st.Page("pages/your_data.py", title="Your data", icon=":material/shield_person:"),
    st.Page("pages/therapist.py", title="When to see a therapist", icon=":material/psychology:"),
    st.Page("pages/checkin.py", title="Wellbeing check-in", icon=":material/self_improvement:"),
    st.Page("pages/support.py", title="Find support", icon=":material/support:"),
    st.Page("pages/care_team.py", title="Our care team", icon=":material/contacts:"),
]

from workbook import ui  # noqa: E402

if ui.handover_pending():
    # One device, two partners: nothing of the first partner's is shown while the
    # second confirms with their passphrase. Pages stay registered (hidden).
    st.navigation(PAGES, position="hidden")
    ui.help_now_link()
    ui.render_handover()
else:
    page = st.navigation(PAGES, expanded=True)
    ui.enforce_idle_lock()
    ui.account_sidebar()
    ui.help_now_link()
    page.run()
