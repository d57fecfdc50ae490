"""The workbook content: every shipped file valid, broken files named clearly."""

import dataclasses
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import textstat

from workbook import text
from workbook.content import PROMPTS_DIR, ContentError, load_workbook, workbook
from workbook.guide import guide
from workbook.resources import directory, urgent

from helpers import shared_dir

CHAPTER_IDS = ["body", "heart", "talking", "support", "therapist"]


def test_the_shipped_workbook_has_five_chapters_in_order():
    assert [c.id for c in workbook().chapters] == CHAPTER_IDS
    assert [c.number for c in workbook().chapters] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("chapter", workbook().chapters, ids=lambda c: c.id)
def test_each_chapter_has_everything_a_chapter_needs(chapter):
    assert len(chapter.prompts) >= 4
    assert len(chapter.together) >= 3
    assert all(t.follow_up for t in chapter.together)
    assert chapter.exercise.title and chapter.exercise.text
    assert chapter.get_help and chapter.why_it_matters and chapter.covers


@pytest.mark.parametrize("chapter", workbook().chapters, ids=lambda c: c.id)
def test_both_partners_get_prompts_of_their_own(chapter):
    audiences = {p.audience for p in chapter.prompts}
    assert {"pregnant", "partner"} <= audiences


@pytest.mark.parametrize("chapter", workbook().chapters, ids=lambda c: c.id)
def test_passages_are_easy_to_read(chapter):
    assert textstat.flesch_kincaid_grade(chapter.why_it_matters) <= 8


@pytest.mark.parametrize("chapter", workbook().chapters, ids=lambda c: c.id)
def test_no_cheer_and_no_blame_words(chapter):
    words = " ".join(
        [
            chapter.why_it_matters,
            chapter.more,
            chapter.get_help,
            chapter.exercise.text,
            *(p.text for p in chapter.prompts),
            *(t.text + t.follow_up for t in chapter.together),
        ]
    )
    assert "!" not in words
    for banned in (
        "husband",
        "wife",
        "products of conception",
        "at least it was early",
        "everything happens for a reason",
        "move on",
        "spontaneous abortion",
    ):
        assert not re.search(rf"\b{banned}\b", words, re.IGNORECASE), banned


def says(chapter, point) -> bool:
    """True when one paragraph of the chapter's own text holds all the point's evidence."""
    return any(
        all(re.search(pattern, para, re.IGNORECASE) for pattern in point.evidence)
        for para in chapter.paragraphs()
    )


def test_every_point_of_the_article_is_said_in_some_chapter_text():
    book = workbook()
    unsaid = [p.id for p in book.points if not any(says(c, p) for c in book.chapters)]
    assert not unsaid


@pytest.mark.parametrize("chapter", workbook().chapters, ids=lambda c: c.id)
def test_a_chapter_covers_only_points_its_text_says(chapter):
    points = {p.id: p for p in workbook().points}
    assert [pid for pid in chapter.covers if not says(chapter, points[pid])] == []


def test_the_coverage_check_reads_the_text_not_the_list():
    """The issue's case: chapter 2 must say 'miscarriage is common' and 'early' itself."""
    book = workbook()
    point = next(p for p in book.points if p.id == "miscarriage-common")
    heart = book.chapter("heart")
    assert says(heart, point)
    stripped = dataclasses.replace(
        heart, why_it_matters=heart.why_it_matters.replace("Miscarriage is common", "")
    )
    assert not says(stripped, point)


def test_every_fact_names_a_source_from_the_fact_sheet():
    """A chapter's or a help page's source must be a page the fact sheet checked."""
    shared = shared_dir()
    if shared is None:
        pytest.skip("the shared design folder is not beside this checkout")
    sheet = (shared / "design" / "content-facts.md").read_text(encoding="utf-8")
    allowed = sheet.split("## 9.")[0]  # section 9 is the do-not-use list
    urls = [(c.id, s.url) for c in workbook().chapters for s in c.sources]
    urls += [("guide", s.url) for sec in guide().sections for s in sec.sources]
    urls += [("urgent", s.url) for s in urgent().sources]
    assert [(where, url) for where, url in urls if url not in allowed] == []


EDITOR_WORDS = (
    "could confirm",
    "could not confirm",
    "news pages",
    "secondary pages",
    "re-check",
    "before release",
    "not confirmed",
    "perinatal mental health team",
    "the article this workbook",
)


