"""Reflections: saving, editing, sharing, deleting, and who can read what."""

import threading

import pytest
from sqlalchemy import select, update

from workbook import journal, spaces
from workbook.journal import PRIVATE, SHARED, JournalError
from workbook.tables import reflections
from workbook.upsert import NewerAnswer

from helpers import join, make_space


@pytest.fixture
def couple(db):
    sam = make_space(db).member
    alex = join(db, spaces.create_invite(db, sam)).member
    return sam, alex


def texts(db, member, **kw):
    return sorted(r.text for r in journal.visible(db, member, **kw))


def save(db, member, prompt, text, visibility=PRIVATE, chapter="body"):
    return journal.save(
        db, member, chapter_id=chapter, prompt_id=prompt, text=text, visibility=visibility
    )


def test_private_entries_are_only_for_their_author(db, couple):
    sam, alex = couple
    save(db, sam, "body-own-1", "sam private")
    save(db, sam, "body-own-2", "sam shared", SHARED)
    save(db, alex, "body-own-1", "alex private")
    assert texts(db, sam) == ["sam private", "sam shared"]
    assert texts(db, alex) == ["alex private", "sam shared"]


def test_nobody_reads_another_spaces_entries(db, couple):
    sam, _ = couple
    other = make_space(db, login="kim", name="Kim", space="Kim and Jo").member
    save(db, sam, "body-own-1", "ours, shared", SHARED)
    save(db, other, "body-own-1", "theirs, shared", SHARED)
    assert texts(db, other) == ["theirs, shared"]
    sam_entry = journal.visible(db, sam)[0]
    with pytest.raises(JournalError):
        journal.get(db, other, sam_entry.id)
    for action in (
        lambda: journal.edit(db, other, sam_entry.id, "x"),
        lambda: journal.remove(db, other, sam_entry.id),
        lambda: journal.set_visibility(db, other, sam_entry.id, PRIVATE),
    ):
        with pytest.raises(JournalError):
            action()
    assert texts(db, sam) == ["ours, shared"]


def test_a_partner_cannot_change_the_others_shared_entry(db, couple):
    sam, alex = couple
    entry = save(db, sam, "body-own-1", "mine", SHARED)
    with pytest.raises(JournalError, match="Only the person who wrote"):
        journal.edit(db, alex, entry.id, "changed")
    with pytest.raises(JournalError):
        journal.remove(db, alex, entry.id)
    assert texts(db, sam) == ["mine"]


def test_saving_again_updates_the_same_answer_and_keeps_its_created_time(db, couple):
    sam, _ = couple
    first = save(db, sam, "body-own-1", "first words")
    second = save(db, sam, "body-own-1", "second words")
    assert second.id == first.id
    assert second.created_at == first.created_at and second.edited
    assert texts(db, sam) == ["second words"]


def test_sharing_and_unsharing_an_entry(db, couple):
    sam, alex = couple
    entry = save(db, sam, "body-own-1", "for later")
    journal.set_visibility(db, sam, entry.id, SHARED)
    assert texts(db, alex) == ["for later"]
    journal.set_visibility(db, sam, entry.id, PRIVATE)
    assert texts(db, alex) == []
    assert texts(db, sam) == ["for later"]


def test_edit_and_delete(db, couple):
    sam, _ = couple
    entry = save(db, sam, "body-own-1", "draft")
    assert journal.edit(db, sam, entry.id, "final").text == "final"
    journal.remove(db, sam, entry.id)
    assert texts(db, sam) == []
    with db.engine.connect() as conn:
        assert conn.execute(select(reflections)).first() is None


@pytest.mark.parametrize(
    "text,message",
    [("", "nothing to save"), ("   \n\t", "nothing to save"), ("x" * 20_001, "longer than")],
)
def test_empty_or_huge_answers_are_refused_kindly(db, couple, text, message):
    sam, _ = couple
    with pytest.raises(JournalError, match=message):
        save(db, sam, "body-own-1", text)


@pytest.mark.parametrize(
    "text",
    [
        "Ça va 😀 — مرحبا بك ‏עברית",
        "'; DROP TABLE reflections; --",
        "<script>alert(1)</script> ![x](https://tracker.example/p.gif)",
        "\u0000 control \u0007 chars",
    ],
)
def test_odd_input_round_trips_exactly(db, couple, text):
    sam, alex = couple
    save(db, sam, "body-own-1", text, SHARED)
    assert texts(db, alex) == [text]


