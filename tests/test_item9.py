"""The PHQ-9 item-9 rule, in every band and every place a result appears.

Whenever item 9 ("thoughts that you would be better off dead or of hurting yourself")
is above "Not at all", the band's meaning and next step never show: the crisis words
replace them on the page, in the saved history, in the chart's labels and in every
export (content-facts.md, section 8: never a "you're fine" message then).
"""

from __future__ import annotations

import io
from datetime import datetime

import pytest
import textstat
from pypdf import PdfReader

from workbook import checkin, export, spaces, wellbeing
from workbook.content import workbook
from workbook.pdf import to_pdf
from workbook.sealed import SHARED

from apphelpers import button, create_space, fresh_install, open_app, texts  # noqa: F401
from helpers import join, make_space

PHQ9 = checkin.questionnaire("phq9")
SAFETY = checkin.questionnaires().safety
OPTIONS = [o.label for o in PHQ9.options]


def answers_for(total: int, item9: int) -> list[int]:
    """Nine answers adding up to ``total`` with the ninth fixed at ``item9``."""
    answers, left = [0] * 9, total - item9
    for i in range(8):
        answers[i] = min(3, left)
        left -= answers[i]
    answers[8] = item9
    assert left == 0 and sum(answers) == total, (total, item9)
    return answers


def cases() -> list[tuple[checkin.Band, int, int]]:
    """(band, item 9 answer, total): each band's lowest and highest total it can reach."""
    out = []
    for band in PHQ9.bands:
        for item9 in (1, 2, 3):
            low, high = max(band.min, item9), min(band.max, 24 + item9)
            out += [(band, item9, low), (band, item9, high)]
    return out


CASES = cases()
IDS = [f"{b.label}-item9={i}-total={t}" for b, i, t in CASES]


def assert_no_band_words(text: str, band: checkin.Band) -> None:
    assert band.meaning not in text
    assert band.next_step not in text
    assert f"({band.label}" not in text and f": {band.label}" not in text


def test_every_band_is_reachable_with_item_9_above_0():
    assert {b.label for b, _, _ in CASES} == {b.label for b in PHQ9.bands}


@pytest.mark.parametrize(("band", "item9", "total"), CASES, ids=IDS)
def test_the_outcome_is_the_crisis_step_in_every_band(band, item9, total):
    result = checkin.score("phq9", answers_for(total, item9))
    assert result.band == band  # the band itself is still worked out
    said = result.outcome
    assert said.urgent
    assert (said.label, said.meaning, said.next_step) == (
        SAFETY.label,
        SAFETY.meaning,
        SAFETY.next_step,
    )
    assert band.meaning != said.meaning and band.next_step != said.next_step


@pytest.mark.parametrize("band", PHQ9.bands, ids=lambda b: b.label)
def test_with_item_9_at_0_the_band_speaks(band):
    total = min(band.max, 24)
    said = checkin.score("phq9", answers_for(total, 0)).outcome
    assert not said.urgent
    assert (said.label, said.meaning, said.next_step) == (band.label, band.meaning, band.next_step)


def test_gad7_results_keep_their_band():
    said = checkin.score("gad7", [0] * 7).outcome
    assert not said.urgent and said.label == "minimal"


def test_the_crisis_words_are_plain_gentle_and_hold_no_number():
    words = f"{SAFETY.meaning} {SAFETY.next_step}"
    assert not any(ch.isdigit() for ch in words + SAFETY.label)
    assert textstat.flesch_kincaid_grade(words) <= 8
    assert "today" in SAFETY.next_step and "Call" in SAFETY.next_step
    for reassurance in ("no symptoms", "minimal", "Keep looking after"):
        assert reassurance not in words


# --- saved history, chart labels and exports -------------------------------------------


@pytest.fixture
def couple(db):
    sam = make_space(db).member
    alex = join(db, spaces.create_invite(db, sam)).member
    return sam, alex


@pytest.mark.parametrize(("band", "item9", "total"), CASES[::2], ids=IDS[::2])
def test_history_chart_and_every_export_carry_the_crisis_label(db, couple, band, item9, total):
    sam, alex = couple
    saved = wellbeing.save(db, sam, checkin.score("phq9", answers_for(total, item9)), SHARED)
    for reader in (sam, alex):
        [seen] = wellbeing.history(db, reader)
        assert seen.outcome.urgent and seen.outcome.label == SAFETY.label
        line = wellbeing.summary(seen)
        assert SAFETY.label in line and f"score {total}" in line
        assert_no_band_words(line, band)
    [row] = wellbeing.chart_rows(wellbeing.history(db, sam), lambda m: m)
    assert row["what it means"] == SAFETY.label and row["score"] == total

    book = workbook()
    entries = export.collect(db, sam, book)
    extra = export.other_lines(db, sam)
    [check_line] = extra["Wellbeing check-ins"]
    assert SAFETY.label in check_line
    assert_no_band_words(check_line, band)
    title, subtitle = export.heading_for(sam, datetime(2026, 12, 1))
    md = export.to_markdown(entries, title, subtitle, extra)
    assert "please talk to someone today" in md
    assert_no_band_words(md, band)
    pdf_text = " ".join(
        p.extract_text()
        for p in PdfReader(io.BytesIO(to_pdf(entries, title, subtitle, extra))).pages
    )
    assert "please talk to someone today" in " ".join(pdf_text.split())
    assert_no_band_words(" ".join(pdf_text.split()), band)
    csv_text = export.to_csv(entries).decode("utf-8-sig")
    assert_no_band_words(csv_text, band)
    summary_md, summary_pdf = export.therapy_summary(entries, sam, datetime(2026, 12, 1), [], [])
    assert_no_band_words(summary_md, band)
    assert saved.band_label == band.label  # what was stored is unchanged; only shown differently


