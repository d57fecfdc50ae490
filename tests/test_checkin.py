"""The PHQ-9 and GAD-7 check-ins: exact wording, every band edge, the item-9 safety rule."""

import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import textstat

from workbook.checkin import (
    CHECK_AGAIN_AFTER,
    QUESTIONNAIRES_FILE,
    ContentError,
    due_again,
    load_questionnaires,
    questionnaire,
    questionnaires,
    score,
)

LICENCE = (
    "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, "
    "with an educational grant from Pfizer Inc. No permission required to reproduce, "
    "translate, display or distribute."
)
OPTIONS = ["Not at all", "Several days", "More than half the days", "Nearly every day"]
DIFFICULTY = ["Not difficult at all", "Somewhat difficult", "Very difficult", "Extremely difficult"]


def answers_totalling(total: int, count: int, item9: int | None = None) -> list[int]:
    """Answers for ``count`` items that add up to ``total``, filling from the first item.

    With ``item9`` set, the ninth answer is fixed and the rest make up the total.
    """
    answers = [0] * count
    left = total - (item9 or 0)
    for i in range(count):
        if item9 is not None and i == 8:
            continue
        answers[i] = min(3, left)
        left -= answers[i]
    if item9 is not None:
        answers[8] = item9
    assert sum(answers) == total and left == 0, (total, answers)
    return answers


# --- the shipped file ------------------------------------------------------------------


def test_the_shipped_file_loads_with_both_questionnaires():
    text = load_questionnaires(QUESTIONNAIRES_FILE)
    assert [q.id for q in text.questionnaires] == ["phq9", "gad7"]
    assert [len(q.items) for q in text.questionnaires] == [9, 7]
    assert text.screening_note
    assert questionnaires() is questionnaires()


@pytest.mark.parametrize("qid", ["phq9", "gad7"])
def test_each_questionnaire_carries_the_licence_line_exactly(qid):
    assert questionnaire(qid).licence == LICENCE


@pytest.mark.parametrize("qid", ["phq9", "gad7"])
def test_each_questionnaire_offers_the_four_standard_answers_scored_0_to_3(qid):
    q = questionnaire(qid)
    assert [o.label for o in q.options] == OPTIONS
    assert [o.score for o in q.options] == [0, 1, 2, 3]
    assert q.difficulty_options == tuple(DIFFICULTY)


@pytest.mark.parametrize(
    ("qid", "stem"),
    [
        (
            "phq9",
            "Over the last 2 weeks, how often have you been bothered by any of the following "
            "problems?",
        ),
        (
            "gad7",
            "Over the last 2 weeks, how often have you been bothered by the following problems?",
        ),
    ],
)
def test_the_stem_is_worded_exactly_as_on_the_form(qid, stem):
    assert questionnaire(qid).stem == stem


@pytest.mark.parametrize(
    ("qid", "number", "wording"),
    [
        ("phq9", 1, "Little interest or pleasure in doing things"),
        ("phq9", 2, "Feeling down, depressed, or hopeless"),
        (
            "phq9",
            6,
            "Feeling bad about yourself — or that you are a failure or have let yourself or "
            "your family down",
        ),
        (
            "phq9",
            8,
            "Moving or speaking so slowly that other people could have noticed? Or the "
            "opposite — being so fidgety or restless that you have been moving around a lot "
            "more than usual",
        ),
        (
            "phq9",
            9,
            "Thoughts that you would be better off dead or of hurting yourself in some way",
        ),
        ("gad7", 1, "Feeling nervous, anxious, or on edge"),
        ("gad7", 2, "Not being able to stop or control worrying"),
        ("gad7", 5, "Being so restless that it is hard to sit still"),
        ("gad7", 7, "Feeling afraid, as if something awful might happen"),
    ],
)
def test_items_are_worded_exactly_as_on_the_form_and_in_order(qid, number, wording):
    assert questionnaire(qid).items[number - 1] == wording


@pytest.mark.parametrize("qid", ["phq9", "gad7"])
def test_the_difficulty_question_is_there_but_never_scored(qid):
    q = questionnaire(qid)
    assert q.difficulty_question.startswith("If you checked off any problems, how difficult")
    assert len(score(qid, [0] * len(q.items)).answers) == len(q.items)


@pytest.mark.parametrize("qid", ["phq9", "gad7"])
def test_each_questionnaire_names_its_source(qid):
    source = questionnaire(qid).source
    assert source.url.startswith("https://")
    assert ("PHQ-9" if qid == "phq9" else "GAD-7") in source.title


@pytest.mark.parametrize("qid", ["phq9", "gad7"])
def test_results_are_worded_as_screening_never_as_a_diagnosis(qid):
    for band in questionnaire(qid).bands:
        assert band.meaning.startswith("Your answers suggest"), band
        for words in (band.meaning, band.next_step):
            assert "!" not in words
            assert not re.search(
                r"\byou (have|are suffering from) (depression|anxiety|mild|moderate|severe)\b",
                words,
                re.IGNORECASE,
            )
    assert "not a diagnosis" in questionnaires().screening_note