def test_filter_by_chapter(db, couple):
    sam, _ = couple
    save(db, sam, "body-own-1", "body words")
    save(db, sam, "heart-own-1", "heart words", chapter="heart")
    assert texts(db, sam, chapter_id="heart") == ["heart words"]


def test_a_private_entry_flipped_to_shared_in_the_database_does_not_open(db, couple):
    sam, alex = couple
    save(db, sam, "body-own-1", "very private")
    with db.engine.begin() as conn:
        conn.execute(update(reflections).values(visibility=SHARED))
    # Never opened, never wrong text: left out of the list and counted for a kind note.
    seen = journal.visible(db, alex)
    assert list(seen) == [] and seen.unreadable == 1


def test_a_ciphertext_swapped_between_rows_gives_an_error_not_wrong_text(db, couple):
    sam, _ = couple
    a = save(db, sam, "body-own-1", "first", SHARED)
    b = save(db, sam, "body-own-2", "second", SHARED)
    with db.engine.begin() as conn:
        ct_a = conn.execute(
            select(reflections.c.body_ct).where(reflections.c.id == a.id)
        ).scalar_one()
        conn.execute(update(reflections).where(reflections.c.id == b.id).values(body_ct=ct_a))
    with pytest.raises(journal.JournalError):
        journal.get(db, sam, b.id)
    assert journal.get(db, sam, a.id).text == "first"
    seen = journal.visible(db, sam)
    assert [r.text for r in seen] == ["first"] and seen.unreadable == 1


def test_shared_lately_lists_only_the_partners_shared_answers_newest_first(db, couple):
    """Where you are lists these by chapter and time, and whether each opens."""
    from datetime import timedelta

    sam, alex = couple
    other = make_space(db, login="kim", name="Kim", space="Kim and Jo").member
    save(db, alex, "body-own-1", "alex private")
    save(db, sam, "body-own-2", "sam shared", SHARED)
    save(db, other, "body-own-3", "another space, shared", SHARED)
    first = save(db, alex, "heart-own-1", "alex shared first", SHARED, chapter="heart")
    second = save(db, alex, "talking-own-1", "alex shared second", SHARED, chapter="talking")
    with db.engine.begin() as conn:  # make the order plain, whatever the clock did
        conn.execute(
            update(reflections)
            .where(reflections.c.id == first.id)
            .values(updated_at=second.updated_at - timedelta(minutes=5))
        )
    lately = journal.shared_lately(db, sam, 5)
    assert [e.chapter_id for e in lately] == ["talking", "heart"]
    assert journal.shared_lately(db, sam, 1)[0].chapter_id == "talking"
    assert [e.chapter_id for e in journal.shared_lately(db, alex, 5)] == ["body"]
    assert all(e.readable for e in lately)
    # A body no key opens is still listed, and said to be so; no words come back.
    with db.engine.begin() as conn:
        conn.execute(update(reflections).where(reflections.c.id == second.id).values(body_ct=b"x"))
    lately = journal.shared_lately(db, sam, 5)
    assert [(e.chapter_id, e.readable) for e in lately] == [("talking", False), ("heart", True)]
    assert not hasattr(lately[0], "text")


def test_saving_or_deleting_an_entry_takes_its_waiting_changes_with_it(db, couple):
    """Words typed into an entry's edit box wait as a draft (workbook/ui/journal_edit.py);
    once the entry is saved or deleted they must not come back as unsaved changes."""
    from workbook import drafts

    sam, alex = couple
    kept = save(db, sam, "body-own-1", "first")
    gone = save(db, sam, "body-own-2", "second")
    other = save(db, alex, "body-own-1", "alex's")
    for entry, author in ((kept, sam), (gone, sam), (other, alex)):
        drafts.save(db, author, journal.edit_draft_id(entry.prompt_id, entry.id), "typed")
    journal.edit(db, sam, kept.id, "first, changed")
    journal.remove(db, sam, gone.id)
    assert drafts.load(db, sam) == {}
    assert drafts.load(db, alex) == {journal.edit_draft_id(other.prompt_id, other.id): "typed"}


def test_an_edit_drafts_id_names_its_question_and_entry():
    draft = journal.edit_draft_id("heart-own-2", "3f1c-uuid")
    assert journal.edit_draft_parts(draft) == ("heart-own-2", "3f1c-uuid")
    assert journal.edit_draft_parts("heart-own-2") is None  # an answer's draft
    assert journal.edit_draft_parts("therapy-questions") is None
    assert journal.edit_draft_parts("edit:no-entry") is None


