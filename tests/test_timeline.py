"""The journal's timeline rows, filters and shown table."""

from datetime import UTC, date, datetime

import pytest

from workbook import timeline
from workbook.content import workbook
from workbook.journal import Reflection
from workbook.timeline import Filters


def entry(i, author, chapter, prompt, visibility, day, text):
    when = datetime(2026, 11, day, 12)
    return Reflection(f"r{i}", author, chapter, prompt, visibility, text, when, when)


@pytest.fixture
def table():
    entries = [
        entry(1, "sam", "body", "body-own-1", "private", 1, "Tired and sore today"),
        entry(2, "sam", "heart", "heart-own-1", "shared", 10, "I feel GUILTY, though I know"),
        entry(3, "alex", "heart", "heart-own-2", "shared", 20, "Café evenings help"),
    ]
    return timeline.frame(entries, workbook(), {"alex": "Alex"}, "sam")


def ids(rows):
    return [row.id for row in rows]


def test_newest_first_with_readable_names(table):
    assert ids(table) == ["r3", "r2", "r1"]
    assert [row.author for row in table] == ["Alex", "You", "You"]
    assert table[0].chapter == "Your heart is healing too"


def test_entries_of_the_same_moment_keep_their_order():
    same = [entry(i, "sam", "body", f"body-own-{i}", "private", 3, "x") for i in (1, 2, 3)]
    later = entry(4, "sam", "body", "body-own-4", "private", 4, "y")
    rows = timeline.frame([*same, later], workbook(), {}, "sam")
    assert ids(rows) == ["r4", "r1", "r2", "r3"]


def test_the_shown_table_has_the_chosen_columns_in_order(table):
    shown = timeline.table(table, ["prompt", "author", "updated"], author=lambda r: r.author[0])
    assert shown.column_names == ["prompt", "author", "updated"]
    assert shown["author"].to_pylist() == ["A", "Y", "Y"]
    assert shown["updated"].to_pylist() == [row.updated for row in table]
    assert timeline.table([], ["prompt", "author"]).column_names == ["prompt", "author"]


@pytest.mark.parametrize(
    "filters,expected",
    [
        (Filters(), ["r3", "r2", "r1"]),
        (Filters(chapters=("heart",)), ["r3", "r2"]),
        (Filters(author="alex"), ["r3"]),
        (Filters(visibility="private"), ["r1"]),
        (Filters(start=date(2026, 11, 5), end=date(2026, 11, 15)), ["r2"]),
        (Filters(search="guilty"), ["r2"]),
        (Filters(search="café help"), ["r3"]),
        (Filters(search="nothing like this"), []),
        (Filters(chapters=("heart",), visibility="shared", author="sam"), ["r2"]),
    ],
)
def test_filters(table, filters, expected):
    assert ids(timeline.apply(table, filters)) == expected


def test_an_empty_journal_gives_no_rows():
    empty = timeline.frame([], workbook(), {}, "sam")
    assert empty == []
    assert timeline.apply(empty, Filters(search="x", start=date(2026, 1, 1))) == []


def test_between_picks_the_days_the_reader_sees():
    """A stored time is UTC; "between" must use the reader's day, as the table does."""
    from datetime import timedelta, timezone

    late = Reflection(
        "r9",
        "sam",
        "body",
        "body-own-1",
        "private",
        "x",
        datetime(2026, 11, 3, 2),
        datetime(2026, 11, 3, 2),
    )  # 2 a.m. UTC
    rows = timeline.frame([late], workbook(), {}, "sam")
    new_york = timezone(timedelta(hours=-5))
    evening = Filters(start=date(2026, 11, 2), end=date(2026, 11, 2))

    def their_day(moment):
        return moment.replace(tzinfo=UTC).astimezone(new_york).date()

    assert ids(timeline.apply(rows, evening, their_day)) == ["r9"]  # 9 p.m. on the 2nd
    assert ids(timeline.apply(rows, evening)) == []  # by the UTC day it is the 3rd
