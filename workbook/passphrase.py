"""Passphrase rules: long is welcome, common is refused, nothing is truncated.

NIST/OWASP style: at least 8 characters, up to 1,024, no composition rules, paste
allowed. zxcvbn (offline, no network) spots common passwords and gives a strength hint.
zxcvbn reads at most 72 characters, so only the hint is based on the start of a very
long passphrase; the whole passphrase is always used for the key.
"""

from __future__ import annotations

from dataclasses import dataclass

from zxcvbn import zxcvbn

MIN_LENGTH = 8
MAX_LENGTH = 1024
MIN_SCORE = 2  # zxcvbn 0-4; 0 and 1 are common or easily guessed
_ZXCVBN_MAX = 72

STRENGTH_WORDS = ("very weak", "weak", "fair", "strong", "very strong")


@dataclass(frozen=True)
class Strength:
    ok: bool
    score: int
    message: str


def check(passphrase: str, user_inputs: tuple[str, ...] = ()) -> Strength:
    """Judge a new passphrase; ``message`` is a kind hint to show under the field."""
    if len(passphrase) < MIN_LENGTH:
        return Strength(
            False,
            0,
            f"Use at least {MIN_LENGTH} characters. "
            "A few unrelated words work well, like 'lamp river quiet plum'.",
        )
    if len(passphrase) > MAX_LENGTH:
        return Strength(False, 0, f"Please keep it under {MAX_LENGTH:,} characters.")
    if not passphrase.strip():
        return Strength(False, 0, "A passphrase of only spaces is too easy to guess.")
    inputs = [u[:_ZXCVBN_MAX] for u in user_inputs if u]
    result = zxcvbn(passphrase[:_ZXCVBN_MAX], user_inputs=inputs)
    score = int(result["score"])
    feedback = result.get("feedback", {})
    hint = " ".join(
        part for part in [feedback.get("warning") or "", *feedback.get("suggestions", [])] if part
    )
    if score < MIN_SCORE:
        return Strength(
            False,
            score,
            "This one is easy to guess. " + (hint or "Try a few unrelated words together."),
        )
    return Strength(True, score, f"Strength: {STRENGTH_WORDS[score]}.")
