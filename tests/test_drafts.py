"""Drafts storage on SQLite and PostgreSQL: encrypted, one row per partner and prompt."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from workbook import drafts, journal, owndata, spaces, together
from workbook.content import workbook
from workbook.tables import drafts as drafts_table

from helpers import join, make_space

TOGETHER = workbook().chapter("talking").together[0].id


@pytest.fixture
def couple(db):
    sam = make_space(db).member
    alex = join(db, spaces.create_invite(db, sam)).member
    return sam, alex


def _rows(db) -> int:
    with db.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(drafts_table)).scalar()


def test_a_draft_comes_back_for_its_author_only_and_is_stored_encrypted(db, target, couple):
    sam, alex = couple
    drafts.save(db, sam, "body-own-1", "Draftmarker-77 half a thought")
    assert drafts.load(db, sam) == {"body-own-1": "Draftmarker-77 half a thought"}
    assert drafts.load(db, alex) == {}
    assert b"Draftmarker-77" not in target.raw_bytes()


def test_saving_again_replaces_the_draft_without_a_second_row(db, couple):
    sam, _ = couple
    for words in ("one", "one two", "one two three"):
        drafts.save(db, sam, "body-own-1", words)
    assert _rows(db) == 1
    assert drafts.load(db, sam) == {"body-own-1": "one two three"}


def test_two_saves_at_once_make_one_row_and_no_error(db, couple):
    sam, _ = couple
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def write(i: int) -> None:
        try:
            start.wait()
            for j in range(5):
                drafts.save(db, sam, "talk-together-1", f"words {i}-{j}")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert _rows(db) == 1


def test_clearing_or_saving_the_answer_deletes_the_draft(db, couple):
    sam, _ = couple
    drafts.save(db, sam, "a", "words")
    drafts.save(db, sam, "b", "words")
    drafts.save(db, sam, "a", "   ")
    drafts.discard(db, sam, "b")
    assert drafts.load(db, sam) == {}
    assert _rows(db) == 0


def test_a_draft_moved_to_another_prompt_does_not_open(db, couple):
    sam, _ = couple
    drafts.save(db, sam, "a", "words for a")
    with db.engine.begin() as conn:
        conn.execute(drafts_table.update().values(prompt_id="b"))
    assert drafts.load(db, sam) == {}


def test_drafts_go_with_the_partner_who_leaves_and_with_the_space(db, couple):
    sam, alex = couple
    drafts.save(db, sam, "a", "Sam's words")
    drafts.save(db, alex, "a", "Alex's words")
    owndata.leave_space(db, alex)
    assert _rows(db) == 1
    owndata.leave_space(db, sam)
    assert _rows(db) == 0


def test_a_draft_past_the_answer_limit_comes_back_whole_and_is_never_cut(db, couple):
    """Words past the 20,000-character answer limit were cut in silence before."""
    sam, _ = couple
    long = "word " * 5_000 + "and the very last words"
    drafts.save(db, sam, "body-own-1", long)
    assert drafts.load(db, sam) == {"body-own-1": long}
    with pytest.raises(drafts.DraftTooLong):
        drafts.save(db, sam, "body-own-1", "x" * (drafts.MAX_CHARS + 1))
    assert drafts.load(db, sam) == {"body-own-1": long}  # the earlier draft stays


def test_saving_an_answer_takes_its_draft_with_it_in_the_same_commit(db, couple):
    """The answer's write deletes this partner's draft of it, and nothing else."""
    sam, alex = couple
    for who in (sam, alex):
        drafts.save(db, who, "body-own-1", "words on the way")
    drafts.save(db, sam, "body-own-2", "another answer's draft")
    drafts.save(db, sam, TOGETHER, "a together answer's draft")
    journal.save(
        db, sam, chapter_id="body", prompt_id="body-own-1", text="the answer", visibility="private"
    )
    together.answer(db, sam, TOGETHER, "the together answer")
    assert drafts.load(db, sam) == {"body-own-2": "another answer's draft"}
    assert drafts.load(db, alex) == {"body-own-1": "words on the way"}


def test_an_answer_takes_only_the_draft_its_window_wrote_or_found(db, couple):
    """Two windows of one person, one draft row per prompt: a save passes the draft's
    time as its window last saw it, and a draft written since by the other stays."""
    sam, _ = couple
    mine = drafts.save(db, sam, "body-own-4", "one window alone")
    answer = {"chapter_id": "body", "text": "saved", "visibility": "private"}
    journal.save(db, sam, prompt_id="body-own-4", draft=mine, **answer)
    assert drafts.load(db, sam) == {}  # the time save() returned is the row's, exactly

    first = drafts.save(db, sam, "body-own-1", "the first window's words")
    drafts.save(db, sam, "body-own-1", "the second window's words, typed since")
    journal.save(db, sam, prompt_id="body-own-1", draft=first, **answer)
    assert drafts.load(db, sam) == {"body-own-1": "the second window's words, typed since"}
    found = drafts.load_marked(db, sam)["body-own-1"].written_at
    # a window that never kept or found a draft of it takes none
    journal.save(db, sam, prompt_id="body-own-1", draft=None, **answer)
    assert drafts.load(db, sam) == {"body-own-1": "the second window's words, typed since"}
    journal.save(db, sam, prompt_id="body-own-1", draft=found, **answer)
    assert drafts.load(db, sam) == {}


def test_a_together_answer_an_edit_and_a_clear_keep_another_windows_draft(db, couple):
    sam, _ = couple
    first = drafts.save(db, sam, TOGETHER, "first")
    drafts.save(db, sam, TOGETHER, "second, since")
    together.answer(db, sam, TOGETHER, "first", first)
    assert drafts.load(db, sam) == {TOGETHER: "second, since"}

    entry = journal.save(
        db, sam, chapter_id="body", prompt_id="body-own-2", text="saved", visibility="private"
    )
    key = journal.edit_draft_id("body-own-2", entry.id)
    first = drafts.save(db, sam, key, "an edit")
    drafts.save(db, sam, key, "another edit, since")
    journal.edit(db, sam, entry.id, "an edit", first)
    assert drafts.load(db, sam)[key] == "another edit, since"

    first = drafts.save(db, sam, "body-own-3", "maybe")
    drafts.save(db, sam, "body-own-3", "yes, this")
    assert drafts.save(db, sam, "body-own-3", "  ", first) is None  # cleared here
    drafts.discard(db, sam, "body-own-3", first)
    assert drafts.load(db, sam)["body-own-3"] == "yes, this"
