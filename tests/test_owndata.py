"""Owning your data: recovery key, deleting for real, leaving, backup and restore."""

import pytest
from sqlalchemy import func, select

from workbook import journal, owndata, spaces, store, tables, together
from workbook.owndata import BackupError
from workbook.spaces import SignInFailed, SpaceError

from conftest import Target
from helpers import PASS_A, PASS_B, join, make_space


@pytest.fixture
def couple(db):
    sam = make_space(db).member
    alex = join(db, spaces.create_invite(db, sam)).member
    journal.save(
        db,
        sam,
        chapter_id="body",
        prompt_id="body-own-1",
        text="SAM-PRIVATE-1",
        visibility="private",
    )
    journal.save(
        db, sam, chapter_id="body", prompt_id="body-own-2", text="SAM-SHARED-1", visibility="shared"
    )
    journal.save(
        db,
        alex,
        chapter_id="body",
        prompt_id="body-own-1",
        text="ALEX-PRIVATE-1",
        visibility="private",
    )
    together.answer(db, sam, "talking-together-1", "SAM-TOGETHER")
    return sam, alex


def count(db, table) -> int:
    with db.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_new_recovery_key_replaces_the_old_one(db, couple):
    made = spaces.create_space(
        db,
        space_name="Kim and Jo",
        display_name="Kim",
        login="kim",
        passphrase=PASS_A,
        confirm=PASS_A,
    )
    new = owndata.regenerate_recovery(db, made.member, PASS_A)
    with pytest.raises(SignInFailed):
        spaces.recover(
            db, login="kim", recovery_code=made.recovery_code, passphrase=PASS_B, confirm=PASS_B
        )
    assert spaces.recover(db, login="kim", recovery_code=new, passphrase=PASS_B, confirm=PASS_B)


def test_regenerating_needs_the_passphrase(db, couple):
    sam, _ = couple
    with pytest.raises(SpaceError, match="does not match"):
        owndata.regenerate_recovery(db, sam, "wrong words here")


def test_deleting_my_entries_removes_the_rows_and_keeps_my_partners(db, couple):
    sam, alex = couple
    assert owndata.delete_my_entries(db, sam) == 3
    assert count(db, tables.reflections) == 1
    assert count(db, tables.together_answers) == 0
    assert [r.text for r in journal.visible(db, alex)] == ["ALEX-PRIVATE-1"]


def test_leaving_removes_the_partner_and_their_words(db, couple):
    sam, alex = couple
    owndata.leave_space(db, sam)
    assert [p.name for p in spaces.partners_of(db, alex)] == ["Alex"]
    assert [r.text for r in journal.visible(db, alex)] == ["ALEX-PRIVATE-1"]
    with pytest.raises(SignInFailed):
        spaces.sign_in(db, "sam", PASS_A)


def test_the_last_partner_to_leave_deletes_the_space(db, couple):
    sam, alex = couple
    owndata.leave_space(db, sam)
    owndata.leave_space(db, alex)
    for table in (tables.spaces, tables.partners, tables.reflections, tables.together_answers):
        assert count(db, table) == 0


def test_deleting_the_space_needs_its_name_typed_and_removes_every_row(db, couple):
    sam, _ = couple
    other = make_space(db, login="kim", name="Kim", space="Kim and Jo").member
    journal.save(
        db, other, chapter_id="body", prompt_id="body-own-1", text="KIM", visibility="private"
    )
    with pytest.raises(SpaceError, match="type the name"):
        owndata.delete_space(db, sam, "yes")
    owndata.delete_space(db, sam, "  sam AND alex ")
    assert count(db, tables.partners) == 1
    assert [r.text for r in journal.visible(db, other)] == ["KIM"]


def test_backup_restores_into_a_fresh_database_and_needs_the_passphrase(db, couple, tmp_path):
    sam, _ = couple
    data = owndata.make_backup(db, sam, PASS_A)
    assert b"SAM-PRIVATE" not in data and b"SAM-SHARED" not in data
    fresh = Target("sqlite", f"sqlite:///{tmp_path / 'fresh.db'}", lambda: b"")
    fresh_db = store.Db(fresh.db.engine, db.pepper, db.kdf)  # same instance secret
    with pytest.raises(BackupError, match="does not open"):
        owndata.restore_backup(fresh_db, data, PASS_B)
    assert owndata.restore_backup(fresh_db, data, PASS_A) > 4
    back = spaces.sign_in(fresh_db, "sam", PASS_A)
    assert sorted(r.text for r in journal.visible(db, sam)) == sorted(
        r.text for r in journal.visible(fresh_db, back)
    )
    alex_back = spaces.sign_in(fresh_db, "alex", PASS_B)
    assert "SAM-PRIVATE-1" not in [r.text for r in journal.visible(fresh_db, alex_back)]
    with pytest.raises(BackupError, match="already here"):
        owndata.restore_backup(fresh_db, data, PASS_A)


def test_a_backup_is_unreadable_with_another_instance_secret(db, couple, tmp_path):
    sam, _ = couple
    data = owndata.make_backup(db, sam, PASS_A)
    other = store.Db(store.engine_for(f"sqlite:///{tmp_path / 'other.db'}"), b"x" * 32, db.kdf)
    # Refused before any key derivation, with words that say why (issue 11, section 2).
    with pytest.raises(BackupError, match="another copy of the app"):
        owndata.restore_backup(other, data, PASS_A)
    with pytest.raises(SignInFailed):
        spaces.sign_in(other, "sam", PASS_A)


def test_a_file_that_is_not_a_backup_is_refused_kindly(db):
    with pytest.raises(BackupError, match="not a workbook backup"):
        owndata.restore_backup(db, b"hello", PASS_A)
    with pytest.raises(BackupError, match="damaged"):
        owndata.restore_backup(db, owndata.MAGIC + b"{not json\n", PASS_A)
