"""What a stolen database shows: nothing written by a couple, on SQLite and PostgreSQL."""

from sqlalchemy import String, Text

from workbook import journal, spaces
from workbook.tables import CLEAR_COLUMNS, ENCRYPTED_COLUMNS, metadata

from helpers import join


def test_no_plaintext_in_the_raw_database(db, target):
    markers = {
        "space": "Zyxspace-Marker-41",
        "name_a": "Qwename-Marker-42",
        "name_b": "Plkname-Marker-43",
        "login_a": "loginmarker-a44",
        "login_b": "loginmarker-b45",
        "pass_a": "passmarker quiet lamp 46",
        "pass_b": "passmarker green bell 47",
        "private": "Privatemarker-48",
        "shared": "Sharedmarker-49",
    }
    made = spaces.create_space(
        db,
        space_name=markers["space"],
        display_name=markers["name_a"],
        login=markers["login_a"],
        passphrase=markers["pass_a"],
        confirm=markers["pass_a"],
    )
    code = spaces.create_invite(db, made.member)
    joined = join(
        db, code, login=markers["login_b"], name=markers["name_b"], secret=markers["pass_b"]
    )
    journal.save(
        db,
        made.member,
        chapter_id="body",
        prompt_id="body-own-1",
        text=markers["private"],
        visibility=journal.PRIVATE,
    )
    journal.save(
        db,
        joined.member,
        chapter_id="body",
        prompt_id="body-own-1",
        text=markers["shared"],
        visibility=journal.SHARED,
    )
    raw = target.raw_bytes().lower()
    assert raw, "the raw database read returned nothing"
    secrets = [*markers.values(), code, made.recovery_code, joined.recovery_code]
    for value in secrets:
        assert value.lower().encode() not in raw, f"found {value!r} in the stored bytes"
    assert code.replace("-", "").lower().encode() not in raw


def test_every_text_column_is_encrypted_or_on_the_allow_list():
    for table in metadata.tables.values():
        for column in table.columns:
            if (table.name, column.name) in ENCRYPTED_COLUMNS:
                continue
            assert column.name in CLEAR_COLUMNS, (
                f"{table.name}.{column.name} is neither encrypted nor allowed in clear"
            )
            if isinstance(column.type, String | Text):
                assert not column.name.endswith(("_text", "_name", "body", "note")), column.name
