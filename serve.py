"""Start the app (``make run`` calls this): ``python serve.py [streamlit options]``.

Why not plain ``streamlit run app.py``:

- With a folder named ``pages/`` beside the entry file, Streamlit 1.67 runs the very
  first request of a fresh server in its old multipage mode, so a deep link such as
  ``/account`` would run that page file alone, without ``app.py`` (no idle lock, no
  "Get help now" link, and a "Page not found" pop-up). Every page here is registered
  by ``st.navigation`` in ``app.py``, so we tell Streamlit so before the server starts.
- The database is reached, migrated and checked against the instance secret *before*
  the server listens (workbook/startup.py): a process that cannot serve says why and
  exits with status 2 instead of answering health checks. The low-priority workers
  that turn passphrases into keys (workbook/kdfpool.py) start here too.
- Everything the pages use is imported before the server listens, and what was
  imported is then kept out of Python's garbage collector (``gc.freeze``), with
  fewer collections of the young objects each page run makes. Measured with 100
  couples arriving at once (``make load``): the first import took 1.3 s while the
  first 15 people waited, and full collections of the whole heap paused every page
  of every session for up to 260 ms.
- ``server.allowedHosts`` (the Host names WebSocket connections may use; it guards
  against DNS rebinding) is 127.0.0.1 and localhost, plus the address given with
  ``--server.address`` and any names in WORKBOOK_ALLOWED_HOSTS (comma-separated).
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

DEFAULT_HOSTS = ["127.0.0.1", "localhost"]
ANY_ADDRESS = {"0.0.0.0", "::", ""}  # noqa: S104 (recognised, not bound)


def _option(argv: list[str], name: str) -> str | None:
    """The value of ``--name value`` or ``--name=value`` in argv, if given."""
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def allowed_hosts(address: str | None, extra: str) -> list[str]:
    """127.0.0.1 and localhost, the bound address, and the operator's extra names.

    Bound to every address (0.0.0.0), the machine's own name is added too; any other
    name people type (a DNS name in front of a proxy) goes in WORKBOOK_ALLOWED_HOSTS.
    """
    hosts = list(DEFAULT_HOSTS)
    if address in ANY_ADDRESS:
        hosts += [socket.gethostname(), socket.getfqdn()]
    elif address:
        hosts.append(address.strip("[]"))
    hosts += [h.strip() for h in extra.split(",") if h.strip()]
    return list(dict.fromkeys(h.lower() for h in hosts))


def streamlit_argv(argv: list[str], app: str) -> list[str]:
    """The ``streamlit run`` command line, with allowedHosts set unless the caller set it."""
    args = ["streamlit", "run", app, *argv]
    if _option(argv, "--server.allowedHosts") is None:
        address = _option(argv, "--server.address")
        for host in allowed_hosts(address, os.environ.get("WORKBOOK_ALLOWED_HOSTS", "")):
            args += ["--server.allowedHosts", host]
    return args


# Young-object collections every 20,000 allocations instead of 700: a page run makes
# tens of thousands of short-lived objects (protobuf messages, widget states).
GC_YOUNG_THRESHOLD = 20_000


def _warm_up_imports() -> None:
    """Import what every page run needs now, then freeze it out of the collector."""
    import gc

    import workbook.ui  # noqa: F401  (everything app.py and the pages import)

    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, old)


def main() -> int:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    from workbook import kdfpool, settings, startup

    try:
        startup.prepare(settings.from_environment())
    except (startup.StartupError, settings.SettingsError) as exc:
        print(f"\nThe workbook did not start.\n{exc}\n", file=sys.stderr, flush=True)
        return 2
    kdfpool.warm_up()  # start the sign-in workers now, not at the first sign-in
    _warm_up_imports()
    PagesManager.uses_pages_directory = False
    app = str(Path(__file__).resolve().parent / "app.py")
    sys.argv = streamlit_argv(sys.argv[1:], app)
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
