"""Saving the same answer from two tabs at once keeps one row (issue 11, section 6).

(Since the key-epoch check, every write first updates its space row, which also
orders these writes; the unique constraints and the upsert hold without it. Against
the code before both, these tests found 3 and 4 rows for one answer.)

Threads released together by a barrier save the same prompt, on SQLite and on
PostgreSQL; the database's unique constraint and the upsert must leave exactly one
row, readable, holding one of the two texts. The migration removes duplicates that
older versions left behind.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, func, insert, select

from workbook import journal, spaces, store, tables, text, together
from workbook.content import workbook

from helpers import PASS_A, join, make_space

BOOK = workbook()
CHAPTER = BOOK.chapters[0]
ROUNDS = 12


def _together(*calls) -> list[BaseException]:
    """Run the calls at the same moment; return what they raised."""
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call):
        barrier.wait()
        try:
            call()
        except BaseException as exc:  # noqa: BLE001  (collected for the assertion)
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return errors


def test_two_tabs_saving_one_answer_keep_one_row(db):
    sam = make_space(db).member
    for i, prompt in enumerate((CHAPTER.prompts * ROUNDS)[:ROUNDS]):
        texts = [f"tab {n} {i}" for n in range(4)]
        errors = _together(
            *[
                lambda t=t, p=prompt: journal.save(
                    db, sam, chapter_id=CHAPTER.id, prompt_id=p.id, text=t, visibility="private"
                )
                for t in texts
            ]
        )
        assert not errors, errors
        with db.engine.connect() as conn:
            count = conn.execute(
                select(func.count()).where(
                    tables.reflections.c.space_id == sam.space_id,
                    tables.reflections.c.prompt_id == prompt.id,
                )
            ).scalar_one()
        assert count == 1, f"round {i}: {count} rows for one answer"
        (mine,) = [r for r in journal.visible(db, sam) if r.prompt_id == prompt.id]
        assert mine.text in texts


def test_two_tabs_saving_one_together_answer_and_agreement(db):
    sam = make_space(db).member
    alex = join(db, spaces.create_invite(db, sam)).member
    for i, prompt in enumerate((CHAPTER.together * ROUNDS)[:ROUNDS]):
        errors = _together(
            lambda p=prompt.id, i=i: together.answer(db, sam, p, f"one {i}"),
            lambda p=prompt.id, i=i: together.answer(db, sam, p, f"two {i}"),
        )
        assert not errors, errors
        together.answer(db, alex, prompt.id, "alex")
        errors = _together(
            lambda p=prompt.id, i=i: together.agree(db, sam, p, f"agree one {i}"),
            lambda p=prompt.id, i=i: together.agree(db, alex, p, f"agree two {i}"),
        )
        assert not errors, errors
        state = together.states(db, sam, [prompt.id])[prompt.id]
        assert state.revealed and state.mine.text in (f"one {i}", f"two {i}")
        assert state.agreement.text in (f"agree one {i}", f"agree two {i}")


def test_saving_again_keeps_the_row_and_its_first_date(db):
    sam = make_space(db).member
    first = journal.save(
        db,
        sam,
        chapter_id=CHAPTER.id,
        prompt_id=CHAPTER.prompts[0].id,
        text="a",
        visibility="private",
    )
    again = journal.save(
        db,
        sam,
        chapter_id=CHAPTER.id,
        prompt_id=CHAPTER.prompts[0].id,
        text="b",
        visibility="shared",
    )
    assert again.id == first.id and again.created_at == first.created_at
    (row,) = journal.visible(db, sam)
    assert (row.text, row.visibility) == ("b", "shared")


def test_the_migration_removes_duplicates_keeping_the_newest(target):
    engine = create_engine(target.url)
    cfg = Config()
    cfg.set_main_option("script_location", str(store.Path(store.__file__).parent / "migrations"))
    target.db.engine.dispose()  # the fixture's database is at head: go back one step
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0007")
    t0 = datetime(2026, 1, 1)
    with engine.begin() as conn:
        conn.execute(insert(tables.spaces).values(id="s", name_ct=b"x", created_at=t0))
        conn.execute(
            insert(tables.partners).values(
                id="p",
                space_id="s",
                login_hash=b"h" * 32,
                name_ct=b"x",
                kdf_salt=b"s" * 16,
                kdf_params="x",
                key_wrap=b"x",
                recovery_wrap=b"x",
                created_at=t0,
            )
        )
        for row_id, updated in (("a", 1), ("b", 3), ("c", 2), ("d", 3)):
            conn.execute(
                insert(tables.reflections).values(
                    id=row_id,
                    space_id="s",
                    author_id="p",
                    chapter_id="c",
                    prompt_id="q",
                    visibility="private",
                    body_ct=b"x",
                    created_at=t0,
                    updated_at=t0 + timedelta(hours=updated),
                )
            )
        conn.execute(
            insert(tables.reflections).values(
                id="other",
                space_id="s",
                author_id="p",
                chapter_id="c",
                prompt_id="another",
                visibility="private",
                body_ct=b"x",
                created_at=t0,
                updated_at=t0,
            )
        )
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with engine.connect() as conn:
        kept = sorted(conn.execute(select(tables.reflections.c.id)).scalars())
    assert kept == ["d", "other"]  # the newest update; on a tie, the highest id
    with pytest.raises(Exception, match="(?i)unique|duplicate"), engine.begin() as conn:
        conn.execute(
            insert(tables.reflections).values(
                id="e",
                space_id="s",
                author_id="p",
                chapter_id="c",
                prompt_id="q",
                visibility="private",
                body_ct=b"x",
                created_at=t0,
                updated_at=t0,
            )
        )
    engine.dispose()


def test_two_people_taking_one_sign_in_name_at_once(db):
    """One gets the space; the others get the kind "not available", never an error box."""
    for i in range(ROUNDS // 2):
        login = f"same-{i}"
        made: list = []
        refused: list[str] = []

        def attempt(n: int, login: str = login, made=made, refused=refused) -> None:
            try:
                made.append(make_space(db, login=login, space=f"Space {n}"))
            except spaces.SpaceError as exc:
                refused.append(str(exc))

        errors = _together(*[lambda n=n: attempt(n) for n in range(3)])
        assert not errors, errors
        assert len(made) == 1, (made, refused)
        assert refused == [text.NAME_TAKEN] * 2
    sam = spaces.sign_in(db, "same-0", PASS_A)
    with pytest.raises(spaces.SpaceError, match="not available"):
        join(db, spaces.create_invite(db, sam), login="same-1")


def real_states(db, member, prompt_id):
    return together.states(db, member, [prompt_id])[prompt_id]


def test_taking_an_answer_back_never_undoes_a_reveal_the_partner_may_have_seen(db, monkeypatch):
    """Sam takes a together answer back while Alex answers the same question.

    Either Sam's withdraw comes first (Alex's answer lands after it, nothing was ever
    revealed), or Alex's answer comes first and the withdraw is refused. Before,
    withdraw read "not revealed" and then deleted: Alex's answer could commit in
    between, so both answers were visible for a moment and Sam's then vanished. This
    test failed that way on SQLite and on PostgreSQL.
    """
    sam = make_space(db).member
    alex = join(db, spaces.create_invite(db, sam)).member
    prompt = CHAPTER.together[0].id
    together.answer(db, sam, prompt, "mine")
    read, seen_by_alex = threading.Event(), []
    real_state = together._state

    def slow_state(conn, member, prompt_id):
        state = real_state(conn, member, prompt_id)
        if member.partner_id == sam.partner_id:
            read.set()
            time.sleep(0.6)  # Alex presses "Save" right now
        return state

    monkeypatch.setattr(together, "_state", slow_state)
    errors: list[BaseException] = []

    def withdraw() -> None:
        try:
            together.withdraw(db, sam, prompt)
        except BaseException as exc:  # noqa: BLE001  (checked below)
            errors.append(exc)

    def answer() -> None:
        read.wait(10)
        together.answer(db, alex, prompt, "alex")
        # What Alex's screen would show the moment the save is done.
        seen_by_alex.append(real_states(db, alex, prompt).revealed)

    threads = [threading.Thread(target=withdraw), threading.Thread(target=answer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors  # it went first, so it was allowed
    assert seen_by_alex == [False], "Alex saw both answers, then Sam's vanished"
    state = together.states(db, alex, [prompt])[prompt]
    assert not state.revealed and state.mine.text == "alex" and state.theirs is None