def test_no_editing_notes_and_no_unconfirmed_services_on_screen():
    shown = [
        *(para for c in workbook().chapters for para in c.paragraphs()),
        *(f"{sec.heading} {sec.body}" for sec in guide().sections),
        *(f"{r.name} {r.offers} {r.note} {r.hours}" for r in directory().resources),
    ]
    for words_on_screen in shown:
        for words in EDITOR_WORDS:
            assert words not in words_on_screen.lower(), (words, words_on_screen)


@pytest.mark.parametrize("r", directory().resources, ids=lambda r: r.name)
def test_what_each_service_offers_is_easy_to_read(r):
    assert textstat.flesch_kincaid_grade(r.offers) <= 8


class Filled(dict):
    """Placeholder values for a message: known ones by name, any other as the number 2."""

    def __missing__(self, key: str) -> int:
        return 2


UI_STRINGS = {k: v for k, v in vars(text).items() if k.isupper() and isinstance(v, str)}


@pytest.mark.parametrize("name", sorted(UI_STRINGS))
def test_every_message_in_text_py_is_easy_to_read(name):
    message = UI_STRINGS[name].format_map(Filled(partner="Alex", duration="a minute"))
    assert textstat.flesch_kincaid_grade(message) <= 8, message


def test_the_crisis_and_warning_words_are_easy_to_read():
    signs = urgent()
    for words in (signs.intro, signs.later_intro, signs.non_urgent):
        assert textstat.flesch_kincaid_grade(words) <= 8, words


def test_every_fact_beyond_the_article_names_a_source():
    for chapter in workbook().chapters:
        for source in chapter.sources:
            assert source.url.startswith("http"), (chapter.id, source)


def test_nothing_copies_the_article():
    shared = shared_dir()
    tool = shared / "tools" / "seed-overlap" if shared else None
    if tool is None or not tool.exists():
        pytest.skip("the shared tools are not beside this checkout")
    result = subprocess.run(
        [str(tool), str(PROMPTS_DIR.parent)], capture_output=True, text=True, timeout=60
    )
    assert result.stdout == "", result.stdout


@pytest.fixture
def copy_of_prompts(tmp_path) -> Path:
    target = tmp_path / "prompts"
    shutil.copytree(PROMPTS_DIR, target)
    return target


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_missing_field_names_the_file_chapter_and_field(copy_of_prompts):
    path = copy_of_prompts / "02-heart.toml"
    _replace(path, "\ntitle =", "\ntitle_typo =")
    with pytest.raises(ContentError) as err:
        load_workbook(copy_of_prompts)
    assert (err.value.file, err.value.chapter, err.value.field) == (
        "02-heart.toml",
        "heart",
        "title",
    )
    assert "02-heart.toml: chapter 'heart': field 'title': is missing" in str(err.value)


def test_a_bad_audience_names_the_prompt(copy_of_prompts):
    path = copy_of_prompts / "01-body.toml"
    _replace(path, 'for = "everyone"', 'for = "mum"')
    with pytest.raises(
        ContentError,
        match=r"01-body.toml: chapter 'body': field 'prompts\[\d+\]"
        r"\.for': must be one of",
    ):
        load_workbook(copy_of_prompts)


def test_broken_toml_names_the_file(copy_of_prompts):
    (copy_of_prompts / "03-talking.toml").write_text("id = 'talking\n", encoding="utf-8")
    with pytest.raises(ContentError, match="03-talking.toml.*not valid TOML"):
        load_workbook(copy_of_prompts)


def test_too_few_together_prompts_is_refused(copy_of_prompts):
    path = copy_of_prompts / "04-support.toml"
    text = path.read_text(encoding="utf-8")
    head, *blocks = text.split("[[together]]")
    kept = [b for b in blocks[:2]]
    tail = blocks[-1].split("\n[", 1)
    rest = "\n[" + tail[1] if len(tail) > 1 else ""
    path.write_text(head + "".join("[[together]]" + b for b in kept) + rest, encoding="utf-8")
    with pytest.raises(ContentError, match="field 'together': needs at least 3"):
        load_workbook(copy_of_prompts)


def test_an_unknown_article_point_is_refused(copy_of_prompts):
    path = copy_of_prompts / "05-therapist.toml"
    _replace(path, "covers = [", 'covers = ["made-up-point", ')
    with pytest.raises(ContentError, match="unknown point 'made-up-point'"):
        load_workbook(copy_of_prompts)


