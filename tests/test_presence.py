"""The partner's "something new" poll moves only for what the partner can see."""

from __future__ import annotations

from workbook import journal, presence, spaces, together

from helpers import join, make_space


def test_private_writes_never_tell_the_partner_shared_ones_do(db):
    sam = make_space(db).member
    join(db, spaces.create_invite(db, sam))

    def moved(action) -> bool:
        before = presence.latest(db, sam)[0]
        action()
        return presence.latest(db, sam)[0] != before

    def save(text: str, visibility: str) -> journal.Reflection:
        return journal.save(
            db, sam, chapter_id="body", prompt_id="body-own-1", text=text, visibility=visibility
        )

    private = save("just for me", journal.PRIVATE)
    assert not moved(lambda: save("still just for me", journal.PRIVATE))
    assert not moved(lambda: journal.edit(db, sam, private.id, "edited, private"))
    assert moved(lambda: journal.set_visibility(db, sam, private.id, journal.SHARED))
    assert moved(lambda: journal.edit(db, sam, private.id, "edited, shared"))
    assert moved(lambda: save("private again", journal.PRIVATE))  # it vanished for them
    assert not moved(lambda: journal.remove(db, sam, private.id))
    assert moved(lambda: save("a new shared answer", journal.SHARED))


def test_each_partner_has_a_share_of_the_counter_so_own_tabs_are_told_apart(db):
    """``latest`` gives a page the partner's count: moved by the partner's visible
    changes only, never by this person's own (from another tab)."""
    sam = make_space(db).member
    alex = join(db, spaces.create_invite(db, sam)).member

    def share(who, text: str) -> None:
        journal.save(
            db, who, chapter_id="body", prompt_id="body-own-1", text=text, visibility="shared"
        )

    revision, alexs = presence.latest(db, sam)
    share(sam, "from Sam's other tab")
    assert presence.latest(db, sam) == (revision + 1, alexs)  # moved, but not Alex's
    share(alex, "from Alex")
    assert presence.latest(db, sam) == (revision + 2, alexs + 1)
    assert presence.latest(db, alex)[1] == 1  # Sam's one change, seen from Alex's side


def test_taking_back_an_answer_tells_the_partner_only_if_there_was_one(db):
    sam = make_space(db).member
    join(db, spaces.create_invite(db, sam))
    prompt = "talking-together-1"
    before = presence.latest(db, sam)[0]
    together.withdraw(db, sam, prompt)  # nothing to take back
    assert presence.latest(db, sam)[0] == before
    together.answer(db, sam, prompt, "words")
    together.withdraw(db, sam, prompt)
    assert presence.latest(db, sam)[0] == before + 2


def test_two_tabs_opening_reveals_at_once_keep_every_one(db):
    """The reveals opened were read, then written whole: of two tabs opening two
    reveals at the same moment, one was lost (its "Open together" came back)."""
    import threading

    sam = make_space(db).member
    names = [f"prompt-{i}" for i in range(24)]
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def open_some(mine: list[str]) -> None:
        start.wait()
        try:
            for prompt_id in mine:
                presence.mark_opened(db, sam, prompt_id)
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    tabs = [threading.Thread(target=open_some, args=(names[i::2],)) for i in range(2)]
    for tab in tabs:
        tab.start()
    for tab in tabs:
        tab.join()
    assert not failures, failures
    assert presence.opened(db, sam) == set(names)
