"""What every part of ``make cluster`` shares: its error, loopback ports, secrets, its voice."""

from __future__ import annotations

import os
import secrets
import socket
from pathlib import Path

LOOPBACK = "127.0.0.1"


class ClusterError(RuntimeError):
    """The cluster cannot start; the message says what to do."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def secret_file(path: Path, nbytes: int = 32) -> str:
    """A random hex secret kept in a 0600 file, made on first use."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(nbytes) + "\n")
    return path.read_text().strip()


def say(message: str) -> None:
    print(f"[cluster] {message}", flush=True)
