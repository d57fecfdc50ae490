"""Every row of a backup file checked before anything is written (issue 11, section 2).

The file is an attacker's input until proven otherwise: only known tables and
columns, each value of its column's type and size, one space (the file's own, new
here), one or two partners, unique ids, every author one of the file's partners.
Anything else is "damaged", one kind message.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, Integer, LargeBinary, String, Table

from workbook import text
from workbook.tables import (
    agreements,
    care_contacts,
    exercises_done,
    partners,
    preferences,
    readiness_answers,
    reflections,
    together_answers,
    wellbeing_results,
)
from workbook.tables import spaces as spaces_table

MAX_ROWS = 100_000
MAX_PARTNERS = 2
# Parents before children, so a restore satisfies every foreign key.
BACKUP_TABLES: tuple[Table, ...] = (
    spaces_table,
    partners,
    reflections,
    together_answers,
    agreements,
    readiness_answers,
    exercises_done,
    wellbeing_results,
    care_contacts,
    preferences,
)
_BY_NAME = {t.name: t for t in BACKUP_TABLES}
# Columns naming a partner: they must name one of the file's own partners.
_PARTNER_COLUMNS = ("author_id", "partner_id")


class BackupError(ValueError):
    """A backup could not be opened or restored; ``str()`` is a kind message."""


def unb64(value: Any, size: int | None = None) -> bytes:
    """Strict base64 text to bytes (optionally of one exact length)."""
    if not isinstance(value, str):
        raise ValueError("not base64 text")
    raw = base64.b64decode(value, validate=True)
    if size is not None and len(raw) != size:
        raise ValueError("wrong length")
    return raw


def _is_uuid(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def _value(column, value: Any) -> Any:
    """One cell, checked against its column's type; raises ValueError if it does not fit."""
    if value is None:
        if not column.nullable:
            raise ValueError(f"{column.name} may not be empty")
        return None
    kind = column.type
    if isinstance(kind, LargeBinary):
        if not isinstance(value, dict) or set(value) != {"b64"}:
            raise ValueError(f"{column.name} is not binary")
        raw = unb64(value["b64"])
        if kind.length is not None and len(raw) > kind.length:
            raise ValueError(f"{column.name} is too long")
        return raw
    if isinstance(kind, DateTime):
        if not isinstance(value, dict) or set(value) != {"dt"} or not isinstance(value["dt"], str):
            raise ValueError(f"{column.name} is not a date")
        moment = datetime.fromisoformat(value["dt"])
        if moment.tzinfo is not None:
            raise ValueError(f"{column.name} has a time zone")
        return moment
    if isinstance(kind, Boolean):
        if not isinstance(value, bool):
            raise ValueError(f"{column.name} is not true or false")
        return value
    if isinstance(kind, Integer):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31:
            raise ValueError(f"{column.name} is not a small whole number")
        return value
    if isinstance(kind, String):
        if not isinstance(value, str) or (kind.length is not None and len(value) > kind.length):
            raise ValueError(f"{column.name} is not short text")
        return value
    raise ValueError(f"{column.name} has a type backups do not hold")


def _row(table: Table, row: Any) -> dict[str, Any]:
    if not isinstance(row, dict):
        raise ValueError("a row is not an object")
    unknown = set(row) - set(table.c.keys())
    if unknown:
        raise ValueError(f"unknown columns in {table.name}")
    values = {name: _value(table.c[name], cell) for name, cell in row.items()}
    for column in table.c:
        needed = not column.nullable and column.server_default is None
        if needed and column.name not in values:
            raise ValueError(f"{table.name}.{column.name} is missing")
    return values


def validate(content: dict) -> tuple[str, dict[str, list[dict[str, Any]]]]:
    """Every row of the file, typed and checked; raises BackupError(damaged) otherwise."""
    try:
        space_id = content["space_id"]
        tables = content["tables"]
        if content.get("version") not in (1, 2) or not _is_uuid(space_id):
            raise ValueError("unknown version or space id")
        if not isinstance(tables, dict) or set(tables) - set(_BY_NAME):
            raise ValueError("unknown tables")
        if sum(len(v) for v in tables.values() if isinstance(v, list)) > MAX_ROWS:
            raise ValueError("too many rows")
        out: dict[str, list[dict[str, Any]]] = {}
        for table in BACKUP_TABLES:
            rows = tables.get(table.name, [])
            if not isinstance(rows, list):
                raise ValueError(f"{table.name} is not a list")
            out[table.name] = [_row(table, r) for r in rows]
        _check_belonging(space_id, out)
    except (KeyError, TypeError, ValueError, binascii.Error) as exc:
        raise BackupError(text.BACKUP_DAMAGED) from exc
    return space_id, out


def _check_belonging(space_id: str, rows: dict[str, list[dict[str, Any]]]) -> None:
    """One space, at most two partners, fresh-looking unique ids, authors from the file."""
    [space] = rows["spaces"] or [None]  # exactly one space row (unpacking fails otherwise)
    if space is None or space["id"] != space_id:
        raise ValueError("the file's space row is missing")
    partner_ids = {p["id"] for p in rows["partners"]}
    if not 1 <= len(rows["partners"]) <= MAX_PARTNERS or len(partner_ids) != len(rows["partners"]):
        raise ValueError("a space has one or two partners")
    if len({p["login_hash"] for p in rows["partners"]}) != len(partner_ids):
        raise ValueError("two partners with one sign-in name")
    for table in BACKUP_TABLES[1:]:
        seen: set[str] = set()
        for row in rows[table.name]:
            if row["space_id"] != space_id:
                raise ValueError(f"a {table.name} row names another space")
            if "id" in row:
                if not _is_uuid(row["id"]) or row["id"] in seen:
                    raise ValueError(f"a {table.name} id is not a fresh unique id")
                seen.add(row["id"])
            for name in _PARTNER_COLUMNS:
                if row.get(name) is not None and row[name] not in partner_ids:
                    raise ValueError(f"a {table.name} row names someone outside the file")
            if row.get("visibility", "shared") not in ("private", "shared"):
                raise ValueError("unknown visibility")
