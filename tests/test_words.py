"""Mirroring each partner's own words for what happened (VOICE.md section 2)."""

import pytest

from workbook.words import BABY, CHOICES, NEITHER, PREGNANCY, capitalised, phrase, shared_phrase


@pytest.mark.parametrize(
    ("choice", "words"),
    [
        (BABY, "your baby"),
        (PREGNANCY, "the pregnancy"),
        (NEITHER, "your loss"),
        (None, "your loss"),
        ("", "your loss"),
        ("  Baby ", "your baby"),
        ("something else", "your loss"),
    ],
)
def test_one_persons_choice_becomes_their_words(choice, words):
    assert phrase(choice) == words


@pytest.mark.parametrize(
    ("choices", "words"),
    [
        ((BABY, BABY), "your baby"),
        ((PREGNANCY, PREGNANCY), "the pregnancy"),
        ((BABY, PREGNANCY), "your loss"),  # never force one partner's word on the other
        ((BABY, None), "your loss"),  # the other has not said yet
        ((NEITHER, NEITHER), "your loss"),
        ((BABY,), "your baby"),  # a partner on their own
    ],
)
def test_words_both_partners_read_are_shared_or_neutral(choices, words):
    assert shared_phrase(*choices) == words


def test_every_choice_has_a_label_and_words():
    assert set(CHOICES) == {BABY, PREGNANCY, NEITHER}
    assert capitalised(phrase(PREGNANCY)) == "The pregnancy"


def test_the_module_stores_nothing_and_needs_no_streamlit():
    import workbook.words as words

    source = open(words.__file__, encoding="utf-8").read()
    assert "import streamlit" not in source and "workbook.store" not in source
