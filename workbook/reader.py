"""Read the content files in ``prompts/``: one error type and one strict field reader.

Shared by every loader (chapters, questionnaires, resources, the therapist guide) so
that a broken file always fails the same way: a ``ContentError`` naming the file,
the chapter (or section) and the field, which a writer can fix without reading code.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"


class ContentError(ValueError):
    """A content file is missing, unreadable or breaks the schema in prompts/README.md.

    The message names the file, the chapter and the field at fault, so a writer can
    fix it without reading code.
    """

    def __init__(self, file: str, chapter: str, field: str, problem: str) -> None:
        self.file, self.chapter, self.field, self.problem = file, chapter, field, problem
        super().__init__(f"{file}: chapter '{chapter}': field '{field}': {problem}")


class _Reader:
    """Reads fields from one table of a file, turning every problem into ContentError."""

    def __init__(self, file: str, chapter: str, data: Any, where: str = "") -> None:
        self.file, self.chapter, self.where = file, chapter, where
        if not isinstance(data, dict):
            self.fail("", "must be a table")
        self.data: dict[str, Any] = data

    def fail(self, field: str, problem: str) -> None:
        raise ContentError(self.file, self.chapter, f"{self.where}{field}", problem)

    def text(self, field: str, required: bool = True) -> str:
        value = self.data.get(field)
        if value is None:
            if required:
                self.fail(field, "is missing")
            return ""
        if not isinstance(value, str):
            self.fail(field, f"must be text, not {type(value).__name__}")
        if required and not value.strip():
            self.fail(field, "is empty")
        return value.strip()

    def integer(self, field: str) -> int:
        value = self.data.get(field)
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(field, "must be a whole number")
        return value

    def table(self, field: str) -> _Reader:
        if field not in self.data:
            self.fail(field, "is missing")
        return _Reader(self.file, self.chapter, self.data[field], f"{self.where}{field}.")

    def tables(self, field: str, required: bool = True) -> list[_Reader]:
        value = self.data.get(field, [] if not required else None)
        if value is None:
            self.fail(field, "is missing")
        if not isinstance(value, list):
            self.fail(field, "must be a list of tables ([[...]])")
        return [
            _Reader(self.file, self.chapter, item, f"{self.where}{field}[{i + 1}].")
            for i, item in enumerate(value)
        ]

    def flag(self, field: str) -> bool:
        """An optional true/false field (false when missing)."""
        value = self.data.get(field, False)
        if not isinstance(value, bool):
            self.fail(field, f"must be true or false, not {value!r}")
        return value

    def strings(self, field: str) -> tuple[str, ...]:
        value = self.data.get(field)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(field, "must be a list of text")
        return tuple(value)


def read_toml(path: Path) -> dict[str, Any]:
    """Parse one TOML file; a syntax error names the file (chapter unknown yet)."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ContentError(path.name, "?", "", f"cannot be read ({exc.strerror})") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ContentError(path.name, "?", "", f"is not valid TOML: {exc}") from exc
