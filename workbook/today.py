"""Which question to offer a partner next, one at a time (pure: no database, no UI).

The order is gentle, not a race: first a together question you have both answered
and not yet opened (the moment the couple waits for), then one your partner has
answered and you have not, then the next unanswered question in chapter order,
alternating together and on-your-own questions, together first, so a couple reaches
a shared moment early. Only questions written for this partner's role are offered (all of them when
they would rather not say). "Skip" moves a question to the back for this visit;
"Not today" sets it aside until it is undone. Nothing is counted against anyone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import zip_longest

from workbook.content import Chapter, Prompt, TogetherPrompt, Workbook
from workbook.roles import fits

REVEAL, THEIRS_FIRST, TOGETHER, OWN = "reveal", "theirs_first", "together", "own"


@dataclass(frozen=True)
class TogetherStatus:
    """What a partner may know about one together prompt, from metadata alone."""

    mine: bool = False
    partner_answered: bool = False
    agreed: bool = False

    @property
    def revealed(self) -> bool:
        return self.mine and self.partner_answered


@dataclass(frozen=True)
class Item:
    kind: str  # REVEAL, THEIRS_FIRST, TOGETHER or OWN
    chapter: Chapter
    prompt: Prompt | TogetherPrompt

    @property
    def together(self) -> bool:
        return self.kind != OWN


@dataclass(frozen=True)
class Dots:
    """Quiet progress through one chapter: how many of its questions for you are done."""

    chapter: Chapter
    done: int
    total: int

    def text(self) -> str:
        return " ".join("\u25cf" if i < self.done else "\u25cb" for i in range(self.total))


def _later(prompt: Prompt | TogetherPrompt) -> bool:
    return not getattr(prompt, "only_one", False)


def sequence(book: Workbook, role: str) -> list[tuple[Chapter, Prompt | TogetherPrompt]]:
    """Every question for this role, in the order Today offers them."""
    out: list[tuple[Chapter, Prompt | TogetherPrompt]] = []
    for chapter in book.chapters:
        # "If you only do one" questions come first in their chapter.
        own = sorted((p for p in chapter.prompts if fits(p.audience, role)), key=_later)
        together = sorted(chapter.together, key=_later)
        for pair in zip_longest(together, own):
            out.extend((chapter, p) for p in pair if p is not None)
    return out


def _item(
    chapter: Chapter,
    prompt: Prompt | TogetherPrompt,
    own_answered: set[str],
    together: Mapping[str, TogetherStatus],
    opened: set[str],
) -> Item | None:
    """The item for one question, or None when there is nothing for this partner to do.

    A revealed question waits for each partner until they have opened it and one of
    you has written what you agreed.
    """
    if isinstance(prompt, Prompt):
        return None if prompt.id in own_answered else Item(OWN, chapter, prompt)
    status = together.get(prompt.id, TogetherStatus())
    if status.revealed:
        done = status.agreed and prompt.id in opened
        return None if done else Item(REVEAL, chapter, prompt)
    if status.mine:
        return None  # waiting for the partner: nothing to do here
    return Item(THEIRS_FIRST if status.partner_answered else TOGETHER, chapter, prompt)


def queue(
    book: Workbook,
    role: str,
    own_answered: Iterable[str],
    together: Mapping[str, TogetherStatus],
    set_aside: Iterable[str] = (),
    skipped: Iterable[str] = (),
    opened: Iterable[str] = (),
) -> list[Item]:
    """Everything waiting for this partner, the next one first.

    ``skipped`` is in the order the partner skipped them: each goes to the back.
    ``opened`` are the together questions this partner has opened side by side.
    """
    answered, aside, seen = set(own_answered), set(set_aside), set(opened)
    later = [p for p in skipped if p not in aside]
    items = []
    for chapter, prompt in sequence(book, role):
        item = _item(chapter, prompt, answered, together, seen)
        if item is not None and prompt.id not in aside:
            items.append(item)
    rank = {REVEAL: 0, THEIRS_FIRST: 1, TOGETHER: 2, OWN: 2}

    def order(pair: tuple[int, Item]) -> tuple[int, int, int]:
        index, item = pair
        back = later.index(item.prompt.id) if item.prompt.id in later else -1
        return (back, rank[item.kind], index)

    return [item for _, item in sorted(enumerate(items), key=order)]


def item_for(book: Workbook, prompt_id: str, kind: str) -> Item | None:
    """The Item of one prompt by id (to keep a revealed question on screen after agreeing)."""
    for chapter in book.chapters:
        for prompt in (*chapter.prompts, *chapter.together):
            if prompt.id == prompt_id:
                return Item(kind, chapter, prompt)
    return None


def pick(*args, **kwargs) -> Item | None:
    """The one question to offer now, or None when nothing waits for this partner."""
    items = queue(*args, **kwargs)
    return items[0] if items else None


def dots(
    chapter: Chapter, role: str, own_answered: Iterable[str], together: Mapping[str, TogetherStatus]
) -> Dots:
    """How far this partner is through one chapter's questions, as dots, not a score."""
    answered = set(own_answered)
    own = [p for p in chapter.prompts if fits(p.audience, role)]
    done = sum(1 for p in own if p.id in answered)
    done += sum(1 for t in chapter.together if together.get(t.id, TogetherStatus()).mine)
    return Dots(chapter, done, len(own) + len(chapter.together))