def _save_knowing(db, member, prompt, words, visibility=PRIVATE):
    """A Save from a window whose box holds just what it knew as the saved answer."""
    return journal.save(
        db,
        member,
        chapter_id="body",
        prompt_id=prompt,
        text=words,
        visibility=visibility,
        keep_newer=True,
    )


def test_a_save_of_the_answer_a_window_knew_keeps_one_saved_since(db, couple):
    """Why: with a question open in two windows, a Save of the older answer the first
    window still shows put it back over the one saved since in the other window."""
    sam, _ = couple
    save(db, sam, "body-own-1", "first words")
    save(db, sam, "body-own-1", "newer words")  # in another window
    with pytest.raises(NewerAnswer) as held:
        _save_knowing(db, sam, "body-own-1", "first words", SHARED)
    assert held.value.text == "newer words"
    [entry] = journal.visible(db, sam)
    assert (entry.text, entry.visibility) == ("newer words", PRIVATE)
    # the same words (only who can see it changes), or no answer yet: saved as asked
    assert _save_knowing(db, sam, "body-own-1", "newer words", SHARED).visibility == SHARED
    _save_knowing(db, sam, "body-own-2", "a first answer")
    assert texts(db, sam) == ["a first answer", "newer words"]


def test_an_answer_that_does_not_open_never_holds_a_save_back(db, couple):
    sam, _ = couple
    save(db, sam, "body-own-1", "words")
    with db.engine.begin() as conn:
        conn.execute(update(reflections).values(body_ct=b"\x00" * 64))
    _save_knowing(db, sam, "body-own-1", "words typed again")
    assert texts(db, sam) == ["words typed again"]


def test_no_save_lands_between_the_newer_answer_check_and_the_write(db, couple, monkeypatch):
    """The check runs in the write's own transaction, after the space row is locked:
    a save from another window waits for it, then lands on top. Were the check a read
    of its own, the other save would land during the pause and be replaced."""
    sam, _ = couple
    save(db, sam, "body-own-1", "first words")
    checking, go_on = threading.Event(), threading.Event()
    real_check, outcome = journal.newer_words, []

    def slow_check(saved, words):
        checking.set()
        go_on.wait(10)
        return real_check(saved, words)

    def first_window():
        outcome.append(_save_knowing(db, sam, "body-own-1", "first words").text)

    monkeypatch.setattr(journal, "newer_words", slow_check)
    first = threading.Thread(target=first_window)
    first.start()
    assert checking.wait(10)
    monkeypatch.setattr(journal, "newer_words", real_check)
    other = threading.Thread(target=save, args=(db, sam, "body-own-1", "newest words"))
    other.start()
    other.join(0.5)
    waited = other.is_alive()
    go_on.set()
    first.join(10)
    other.join(10)
    assert outcome == ["first words"]  # the checked save went through
    assert waited, "the other window's save did not wait for the checked write"
    assert texts(db, sam) == ["newest words"]


def test_a_share_a_window_still_shows_never_shares_an_answer_made_private_since(db, couple):
    """Why: made private in one window, an answer was shared again by a Save in
    another window still showing "Share" (its page had not redrawn yet)."""
    sam, alex = couple
    save(db, sam, "body-own-1", "my answer", SHARED)
    save(db, sam, "body-own-1", "my answer", PRIVATE)  # in another window
    for words in ("my answer", "words typed here"):
        with pytest.raises(NewerAnswer) as held:
            journal.save(
                db,
                sam,
                chapter_id="body",
                prompt_id="body-own-1",
                text=words,
                visibility=SHARED,
                keep_private=True,
            )
        assert (held.value.text, held.value.visibility) == (None, PRIVATE)
    assert texts(db, alex) == [] and texts(db, sam) == ["my answer"]
    # chosen here (not just left as it was), sharing goes ahead
    save(db, sam, "body-own-1", "my answer", SHARED)
    assert texts(db, alex) == ["my answer"]


def test_save_changes_on_an_entry_as_shown_keeps_words_saved_since(db, couple):
    sam, _ = couple
    entry = save(db, sam, "body-own-1", "as first saved")
    save(db, sam, "body-own-1", "saved in another window")
    with pytest.raises(NewerAnswer) as held:
        journal.edit(db, sam, entry.id, "as first saved", keep_newer=True)
    assert held.value.text == "saved in another window"
    assert texts(db, sam) == ["saved in another window"]
    journal.edit(db, sam, entry.id, "saved in another window", keep_newer=True)  # as saved
    journal.edit(db, sam, entry.id, "changed here")  # words typed here: the Save decides
    assert texts(db, sam) == ["changed here"]
