"""What counts as words, and text that can always be stored.

An answer or a name made only of zero-width or other invisible characters looks
empty on screen, so it is refused like an empty one. A lone surrogate (half of a
UTF-16 pair, which some browsers send after a bad paste) cannot be encoded as UTF-8:
it becomes U+FFFD, the replacement character, as SECURITY.md promises; never ``?``.
"""

from __future__ import annotations

import unicodedata

# Letters and symbols that draw nothing: fillers some keyboards and spammers use.
FILLERS = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180e\u2800\u3164\uffa0"
    "\U0001d159\U0001d173\U0001d174\U0001d175\U0001d176\U0001d177\U0001d178\U0001d179\U0001d17a"
)
# Format and control characters (zero-width space, joiners, BOM, direction marks),
# combining marks with no base, separators and lone surrogates.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Mn", "Me", "Zs", "Zl", "Zp"})


def visible(ch: str) -> bool:
    return not (ch.isspace() or ch in FILLERS or unicodedata.category(ch) in INVISIBLE_CATEGORIES)


def has_words(value: str) -> bool:
    """Whether the text shows anything at all on screen."""
    return any(visible(ch) for ch in value)


def storable(value: str) -> str:
    """The same text with every lone surrogate replaced by U+FFFD (pairs are joined)."""
    return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