def test_a_prompt_id_used_twice_is_refused(copy_of_prompts):
    first = workbook().chapters[0].prompts[0].id
    second = workbook().chapters[1].prompts[0].id
    _replace(copy_of_prompts / "02-heart.toml", f'"{second}"', f'"{first}"')
    with pytest.raises(ContentError, match=f"'{first}' also used"):
        load_workbook(copy_of_prompts)


# --- the prompts themselves ------------------------------------------------------------

YES_NO_STEMS = (
    "is",
    "are",
    "am",
    "do",
    "does",
    "did",
    "have",
    "has",
    "had",
    "would",
    "could",
    "can",
    "will",
    "should",
    "was",
    "were",
    "shall",
    "may",
    "might",
)
MAX_YES_NO = 3


def first_question(text: str) -> str:
    """The first sentence of a prompt that asks something (ends in a question mark)."""
    sentences = re.findall(r"[^.?]*\?", text)
    return sentences[0].strip() if sentences else text


def test_at_most_a_few_prompts_start_with_a_yes_no_question():
    closed = [
        p.id
        for c in workbook().chapters
        for p in (*c.prompts, *c.together)
        if first_question(p.text).split()[0].lower().strip('"') in YES_NO_STEMS
    ]
    assert len(closed) <= MAX_YES_NO, closed


def test_the_yes_no_count_would_catch_a_closed_prompt():
    assert first_question("Are you carrying guilt? Write it down.").split()[0] == "Are"
    assert (
        first_question("Some feel guilt. If you do, what does it say?")
        == "If you do, what does it say?"
    )


@pytest.mark.parametrize(
    "words", ["if you let them", "is guilt still with you", "is there anything about how your"]
)
def test_no_wording_presumes_how_someone_feels(words):
    text = " ".join(para for c in workbook().chapters for para in c.paragraphs()).lower()
    assert words not in text


@pytest.mark.parametrize("chapter", workbook().chapters, ids=lambda c: c.id)
def test_each_chapter_marks_one_or_two_if_you_only_do_one(chapter):
    marked = [p.id for p in (*chapter.prompts, *chapter.together) if p.only_one]
    assert 1 <= len(marked) <= 2, marked


def test_the_prompts_a_grieving_couple_would_miss_are_there():
    book = workbook()
    body, heart = book.chapter("body"), book.chapter("heart")
    words = body.prompts[0]
    assert words.id == "body-own-words" and words.audience == "everyone"
    assert '"our baby"' in words.text and '"the pregnancy"' in words.text
    trying = body.prompt("body-together-5")
    assert "not trying again" in trying.text and "some couples decide not to" in trying.follow_up
    marking = heart.prompt("heart-together-5")
    assert "planting a tree" in marking.text and "Doing nothing" in marking.follow_up


def test_chapter_3_asks_about_small_acts_at_most_twice():
    talking = workbook().chapter("talking")
    asks = [
        p.id
        for p in (*talking.prompts, *talking.together)
        if re.search(r"\bsmall\b", f"{p.text} {getattr(p, 'follow_up', '')}", re.IGNORECASE)
    ]
    asks += ["exercise"] if "small" in talking.exercise.text.lower() else []
    assert len(asks) <= 2, asks


def test_only_one_must_be_true_or_false(copy_of_prompts):
    _replace(copy_of_prompts / "03-talking.toml", "only_one = true", 'only_one = "yes"')
    with pytest.raises(ContentError, match=r"only_one': must be true or false"):
        load_workbook(copy_of_prompts)


def test_a_chapter_with_no_if_you_only_do_one_is_refused(copy_of_prompts):
    _replace(copy_of_prompts / "04-support.toml", "only_one = true", "only_one = false")
    with pytest.raises(ContentError, match=r"04-support.toml.*field 'only_one': mark 1 or 2"):
        load_workbook(copy_of_prompts)


@pytest.mark.parametrize(
    "prompt",
    [p for c in workbook().chapters for p in (*c.prompts, *c.together)],
    ids=lambda p: p.id,
)
def test_every_prompt_with_its_note_is_easy_to_read(prompt):
    words = f"{prompt.text} {getattr(prompt, 'hint', '') or getattr(prompt, 'follow_up', '')}"
    assert textstat.flesch_kincaid_grade(words) <= 8, words
