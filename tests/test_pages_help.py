"""AppTest for the help pages: therapist guide, wellbeing check-in, support, care team."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from workbook.checkin import questionnaire
from workbook.guide import guide

from apphelpers import (
    APP,
    couple,
    create_space,
    fresh_install,  # noqa: F401  (a fixture, used through pytestmark)
    open_app,
    texts,
)

pytestmark = pytest.mark.usefixtures("fresh_install")
OPTIONS = [o.label for o in questionnaire("phq9").options]


def test_therapist_guide_shows_every_section_with_sources():
    at = open_app("pages/therapist.py")
    headers = [h.value for h in at.header]
    for section in guide().sections:
        assert section.heading in headers
    assert "Get help now" in [str(x.proto.label) for x in at.get("page_link")]


def answer_all(at, qid, score, count):
    for i in range(1, count + 1):
        at.radio(key=f"wb:{qid}:{i}").set_value(OPTIONS[score])
    at.run()


def test_every_answer_gives_a_band_and_one_next_step():
    at = open_app("pages/checkin.py")
    answer_all(at, "phq9", 1, 8)
    assert "1 question left" in texts(at)
    at.radio(key="wb:phq9:9").set_value(OPTIONS[0]).run()
    shown = texts(at)
    assert "8 out of 27" in shown
    assert "Your answers suggest mild" in shown
    assert "Next step:" in shown
    assert "Please talk to someone today" not in shown


def test_a_self_harm_answer_shows_crisis_support_in_the_same_rerun():
    at = open_app("pages/checkin.py")
    at.radio(key="wb:phq9:9").set_value(OPTIONS[1]).run()
    shown = texts(at)
    assert "Please talk to someone today" in shown
    assert "Your partner cannot see this answer" in shown
    at.selectbox(key="wb_country").select("United Kingdom").run()
    shown = texts(at)
    assert "116 123" in shown and "999" in shown


@pytest.mark.parametrize(
    ("context", "shown_now"),
    [
        ({"timezone": "Europe/London", "locale": "en-US"}, ["116 123", "999"]),
        ({"timezone": "Australia/Sydney"}, ["13 11 14", "000"]),
        ({"locale": "en-IE"}, ["116 123", "112"]),
        ({"timezone": "America/Toronto", "locale": "fr-CA"}, ["9-8-8", "911"]),
    ],
    ids=["uk-zone-beats-us-language", "australia", "ireland-language", "canada"],
)
def test_the_crisis_box_shows_the_likely_country_and_the_international_line_at_once(
    context, shown_now
):
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.context = context
    at.run()
    at.switch_page("pages/checkin.py").run()
    at.radio(key="wb:phq9:9").set_value(OPTIONS[1]).run()
    shown = texts(at)
    for number in shown_now:
        assert number in shown
    assert "befrienders.org" in shown
    [call] = [m.value for m in at.markdown if m.value.startswith("Call ")]
    assert " now, or " in call  # action first: "Call ... now"


def test_with_no_clue_to_the_country_the_box_still_says_what_to_do_now():
    at = open_app("pages/checkin.py")
    at.radio(key="wb:phq9:9").set_value(OPTIONS[1]).run()
    [call] = [m.value for m in at.markdown if m.value.startswith("Call ")]
    assert call.startswith("Call a crisis line near you now, or your local emergency number")
    assert "befrienders.org" in texts(at)
    assert at.selectbox(key="wb_country").value is None


def test_a_guessed_country_can_be_changed():
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.context = {"timezone": "Europe/London"}
    at.run()
    at.switch_page("pages/get_help.py").run()
    assert at.selectbox(key="get_help_country").value == "United Kingdom"
    # A guessed country is a default, not a value that can be cleared with the box's
    # "x" (which would hide the numbers).
    assert at.selectbox(key="get_help_country").proto.HasField("default")
    at.selectbox(key="get_help_country").select("New Zealand").run()
    assert "1737" in texts(at) and "Emergency number in New Zealand" in texts(at)


def test_get_help_now_opens_with_the_warning_signs_each_named():
    at = open_app("pages/get_help.py")
    [box] = at.error
    assert box.value.startswith("**Get help now if you or your partner has any of these signs")
    for name in ("Heavy bleeding:", "Pain that painkillers do not ease:", "dizzy or faint"):
        assert name in box.value
    assert "BPAS" in box.value
    assert "Source:" not in texts(at)
    [sources] = [e for e in at.expander if e.label == "Sources"]
    assert "bpas.org" in str([m.value for m in sources.markdown])


def test_gad7_can_be_chosen_and_scored():
    at = open_app("pages/checkin.py")
    at.segmented_control(key="wb_which").set_value("Worry (GAD-7)").run()
    for i in range(1, 8):
        at.radio(key=f"wb:gad7:{i}").set_value(OPTIONS[3])
    at.run()
    assert "21 out of 21" in texts(at)


def test_a_kept_result_is_private_until_shared():
    sam, alex = couple()
    sam.switch_page("pages/checkin.py").run()
    answer_all(sam, "phq9", 0, 9)
    [keep] = [b for b in sam.button if b.label == "Keep this in my private history"]
    keep.click().run()
    assert "Saved to your private history" in texts(sam)
    assert "PHQ-9: none to minimal (score 0)" in texts(sam)
    alex.switch_page("pages/checkin.py").run()
    assert "Shared with you" not in texts(alex)
    [share] = [b for b in sam.button if b.label == "Share with my partner"]
    share.click().run()
    alex.run()
    assert "Sam:" in texts(alex)


def test_support_directory_by_country_and_need():
    at = open_app("pages/support.py")
    at.selectbox(key="support_country").select("Ireland").run()
    shown = texts(at)
    assert "112" in shown and "Pieta" in shown
    at.pills(key="support_need").set_value("Find a therapist").run()
    shown = texts(at)
    assert "Pieta" not in shown


def test_the_country_is_remembered_for_the_partner():
    at = create_space(open_app())
    at.switch_page("pages/get_help.py").run()
    at.selectbox(key="get_help_country").select("Canada").run()
    login = open_app("pages/account.py")
    from apphelpers import sign_in
    from helpers import PASS_A

    sign_in(login, "sam", PASS_A)
    login.switch_page("pages/get_help.py").run()
    assert login.selectbox(key="get_help_country").value == "Canada"


def test_care_team_contacts_private_by_default_and_shareable():
    sam, alex = couple()
    sam.switch_page("pages/care_team.py").run()
    sam.selectbox(key="care:role").select("Midwife")
    sam.text_input(key="care:name").input("Jo Brown")
    sam.text_input(key="care:phone").input("01234 567890")
    [save] = [b for b in sam.button if b.label == "Save contact"]
    save.click().run()
    assert "Jo Brown" in texts(sam)
    alex.switch_page("pages/care_team.py").run()
    assert "Jo Brown" not in texts(alex)
    [share] = [b for b in sam.button if b.label == "Share with my partner"]
    share.click().run()
    alex.run()
    assert "Jo Brown" in texts(alex)


def test_a_contact_half_written_waits_while_another_page_is_open():
    at = create_space(open_app())
    at.switch_page("pages/care_team.py").run()
    at.selectbox(key="care:role").select("Midwife")
    at.text_input(key="care:name").input("Jo Brown")
    at.text_area(key="care:notes").input("Ask about the follow-up scan").run()
    at.switch_page("pages/support.py").run()  # to look up a number
    at.switch_page("pages/care_team.py").run()
    assert at.selectbox(key="care:role").value == "Midwife"
    assert at.text_input(key="care:name").value == "Jo Brown"
    assert at.text_area(key="care:notes").value == "Ask about the follow-up scan"
    [save] = [b for b in at.button if b.label == "Save contact"]
    save.click().run()
    assert "Jo Brown" in texts(at)
    assert at.text_input(key="care:name").value == ""  # saved: the form is empty again


def test_care_team_needs_a_name():
    at = create_space(open_app())
    at.switch_page("pages/care_team.py").run()
    [save] = [b for b in at.button if b.label == "Save contact"]
    save.click().run()
    assert any("write a name" in e.value for e in at.error)


def test_check_in_answers_wait_while_get_help_or_the_other_check_in_is_open():
    at = create_space(open_app())
    at.switch_page("pages/checkin.py").run()
    answer_all(at, "phq9", 1, 3)
    at.radio(key="wb:phq9:9").set_value(OPTIONS[1]).run()
    at.switch_page("pages/get_help.py").run()  # straight to the crisis lines, and back
    at.switch_page("pages/checkin.py").run()
    assert [at.radio(key=f"wb:phq9:{i}").value for i in (1, 2, 3, 9)] == [OPTIONS[1]] * 4
    assert "Please talk to someone today" in texts(at)
    assert "5 questions left" in texts(at)
    at.segmented_control(key="wb_which").set_value(at.segmented_control(key="wb_which").options[1])
    at.run()
    at.radio(key="wb:gad7:1").set_value(OPTIONS[2]).run()
    at.segmented_control(key="wb_which").set_value(at.segmented_control(key="wb_which").options[0])
    at.run()
    assert at.radio(key="wb:phq9:1").value == OPTIONS[1]  # the other check-in kept them


def test_a_guests_check_in_answers_are_not_carried_into_a_sign_in():
    at = open_app("pages/checkin.py")  # a guest, on a shared device perhaps
    at.radio(key="wb:phq9:9").set_value(OPTIONS[2]).run()
    at.switch_page("pages/get_help.py").run()
    create_space(at)  # someone makes a space on the same tab
    at.switch_page("pages/checkin.py").run()
    assert at.radio(key="wb:phq9:9").value is None
    assert "Please talk to someone today" not in texts(at)


@pytest.mark.parametrize("leave", ["Sign out", "Lock"])
def test_check_in_answers_left_on_another_page_are_gone_for_the_next_person(leave):
    at = create_space(open_app())
    at.switch_page("pages/checkin.py").run()
    at.radio(key="wb:phq9:9").set_value(OPTIONS[2]).run()
    at.switch_page("pages/care_team.py").run()
    at.text_input(key="care:name").input("Jo Brown").run()
    at.switch_page("pages/support.py").run()  # neither page is open when leaving
    [b for b in at.button if b.label == leave][0].click().run()
    assert not [k for k in at.session_state if str(k).startswith(("wb:", "care:"))]


@pytest.mark.parametrize("leave", ["Sign out", "Lock"])
def test_check_in_answers_are_gone_for_the_next_person_on_the_device(leave):
    at = create_space(open_app())
    at.switch_page("pages/checkin.py").run()
    at.radio(key="wb:phq9:9").set_value(OPTIONS[2]).run()
    assert "Please talk to someone today" in texts(at)
    [b for b in at.button if b.label == leave][0].click().run()
    assert "member" not in at.session_state
    assert "Please talk to someone today" not in texts(at)
    if leave == "Lock":  # the locked screen stands in for the page; the next person:
        [b for b in at.button if b.label == "Someone else is signing in"][0].click().run()
    assert at.radio(key="wb:phq9:9").value is None
    assert "Please talk to someone today" not in texts(at)


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5])
def test_the_chapter_page_labels_its_if_you_only_do_one_prompts(number):
    from workbook.content import ONLY_ONE_LABEL, workbook

    chapter = workbook().chapters[number - 1]
    marked = [p for p in (*chapter.prompts, *chapter.together) if p.only_one]
    at = open_app(f"pages/chapter_{number}.py")
    labels = [c.value for c in at.caption if ONLY_ONE_LABEL in c.value]
    assert len(labels) == len(marked)


def test_the_chart_says_something_useful_with_one_result():
    at = create_space(open_app())
    at.switch_page("pages/checkin.py").run()
    answer_all(at, "phq9", 1, 9)
    [b for b in at.button if b.label == "Keep this in my private history"][0].click().run()
    assert not at.get("vega_lite_chart")  # a single dot says nothing
    assert "When you check in again, a line here shows" in texts(at)
    assert "PHQ-9: " in texts(at)
    answer_all(at, "phq9", 0, 9)
    [b for b in at.button if b.label == "Keep this in my private history"][0].click().run()
    [chart] = at.get("vega_lite_chart")
    # Two check-ins on one day: the axis says the day, not ":20 :25 :30" of its hours.
    assert '"format": "%d %b"' in chart.proto.spec.replace('":"', '": "')


def test_a_damaged_preferences_row_never_keeps_the_numbers_away():
    """Safety: the remembered country is read from the partner's sealed preferences
    before the numbers are drawn; a row that did not open stopped the page."""
    from sqlalchemy import update

    from workbook.tables import preferences
    from workbook.ui.session import db

    from apphelpers import sign_in
    from helpers import PASS_A

    first = create_space(open_app())
    first.switch_page("pages/get_help.py").run()
    first.selectbox(key="get_help_country").select("Canada").run()
    with db().engine.begin() as conn:
        conn.execute(update(preferences).values(prefs_ct=b"not a sealed value"))
    at = sign_in(open_app("pages/account.py"), "sam", PASS_A)  # a new tab reads the row
    at.switch_page("pages/get_help.py").run()
    assert not at.exception, at.exception
    assert at.error[0].value.startswith("**Get help now")
    at.selectbox(key="get_help_country").select("New Zealand").run()  # and remember it
    assert not at.exception, at.exception
    assert "1737" in texts(at)


@pytest.mark.parametrize(
    ("page", "key"), [("support", "support_country"), ("get_help", "get_help_country")]
)
def test_after_a_sign_out_mid_click_the_browser_shows_the_country_the_numbers_are_for(page, key):
    """Safety: a session ended elsewhere signs out at the next click, dropping the country
    just chosen; the browser kept showing it above the default country's numbers (the
    server did not send its value). Now the box is told what the numbers are for."""
    from workbook import spaces
    from workbook.ui.session import db

    from helpers import PASS_A

    sam, _alex = couple()
    sam.context = {"timezone": "Europe/London"}  # the default after the sign-out
    sam.switch_page(f"pages/{page}.py").run()
    sam.selectbox(key=key).select("Ireland").run()
    me = sam.session_state["member"]
    spaces.change_passphrase(
        db(), me, PASS_A, "another long passphrase 9", "another long passphrase 9"
    )
    sam.selectbox(key=key).select("Australia").run()
    assert not sam.exception, sam.exception
    box = sam.selectbox(key=key)
    assert box.proto.set_value  # the browser shows the server's choice...
    assert box.value == "United Kingdom"  # ...which is what the numbers are for
    assert "999" in texts(sam) and "000" not in texts(sam)


def test_a_kept_result_is_kept_once_and_can_be_deleted():
    """The Keep button stayed after keeping, so a second tap kept a copy (a second point
    on the chart); and no single result could be deleted."""
    from workbook import wellbeing
    from workbook.ui.session import db

    at = create_space(open_app())
    at.switch_page("pages/checkin.py").run()
    for i in range(1, 10):
        at.radio(key=f"wb:phq9:{i}").set_value(at.radio(key=f"wb:phq9:{i}").options[1])
    at.run()
    [keep] = [b for b in at.button if b.label == "Keep this in my private history"]
    keep.click().run()
    assert "Kept in your private history, below." in texts(at)
    assert not [b for b in at.button if b.label == "Keep this in my private history"]
    me = at.session_state["member"]
    [result] = wellbeing.history(db(), me)
    at.button(key=f"wb-del:{result.id}").click().run()
    assert not at.exception, at.exception
    assert wellbeing.history(db(), me) == []
    assert "Deleted." in texts(at)


def test_deleting_a_care_team_contact_asks_first_and_says_so():
    at = create_space(open_app())
    at.switch_page("pages/care_team.py").run()
    at.text_input(key="care:name").input("Jo Brown")
    [save] = [b for b in at.button if b.label == "Save contact"]
    save.click().run()
    assert "Delete this contact? This cannot be undone." in texts(at)
    [yes] = [b for b in at.button if b.label == "Yes, delete it"]
    yes.click().run()
    assert "Jo Brown" not in texts(at)
    assert "Contact deleted." in texts(at)


def test_a_contacts_phone_number_is_one_tap_to_call_and_nothing_else():
    from workbook.ui.support import tel_link

    assert tel_link("+44 (0)1234 567-890") == "tel:+4401234567890"
    assert tel_link("javascript:alert(1)") == ""
    assert tel_link("ask at reception") == ""
    at = create_space(open_app())
    at.switch_page("pages/care_team.py").run()
    at.text_input(key="care:name").input("Jo Brown")
    at.text_input(key="care:phone").input("01234 567890")
    [save] = [b for b in at.button if b.label == "Save contact"]
    save.click().run()
    assert "[01234 567890](tel:01234567890)" in [m.value for m in at.markdown]


def test_after_delete_everything_the_same_answers_can_be_kept_again():
    """ "Kept" stayed after the history was emptied, with no button to keep them again."""
    at = create_space(open_app())
    at.switch_page("pages/checkin.py").run()
    answer_all(at, "phq9", 1, 9)
    [b for b in at.button if b.label == "Keep this in my private history"][0].click().run()
    at.switch_page("pages/your_data.py").run()
    [sure] = [c for c in at.checkbox if c.key == "del_mine_ok"]
    sure.check().run()
    [delete] = [b for b in at.button if b.label == "Delete everything I wrote"]
    delete.click().run()
    at.switch_page("pages/checkin.py").run()
    answer_all(at, "phq9", 1, 9)
    assert [b for b in at.button if b.label == "Keep this in my private history"]
