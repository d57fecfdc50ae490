"""Configuration from environment variables, each with a safe default.

Read once per process. Environment variables rather than ``st.secrets``: the latter
raises when no secrets file exists (ARCHITECTURE.md), and this module must not import
Streamlit. Every setting is listed in SETTINGS so the README can be checked against it.
"""

from __future__ import annotations

import os
import secrets
import stat
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from workbook.vault import KdfParams

PROJECT_DIR = Path(__file__).resolve().parent.parent

SETTINGS = {
    "WORKBOOK_DATABASE_URL": "Database URL (default: SQLite file data/workbook.db). "
    "For PostgreSQL: postgresql+psycopg://user:pass@host/db",
    "WORKBOOK_DATA_DIR": "Folder for the SQLite file and the instance secret (default: data/)",
    "WORKBOOK_INSTANCE_SECRET": "The per-install secret as 64 hex characters, instead of the "
    "file data/instance.key",
    "WORKBOOK_LOCK_MINUTES": "Lock a session after this many idle minutes (default 15)",
    "WORKBOOK_ALLOWED_HOSTS": "Extra host names browsers may use, comma-separated "
    "(server.allowedHosts; 127.0.0.1, localhost and the bound address are always in)",
}


class SettingsError(RuntimeError):
    """A setting has a value the app cannot use; the message says which and how to fix it."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path
    instance_secret: bytes = field(repr=False)
    lock_minutes: float = 15.0
    kdf: KdfParams = KdfParams()


def secret_in_file(path: Path, nbytes: int = 32) -> str:
    """A random hex secret kept in a 0600 file: read it, or make it if it is missing.

    Several processes may start at once on a fresh data folder (``make cluster``): the
    secret is written whole to a private scratch file and then linked into place,
    which succeeds for exactly one of them, so none can read a half-written file or
    fail because another made it first, and all of them use the winner's secret. The
    winner syncs the file and its folder before it goes on: losing the instance secret
    in a power cut would lose every space encrypted under it.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, scratch = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # 0600
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(nbytes) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(scratch, path)
            except FileExistsError:  # another process made it first
                pass
            except OSError:  # a filesystem without hard links (some network mounts)
                _write_new(path, Path(scratch).read_text())
        finally:
            os.unlink(scratch)
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    return _read_whole(path, 2 * nbytes)


def _write_new(path: Path, text: str) -> None:
    """Create ``path`` holding ``text`` unless it exists (then leave it as it is)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def _read_whole(path: Path, length: int, patience: float = 2.0) -> str:
    """The file's text once it is whole: without hard links, another process may still
    be writing it (``_write_new``) for a moment."""
    deadline = time.monotonic() + patience
    while len(text := path.read_text().strip()) < length and time.monotonic() < deadline:
        time.sleep(0.01)
    return text


def _instance_secret(data_dir: Path) -> bytes:
    """The per-install secret: from the environment, else a file made on first start (0600)."""
    env = os.environ.get("WORKBOOK_INSTANCE_SECRET", "").strip()
    if env:
        try:
            value = bytes.fromhex(env)
        except ValueError:
            value = b""
        if len(value) != 32:
            raise SettingsError("WORKBOOK_INSTANCE_SECRET must be 64 hex characters (32 bytes).")
        return value
    path = data_dir / "instance.key"
    text = secret_in_file(path)
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        path.chmod(0o600)
    value = bytes.fromhex(text)
    if len(value) != 32:
        raise SettingsError(f"{path} is damaged: it must hold 64 hex characters.")
    return value


def from_environment() -> Settings:
    data_dir = Path(os.environ.get("WORKBOOK_DATA_DIR", PROJECT_DIR / "data"))
    url = os.environ.get("WORKBOOK_DATABASE_URL", "").strip()
    if not url:
        data_dir.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{data_dir / 'workbook.db'}"
    try:
        lock = float(os.environ.get("WORKBOOK_LOCK_MINUTES", "15"))
    except ValueError as exc:
        raise SettingsError("WORKBOOK_LOCK_MINUTES must be a number of minutes.") from exc
    return Settings(url, data_dir, _instance_secret(data_dir), lock)