@pytest.mark.parametrize("qid", ["phq9", "gad7"])
def test_what_a_result_means_is_easy_to_read(qid):
    for band in questionnaire(qid).bands:
        assert textstat.flesch_kincaid_grade(f"{band.meaning} {band.next_step}") <= 8, band


@pytest.mark.parametrize("qid", ["phq9", "gad7"])
def test_next_steps_grow_from_checking_again_to_seeing_someone_soon(qid):
    bands = questionnaire(qid).bands
    assert "check in again in two weeks" in bands[0].next_step
    assert "soon" in bands[-1].next_step
    assert "doctor" in bands[-1].next_step and "therapist" in bands[-1].next_step


# --- every band boundary -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "label"),
    [
        (0, "none to minimal"),
        (4, "none to minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately severe"),
        (19, "moderately severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_totals_at_each_band_edge_land_in_the_right_band(total, label):
    # item 9 stays 0 unless the total cannot be reached without it (27)
    answers = answers_totalling(total, 9, item9=0 if total <= 24 else 3)
    result = score("phq9", answers)
    assert (result.total, result.band.label, result.max_total) == (total, label, 27)
    assert result.needs_crisis_support is (total == 27)


@pytest.mark.parametrize(
    ("total", "label"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_totals_at_each_band_edge_land_in_the_right_band(total, label):
    result = score("gad7", answers_totalling(total, 7))
    assert (result.total, result.band.label, result.max_total) == (total, label, 21)
    assert result.needs_crisis_support is False


def test_the_result_keeps_the_answers_as_given():
    answers = [0, 1, 2, 3, 0, 1, 2, 3, 0]
    result = score("phq9", answers)
    assert result.answers == tuple(answers)
    assert result.questionnaire_id == "phq9"
    assert result.total == 12


# --- the item 9 safety rule --------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "crisis", "label"),
    [
        ([0, 0, 0, 0, 0, 0, 0, 0, 1], True, "none to minimal"),
        ([0, 0, 0, 0, 0, 0, 0, 0, 3], True, "none to minimal"),
        ([3, 3, 3, 3, 3, 3, 3, 3, 2], True, "severe"),
        ([3, 3, 3, 3, 3, 3, 3, 3, 0], False, "severe"),
        ([1, 0, 0, 0, 0, 0, 0, 0, 0], False, "none to minimal"),
    ],
    ids=["item9-1-total-1", "item9-3-total-3", "item9-2-total-26", "item9-0-total-24", "low"],
)
def test_any_item_9_answer_above_0_asks_for_crisis_support_whatever_the_total(
    answers, crisis, label
):
    result = score("phq9", answers)
    assert result.needs_crisis_support is crisis
    assert result.band.label == label


def test_a_high_total_with_item_9_at_0_is_the_top_band_without_the_crisis_flag():
    result = score("phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0])
    assert result.total == 24
    assert result.band is questionnaire("phq9").bands[-1]
    assert result.needs_crisis_support is False


def test_gad7_never_asks_for_crisis_support_on_its_own():
    assert score("gad7", [3] * 7).needs_crisis_support is False


def test_the_safety_message_uses_placeholders_and_never_a_phone_number():
    safety = questionnaires().safety
    assert "{crisis_line}" in safety.text and "{emergency}" in safety.text
    assert not re.search(r"\d", safety.title + safety.text)
    shown = safety.render(crisis_line="CRISIS", emergency="EMERGENCY")
    assert shown.startswith("Call CRISIS now, or EMERGENCY if you are in danger.")
    assert "Your partner cannot see this answer." in shown
    assert safety.title == "Please talk to someone today"


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("qid", "answers", "message"),
    [
        ("epds", [0] * 10, r"Unknown questionnaire 'epds': use one of phq9, gad7"),
        ("PHQ9", [0] * 9, r"Unknown questionnaire 'PHQ9'"),
        ("phq9", [0] * 8, r"PHQ-9 needs 9 answers, one for each item, not 8"),
        ("phq9", [0] * 10, r"PHQ-9 needs 9 answers, one for each item, not 10"),
        ("gad7", [], r"GAD-7 needs 7 answers, one for each item, not 0"),
        (
            "gad7",
            [0, 0, 4, 0, 0, 0, 0],
            r"GAD-7 answer 3 must be a whole number from 0 to 3, not 4",
        ),
        ("phq9", [-1] + [0] * 8, r"PHQ-9 answer 1 must be a whole number from 0 to 3, not -1"),
        ("phq9", [0] * 8 + [1.5], r"answer 9 must be a whole number from 0 to 3, not 1\.5"),
        ("phq9", [0] * 8 + ["2"], r"answer 9 must be a whole number from 0 to 3, not '2'"),
        ("gad7", [True] + [0] * 6, r"answer 1 must be a whole number from 0 to 3, not True"),
        ("gad7", "0000000", r"GAD-7 answers must be a list of numbers"),
        ("gad7", None, r"GAD-7 answers must be a list of numbers"),
    ],
)
def test_bad_input_is_refused_with_a_message_saying_what_is_wrong(qid, answers, message):
    with pytest.raises(ValueError, match=message):
        score(qid, answers)


# --- checking again --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("after", "due"),
    [
        (timedelta(0), False),
        (timedelta(days=13, hours=23, minutes=59), False),
        (timedelta(days=14), True),
        (timedelta(days=30), True),
        (timedelta(days=-1), False),
    ],
)
def test_a_check_in_is_due_again_after_two_weeks(after, due):
    last = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    assert CHECK_AGAIN_AFTER == timedelta(days=14)
    assert due_again(last, last + after) is due


def test_mixing_a_time_zone_and_no_time_zone_is_refused():
    with pytest.raises(ValueError, match="both have a time zone"):
        due_again(datetime(2026, 3, 1), datetime(2026, 3, 20, tzinfo=UTC))


# --- a broken file -------------------------------------------------------------------------


@pytest.fixture
def broken_copy(tmp_path) -> Path:
    target = tmp_path / "questionnaires.toml"
    shutil.copy(QUESTIONNAIRES_FILE, target)
    return target


def _edit(path: Path, section: str, old: str, new: str) -> None:
    """Replace the first ``old`` inside one questionnaire's part of the file."""
    text = path.read_text(encoding="utf-8")
    head, gad7 = text.split("\n[gad7]\n", 1)
    if section == "phq9":
        assert old in head, old
        head = head.replace(old, new, 1)
    else:
        assert old in gad7, old
        gad7 = gad7.replace(old, new, 1)
    path.write_text(head + "\n[gad7]\n" + gad7, encoding="utf-8")


@pytest.mark.parametrize(
    ("section", "old", "new", "field", "problem"),
    [
        ("phq9", "min = 10\n", "min = 11\n", "phq9.bands[3].min", "leaves a gap"),
        ("gad7", "min = 15\n", "min = 14\n", "gad7.bands[4].min", "overlaps the band before"),
        ("phq9", "max = 27\n", "max = 26\n", "phq9.bands", "must reach the highest total"),
        ("gad7", "max = 21\n", "max = 22\n", "gad7.bands[4].max", "must not pass the highest"),
        ("phq9", '  "Poor appetite or overeating",\n', "", "phq9.items", "must have 9 items"),
        ("gad7", '  "Trouble relaxing",\n', "", "gad7.items", "must have 7 items, not 6"),
        ("phq9", "score = 3\n", "score = 4\n", "phq9.options", "scored 0, 1, 2, 3"),
        ("gad7", "score = 1\n", 'score = "1"\n', "gad7.options[2].score", "whole number"),
        ("phq9", "\nlicence =", "\nlicense =", "phq9.licence", "is missing"),
        (
            "phq9",
            'meaning = "Your answers suggest mild',
            'meaning = "You have mild',
            "phq9.bands[2].meaning",
            "screening, not diagnosis",
        ),
    ],
    ids=[
        "gap",
        "overlap",
        "short-of-max",
        "past-max",
        "8-phq-items",
        "6-gad-items",
        "score-4",
        "score-text",
        "licence-typo",
        "diagnosis",
    ],
)
def test_a_broken_copy_of_the_file_names_the_file_and_field(
    broken_copy, section, old, new, field, problem
):
    _edit(broken_copy, section, old, new)
    with pytest.raises(ContentError) as err:
        load_questionnaires(broken_copy)
    assert (err.value.file, err.value.field) == ("questionnaires.toml", field)
    assert problem in err.value.problem
    assert f"questionnaires.toml: chapter '-': field '{field}'" in str(err.value)


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("Call {crisis_line}", "Call us", "exactly the placeholders"),
        ("{emergency} if", "{emergency} or {urgent_line} if", "exactly the placeholders"),
        ("in danger.", "in danger (dial 999).", "must not hold a number"),
    ],
)
def test_the_safety_message_is_refused_if_it_loses_a_placeholder_or_holds_a_number(
    broken_copy, old, new, problem
):
    text = broken_copy.read_text(encoding="utf-8")
    assert old in text
    broken_copy.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ContentError, match=rf"field 'safety\.text': .*{re.escape(problem)}"):
        load_questionnaires(broken_copy)


def test_an_unknown_questionnaire_in_the_file_is_refused(broken_copy):
    with broken_copy.open("a", encoding="utf-8") as fh:
        fh.write('\n[epds]\nname = "EPDS"\n')
    with pytest.raises(ContentError, match="field 'epds': is not a known"):
        load_questionnaires(broken_copy)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ContentError, match="questionnaires.toml.*cannot be read"):
        load_questionnaires(tmp_path / "questionnaires.toml")


@pytest.mark.parametrize("qid", ["phq9", "gad7"])
def test_the_licence_line_says_where_it_was_checked(qid):
    source = questionnaire(qid).licence_source
    assert source.url.startswith("https://") and "Pfizer" in source.title
    raw = QUESTIONNAIRES_FILE.read_text(encoding="utf-8")
    assert "no permission is required to reproduce" in raw  # the quoted statement is kept
