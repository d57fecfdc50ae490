"""The "When to see a therapist" page: the shipped file is complete, sourced and plain;
a broken copy is refused with the file and field named."""

import re
import shutil
from pathlib import Path

import pytest
import textstat

import workbook.guide as guide_module
from workbook.content import ContentError
from workbook.guide import GUIDE_FILE, SECTION_IDS, guide, load_guide

# Sections that state facts from content-facts.md; the others hold only our own tips.
FACT_SECTIONS = ("signs", "what-therapy-does", "kinds", "both-partners")

# From shared/design/VOICE.md, "Words to avoid" and "Talking to both partners".
AVOID = (
    "husband",
    "wife",
    "mum",
    "dad",
    "spontaneous abortion",
    "missed abortion",
    "products of conception",
    "incompetent cervix",
    "failed pregnancy",
    "unviable",
    "blighted ovum",
    "lost the baby",
    "your body failed",
    "at least it was early",
    "at least you can get pregnant",
    "everything happens for a reason",
    "meant to be",
    "move on",
    "suffering from",
    "committed suicide",
    "you have depression",
    "you have anxiety",
)


def _reader_text() -> str:
    g = guide()
    parts = [g.title, g.intro]
    for s in g.sections:
        parts += [s.heading, s.body, *(src.source for src in s.sources)]
    return "\n".join(parts)


def test_the_shipped_page_has_all_six_sections_in_order():
    g = guide()
    assert g.title == "When to see a therapist"
    assert g.intro
    assert [s.id for s in g.sections] == list(SECTION_IDS)
    assert all(s.heading and s.body for s in g.sections)
    assert g.section("kinds").heading
    with pytest.raises(KeyError):
        g.section("no-such-section")


def test_the_page_is_read_once():
    assert guide() is guide()


@pytest.mark.parametrize("section_id", FACT_SECTIONS)
def test_every_section_with_facts_names_a_web_source(section_id):
    section = guide().section(section_id)
    assert section.sources, section_id
    for src in section.sources:
        assert src.source
        assert src.url.startswith(("https://", "http://")), src


@pytest.mark.parametrize("section_id", SECTION_IDS)
def test_every_body_reads_at_grade_8_or_below(section_id):
    assert textstat.flesch_kincaid_grade(guide().section(section_id).body) <= 8


def test_the_intro_reads_at_grade_8_or_below():
    assert textstat.flesch_kincaid_grade(guide().intro) <= 8


def test_no_cheer_and_no_words_to_avoid():
    text = _reader_text()
    assert "!" not in text
    for word in AVOID:
        # Word boundaries: "midwife" must not count as "wife".
        assert not re.search(rf"\b{word}\b", text, re.IGNORECASE), word


def test_the_word_check_does_not_trip_on_midwife():
    assert "midwife" in _reader_text()
    assert not re.search(r"\bwife\b", "a Tommy's midwife", re.IGNORECASE)


def test_no_emojis_and_no_phone_numbers():
    text = _reader_text()
    assert not [c for c in text if ord(c) >= 0x2190], "symbols or emojis in the page"
    g = guide()
    for body in (g.intro, *(s.body for s in g.sections)):
        assert not re.search(r"\d{3,}", body), body


def test_suicide_and_self_harm_point_to_get_help_now():
    signs = guide().section("signs").body
    assert "suicide" in signs and "urgent" in signs
    assert '"Get help now"' in signs


def test_the_loader_does_not_import_streamlit():
    assert "streamlit" not in Path(guide_module.__file__).read_text(encoding="utf-8")


@pytest.fixture
def broken_copy(tmp_path) -> Path:
    target = tmp_path / GUIDE_FILE.name
    shutil.copyfile(GUIDE_FILE, target)
    return target


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_missing_heading_names_the_file_and_field(broken_copy):
    _replace(broken_copy, 'heading = "Kinds of help"\n', "")
    with pytest.raises(ContentError) as err:
        load_guide(broken_copy)
    assert (err.value.file, err.value.chapter, err.value.field) == (
        "therapist_guide.toml",
        "kinds",
        "sections[3].heading",
    )
    assert "therapist_guide.toml" in str(err.value)
    assert "field 'sections[3].heading': is missing" in str(err.value)


def test_a_section_id_used_twice_names_the_file_and_field(broken_copy):
    _replace(broken_copy, 'id = "questions"', 'id = "signs"')
    with pytest.raises(ContentError) as err:
        load_guide(broken_copy)
    assert (err.value.file, err.value.field) == ("therapist_guide.toml", "sections[5].id")
    assert "'signs' is also used by section 1" in str(err.value)


def test_a_missing_section_is_refused(broken_copy):
    _replace(broken_copy, 'id = "first-session"', 'id = "first-visit"')
    with pytest.raises(ContentError) as err:
        load_guide(broken_copy)
    assert (err.value.file, err.value.field) == ("therapist_guide.toml", "sections")
    assert "'first-session'" in str(err.value)


def test_a_source_without_a_web_address_is_refused(broken_copy):
    _replace(broken_copy, 'url = "https://www.healthpartners', 'url = "www.healthpartners')
    with pytest.raises(ContentError, match=r"field 'sections\[3\]\.sources\[3\]\.url'"):
        load_guide(broken_copy)


def test_a_missing_title_names_the_field(broken_copy):
    _replace(broken_copy, 'title = "When to see a therapist"\n', "")
    with pytest.raises(ContentError, match="therapist_guide.toml: chapter '-': field 'title'"):
        load_guide(broken_copy)


def test_broken_toml_names_the_file(broken_copy):
    broken_copy.write_text("title = 'When to see\n", encoding="utf-8")
    with pytest.raises(ContentError, match="therapist_guide.toml.*not valid TOML"):
        load_guide(broken_copy)
