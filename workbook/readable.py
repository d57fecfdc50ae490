"""Reads that survive one row nobody can open.

A row sealed under a key this session does not hold (an older release let a session
from before a re-key write one, or the bytes were damaged) must never turn a whole
page or export into an error: the rest is shown, and the page adds a kind note
(``text.unreadable_note``). Every list read that opens ciphertexts goes through here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from workbook.vault import VaultError

T = TypeVar("T")
R = TypeVar("R")

# What opening one row may raise when its key or bytes are wrong: a failed tag, or
# bytes that opened but are not the UTF-8 or JSON we wrote (ValueError covers both).
UNREADABLE = (VaultError, ValueError, KeyError, TypeError)


class Readable(list[T]):
    """The rows that opened, in order; ``unreadable`` counts those that did not."""

    def __init__(self, items: Iterable[T] = (), unreadable: int = 0) -> None:
        super().__init__(items)
        self.unreadable = unreadable


class ReadableMap(dict):
    """A dict result (prompt id -> state) with the same ``unreadable`` count."""

    def __init__(self, items=(), unreadable: int = 0) -> None:
        super().__init__(items)
        self.unreadable = unreadable


def open_all(rows: Iterable[R], opener: Callable[[R], T]) -> Readable[T]:
    """``opener`` applied to each row; rows it cannot open are counted, not raised."""
    out: Readable[T] = Readable()
    for row in rows:
        try:
            out.append(opener(row))
        except UNREADABLE:
            out.unreadable += 1
    return out


def count(*results: object) -> int:
    """The total ``unreadable`` of several results (0 for plain lists)."""
    return sum(getattr(r, "unreadable", 0) for r in results)
