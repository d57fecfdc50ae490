"""Limits and odd input: never cut in silence, nothing invisible saved, U+FFFD (issue 11, §6)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as hs

from workbook import careteam, journal, spaces, text, together, vault
from workbook.cleantext import has_words, storable
from workbook.content import workbook

from helpers import PASS_A, join, make_space

CHAPTER = workbook().chapters[0]
INVISIBLE = [
    "\u200b",  # zero-width space
    "\u200c\u200d",  # zero-width non-joiner and joiner
    "\u2060\ufeff",  # word joiner, byte-order mark
    "\u200e\u200f\u202e",  # direction marks and override
    "\u3164",  # Hangul filler
    "\u2800",  # Braille blank
    " \u00a0\u2003\n\t",  # spaces of every width
    "\u0301\u0308",  # combining marks with nothing under them
    "\u180e\u034f",
]


@pytest.mark.parametrize("words", INVISIBLE)
def test_invisible_answers_and_names_are_refused_kindly(db, words):
    sam = make_space(db).member
    with pytest.raises(journal.JournalError, match="nothing to save"):
        journal.save(
            db,
            sam,
            chapter_id=CHAPTER.id,
            prompt_id=CHAPTER.prompts[0].id,
            text=words * 3,
            visibility="private",
        )
    with pytest.raises(together.TogetherError, match="nothing to save"):
        together.answer(db, sam, CHAPTER.together[0].id, words)
    with pytest.raises(spaces.SpaceError, match="Please write your name"):
        join(db, spaces.create_invite(db, sam), name=words)
    with pytest.raises(spaces.SpaceError, match="Please write a name for your space"):
        make_space(db, login="other", space=words)
    with pytest.raises(careteam.CareTeamError, match="Please write a name"):
        careteam.add(db, sam, role=careteam.ROLES[0], name=words)


@pytest.mark.parametrize("words", ["\u200bhi", "🌱", "\u0915\u094d\u0937", "x\u200d", "ـ"])
def test_real_words_with_invisible_characters_are_kept(words):
    assert has_words(words)


@given(hs.text(alphabet=hs.sampled_from([c for s in INVISIBLE for c in s]), max_size=30))
def test_any_mix_of_invisible_characters_is_not_words(words):
    assert not has_words(words)
    assert text.answer_problem(words, 100) == text.EMPTY_ANSWER


def test_an_answer_over_the_limit_is_refused_never_cut(db):
    sam = make_space(db).member
    long = "word " * (journal.MAX_CHARS // 5) + "end"
    with pytest.raises(journal.JournalError) as caught:
        journal.save(
            db,
            sam,
            chapter_id=CHAPTER.id,
            prompt_id=CHAPTER.prompts[0].id,
            text=long,
            visibility="private",
        )
    assert "Your words are still here" in str(caught.value)
    assert journal.visible(db, sam) == []
    exact = "x" * journal.MAX_CHARS
    saved = journal.save(
        db,
        sam,
        chapter_id=CHAPTER.id,
        prompt_id=CHAPTER.prompts[0].id,
        text=exact,
        visibility="private",
    )
    assert journal.get(db, sam, saved.id).text == exact


KEY = vault.Key.new()
PLACE = b"place"


@pytest.mark.parametrize(
    ("given_text", "stored"),
    [
        ("a\ud800b", "a\ufffdb"),
        ("\udfff", "\ufffd"),
        ("\ud83d\ude00", "😀"),  # a pair written as two halves is one character
        ("ok 😀", "ok 😀"),
    ],
)
def test_lone_surrogates_become_the_replacement_character(given_text, stored):
    assert storable(given_text) == stored
    assert vault.open_text(KEY, vault.seal(KEY, given_text, PLACE), PLACE) == stored


@given(hs.text(alphabet=hs.characters(exclude_categories=()), max_size=50))
def test_storable_text_always_encodes_and_keeps_valid_text(value):
    out = storable(value)
    out.encode("utf-8")  # never raises
    if not any("\ud800" <= ch <= "\udfff" for ch in value):
        assert out == value
    assert "?" not in out or "?" in value


def test_a_name_with_a_lone_surrogate_is_stored_with_fffd(db):
    made = make_space(db, name="Sam\ud800")
    assert spaces.sign_in(db, "sam", PASS_A).name == "Sam\ufffd"
    assert made.member.name in ("Sam\ud800", "Sam\ufffd")
