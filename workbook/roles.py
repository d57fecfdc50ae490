"""Who each partner is: the one who was pregnant, their partner, or rather not say.

Asked once, at make and join, and changeable in Your space. Never guessed, never
assumed from a name. Kept in the partner's own encrypted preferences (sealed with
their private key), so not even the other partner's session can read it; it only
decides which prompts are shown first and which readiness question is asked.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from workbook import preferences
from workbook.spaces import Member
from workbook.store import Db

PREGNANT, PARTNER, UNSAID = "pregnant", "partner", "unsaid"
ROLES = (PREGNANT, PARTNER, UNSAID)
LABELS = {
    PREGNANT: "I was pregnant",
    PARTNER: "My partner was pregnant",
    UNSAID: "I would rather not say",
}
QUESTION = "Which fits you?"
WHY = (
    "So we can show the questions written for you first. The others stay one tap away. "
    "Only you can see this, and you can change it at any time in Your space."
)

T = TypeVar("T")


def check(role: str | None) -> str:
    """The stored form of a choice; no choice counts as 'rather not say'."""
    if role in (None, ""):
        return UNSAID
    if role not in ROLES:
        raise ValueError("Please choose one of the answers.")
    return role


def load(db: Db, member: Member) -> str:
    """The member's role, or UNSAID when they have not said."""
    value = preferences.load(db, member).get("role", UNSAID)
    return value if value in ROLES else UNSAID


def save(db: Db, member: Member, role: str | None) -> str:
    role = check(role)
    preferences.update(db, member, role=role)
    return role


def fits(audience: str, role: str) -> bool:
    """Whether a prompt written for ``audience`` is shown unfolded to ``role``.

    'Rather not say' sees every prompt: we never guess.
    """
    return audience == "everyone" or role == UNSAID or audience == role


def split(prompts: Iterable[T], role: str) -> tuple[list[T], list[T]]:
    """(written for this partner or for everyone, written for the other role)."""
    mine: list[T] = []
    other: list[T] = []
    for prompt in prompts:
        (mine if fits(getattr(prompt, "audience", "everyone"), role) else other).append(prompt)
    return mine, other


def other_role_label(role: str) -> str:
    """The fold's title for prompts written for the other role."""
    if role == PREGNANT:
        return "Questions written for the partner who was not pregnant"
    return "Questions written for the partner who was pregnant"
