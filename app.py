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
PAGES = {
    "Start": [
        st.Page("pages/welcome.py", title="Welcome", icon=":material/home:", default=True),
        st.Page("pages/account.py", title="Your space", icon=":material/key:"),
        st.Page("pages/home.py", title="Where you are", icon=":material/timeline:"),
    ],
    "Your words": [
        st.Page("pages/journal.py", title="Journal", icon=":material/book:"),
        st.Page("pages/therapy_summary.py", title="Bring to therapy", icon=":material/summarize:"),
        st.Page("pages/your_data.py", title="Your data", icon=":material/shield_person:"),
    ],
    "Workbook": [
        st.Page("pages/chapter_1.py", title="1. Your body is healing"),
        st.Page("pages/chapter_2.py", title="2. Your heart is healing too"),
        st.Page("pages/chapter_3.py", title="3. Talking with each other"),
        st.Page("pages/chapter_4.py", title="4. Your support circle"),
        st.Page("pages/chapter_5.py", title="5. When to see a therapist"),
    ],
    "Help": [
        st.Page("pages/get_help.py", title="Get help now", icon=":material/emergency:"),
        st.Page(
            "pages/therapist.py", title="When to see a therapist", icon=":material/psychology:"
        ),
        st.Page("pages/checkin.py", title="Wellbeing check-in", icon=":material/self_improvement:"),
        st.Page("pages/support.py", title="Find support", icon=":material/support:"),
        st.Page("pages/care_team.py", title="Our care team", icon=":material/contacts:"),
    ],
}

from workbook import ui  # noqa: E402

if ui.handover_pending():
    # One device, two partners: nothing of the first partner's is shown while the
    # second confirms with their passphrase. Pages stay registered (hidden).
    st.navigation(PAGES, position="hidden")
    ui.help_now_link()
    ui.render_handover()
else:
    # Our own sidebar links instead of Streamlit's list, whose section headers sit
    # directly inside a <ul> (an axe "serious" finding for screen readers).
    page = st.navigation(PAGES, position="hidden")
    ui.enforce_idle_lock()
    ui.sidebar_links(PAGES)
    ui.account_sidebar()
    ui.help_now_link()
    page.run()