def test_an_old_saved_row_with_a_reassuring_band_is_shown_with_the_crisis_label(db, couple):
    """Rows saved before this rule still carry the band: the label is worked out on read."""
    sam, _ = couple
    wellbeing.save(db, sam, checkin.score("phq9", answers_for(1, 1)))
    [seen] = wellbeing.history(db, sam)
    assert seen.band_label == "none to minimal"
    assert "none to minimal" not in wellbeing.summary(seen)


# --- the page ---------------------------------------------------------------------------


def in_page_order(at) -> str:
    """Every text element's value, in the order the page draws them."""
    out: list[str] = []

    def walk(node) -> None:
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for key in sorted(children):
                walk(children[key])
        elif hasattr(node, "value") and isinstance(node.value, str):
            out.append(node.value)

    walk(at._tree)
    return "\n".join(out)


def answer(at, answers: list[int]) -> None:
    for i, value in enumerate(answers, start=1):
        at.radio(key=f"wb:phq9:{i}").set_value(OPTIONS[value])
    at.run()


@pytest.mark.usefixtures("fresh_install")
@pytest.mark.parametrize("band", PHQ9.bands, ids=lambda b: b.label)
def test_the_page_never_shows_the_band_words_after_a_self_harm_answer(band):
    at = create_space(open_app())
    at.switch_page("pages/checkin.py").run()
    total = max(band.min, 1)
    answer(at, answers_for(total, 1))
    shown = texts(at)
    assert SAFETY.meaning in shown and SAFETY.next_step in shown
    assert band.meaning not in shown and band.next_step not in shown
    in_order = in_page_order(at)
    assert in_order.index(SAFETY.meaning) < in_order.index(f"Score: {total} out of 27")
    button(at, "Keep this in my private history").click().run()
    shown = texts(at)
    assert f"PHQ-9: {SAFETY.label} (score {total})" in shown
    assert_no_band_words(shown, band)


@pytest.mark.usefixtures("fresh_install")
def test_before_sharing_a_self_harm_result_the_page_says_what_the_partner_will_see():
    at = create_space(open_app())
    at.switch_page("pages/checkin.py").run()
    answer(at, answers_for(2, 1))
    button(at, "Keep this in my private history").click().run()
    assert "your partner will see that you have had thoughts" in texts(at)
    button(at, "Share with my partner").click().run()
    assert "your partner will see that you have had thoughts" not in texts(at)


@pytest.mark.usefixtures("fresh_install")
def test_keeping_a_result_after_the_space_changed_is_refused_without_an_error_page(
    monkeypatch,
):
    """A partner left (or a key was renewed) between the session's check and the write:
    the write refuses, kindly, and the page stays a page (the refusal escaped the
    button's callback and replaced it, Get help now among it, with Streamlit's error)."""
    from sqlalchemy import update

    from workbook.tables import spaces as spaces_table
    from workbook.ui.session import db

    at = create_space(open_app())
    at.switch_page("pages/checkin.py").run()
    answer(at, answers_for(2, 1))
    me = at.session_state["member"]
    with db().engine.begin() as conn:
        conn.execute(update(spaces_table).values(rotate_due=True))
    monkeypatch.setattr(spaces, "session_valid", lambda *_: True)  # checked just before
    button(at, "Keep this in my private history").click().run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["A wellbeing check-in"]
    assert "Your space changed since you signed in" in texts(at)
    assert wellbeing.history(db(), me) == []
    assert SAFETY.meaning in texts(at)  # the crisis words stay on screen


@pytest.mark.usefixtures("fresh_install")
def test_a_partner_sees_what_a_shared_self_harm_answer_means_and_what_to_do():
    """The partner saw only "PHQ-9: please talk to someone today (score 4)": an order
    with no word of what it meant, and no way to the crisis lines."""
    from apphelpers import couple

    sam, alex = couple()
    sam.switch_page("pages/checkin.py").run()
    links_before = _help_links(sam)
    alex.switch_page("pages/checkin.py").run()
    answer(alex, answers_for(2, 1))
    button(alex, "Keep this in my private history").click().run()
    button(alex, "Share with my partner").click().run()
    sam.switch_page("pages/checkin.py").run()
    shown = texts(sam)
    assert "Alex shared a check-in in which they said they have had thoughts of being" in shown
    [line] = [t.value for t in sam.text if t.value.startswith("Alex: ")]
    assert line.endswith("PHQ-9 (score 2)"), line
    assert _help_links(sam) == links_before + 1  # one under the warning


def _help_links(at) -> int:
    return [str(x.proto.label) for x in at.get("page_link")].count("Get help now")
