"""What every part of ``make cluster`` shares: its error, loopback ports, its voice."""

from __future__ import annotations

import socket

LOOPBACK = "127.0.0.1"


class ClusterError(RuntimeError):
    """The cluster cannot start; the message says what to do."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def say(message: str) -> None:
    print(f"[cluster] {message}", flush=True)
