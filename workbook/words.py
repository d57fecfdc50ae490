"""The words each partner wants for what happened: "baby", "pregnancy", or neither.

VOICE.md asks the app to mirror a couple's own words: "your baby" only for someone
who says "baby", "the pregnancy" for someone who says that, and a neutral "your loss"
until we know. Pure functions, no storage: the page that asks (chapter 1 starts with
the question) decides where a choice is kept; these only turn a choice into words.
"""

from __future__ import annotations

BABY, PREGNANCY, NEITHER = "baby", "pregnancy", "neither"
CHOICES = {
    BABY: 'Our baby ("your baby")',
    PREGNANCY: 'The pregnancy ("the pregnancy")',
    NEITHER: 'Neither: keep it general ("your loss")',
}
PHRASES = {BABY: "your baby", PREGNANCY: "the pregnancy", NEITHER: "your loss"}
NEUTRAL = PHRASES[NEITHER]


def phrase(choice: str | None) -> str:
    """The words to use for one person: their own choice, or "your loss" if unknown."""
    return PHRASES.get((choice or "").strip().lower(), NEUTRAL)


def shared_phrase(*choices: str | None) -> str:
    """Words for text both partners read: their shared choice if they agree, else neutral.

    If one says "baby" and the other "pregnancy", neither word is forced on the other.
    """
    known = {(c or "").strip().lower() for c in choices}
    if len(known) == 1:
        return phrase(known.pop())
    return NEUTRAL


def capitalised(words: str) -> str:
    """For the start of a sentence: "Your baby", "The pregnancy", "Your loss"."""
    return words[:1].upper() + words[1:]


__all__ = [
    "BABY",
    "CHOICES",
    "NEITHER",
    "NEUTRAL",
    "PREGNANCY",
    "capitalised",
    "phrase",
    "shared_phrase",
]
