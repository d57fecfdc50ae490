"""``make cluster`` for real: HAProxy with TLS in front of two app processes on PostgreSQL.

One cluster per module, started as ``python -m deploy.cluster`` with its own data
folder (so it also makes its own PostgreSQL server, as a trial install would). The
proxy names the process behind every response (X-Workbook-Process), which is how
these tests know that two browsers really are on two processes.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_e2e import REVEAL, answer_together

from deploy.haproxy import PROCESS_HEADER, STICKY_COOKIE

from browser import Person, close_people, make_couple
from conftest import PROJECT, free_port
from helpers import PASS_A, PASS_B

pytestmark = [pytest.mark.cluster, pytest.mark.e2e, pytest.mark.postgres]

NEW_PASS_A = "violet harbour slow kite"
INSECURE = ssl.create_default_context()
INSECURE.check_hostname = False
INSECURE.verify_mode = ssl.CERT_NONE  # the trial's own self-signed certificate


def _require(what: str, present: bool) -> None:
    if present:
        return
    if os.environ.get("WORKBOOK_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"{what} is required here (.ci/run installs it)")
    pytest.skip(f"{what} is not installed")


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    _require("HAProxy", shutil.which("haproxy") is not None)
    _require("PostgreSQL", bool(list(Path("/usr/lib/postgresql").glob("*/bin/initdb"))))
    # Not under pytest's 0700 temporary folder: PostgreSQL runs as its own user when
    # the tests run as root, and must be able to enter the data folder.
    data = Path(tempfile.mkdtemp(prefix="workbook-cluster-"))
    data.chmod(0o755)
    port = free_port()
    env = {**os.environ, "WORKBOOK_DATA_DIR": str(data)}
    for name in ("WORKBOOK_DATABASE_URL", "WORKBOOK_INSTANCE_SECRET", "WORKBOOK_TLS_CERT"):
        env.pop(name, None)
    log = data / "cluster.out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "deploy.cluster", "--port", str(port), "--workers", "2"],
        cwd=PROJECT,
        env=env,
        stdout=open(log, "wb"),  # noqa: SIM115 - closed with the process
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 180
    while "serving https://" not in log.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the cluster did not start:\n" + log.read_text(errors="replace")[-3000:])
        time.sleep(0.3)
    yield f"https://127.0.0.1:{port}"
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("the cluster did not stop on SIGTERM")
    out = log.read_text(errors="replace")
    assert "stopped" in out, out[-2000:]
    shutil.rmtree(data, ignore_errors=True)
    left = subprocess.run(["pgrep", "-f", str(data)], capture_output=True, text=True)
    assert not left.stdout.strip(), f"left running: {left.stdout}"  # PostgreSQL, HAProxy
    for app_port in re.findall(r"app\d+ on :(\d+)", out):
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", int(app_port))) != 0, f"app on {app_port} still up"


class TrustingBrowser:
    """Chromium contexts that accept the trial's self-signed certificate."""

    def __init__(self, browser) -> None:
        self.browser = browser

    def new_context(self, **kwargs):
        return self.browser.new_context(ignore_https_errors=True, **kwargs)


@pytest.fixture
def people(request, browser, cluster, tmp_path):
    made: list[Person] = []
    violations: list[str] = []

    def make(name: str, size=(1280, 800)) -> Person:
        person = Person(TrustingBrowser(browser), cluster, tmp_path, name, size)
        person.page.on(
            "console",
            lambda msg: (
                violations.append(msg.text) if "Content Security Policy" in msg.text else None
            ),
        )
        made.append(person)
        return person

    make.violations = violations
    yield make
    close_people(request, made)


def process_of(person: Person) -> str:
    """The process this browser is kept on: the proxy's cookie and its response header."""
    cookie = {c["name"]: c["value"] for c in person.context.cookies()}.get(STICKY_COOKIE)
    answered = person.page.request.get(f"{person.base}/_stcore/health")
    assert answered.headers[PROCESS_HEADER.lower()] == cookie
    return cookie


def sign_in(person: Person, login: str, secret: str) -> None:
    person.open("account")
    panel = "Sign in"
    person.page.get_by_role("tabpanel", name=panel).get_by_label("Sign-in name", exact=True).fill(
        login
    )
    person.page.get_by_role("tabpanel", name=panel).get_by_label("Passphrase", exact=True).fill(
        secret
    )
    person.page.get_by_role("button", name="Sign in", exact=True).click()
    person.settle()
    person.page.get_by_text("Signed in as").first.wait_for(timeout=60_000)


def test_a_couple_on_two_processes_does_everything_together(people):
    sam, alex = make_couple(people, "cluster")
    on_sam, on_alex = process_of(sam), process_of(alex)
    assert {on_sam, on_alex} == {"app1", "app2"}, "the two browsers share one process"

    # The together loop, each partner on their own process.
    sam.go("3. Talking with each other")
    answer_together(sam, "Sam's answer through the proxy")
    sam.page.get_by_text("Waiting for Alex to answer").first.wait_for()
    alex.go("3. Talking with each other")
    alex.page.get_by_text("Sam has answered").first.wait_for()
    assert alex.page.get_by_text("Sam's answer through the proxy").count() == 0
    answer_together(alex, "Alex's answer through the proxy")
    alex.page.get_by_text(REVEAL, exact=True).first.click()
    alex.page.get_by_text("Sam's answer through the proxy").first.wait_for()
    sam.go("Where you are")
    sam.go("3. Talking with each other")
    sam.page.get_by_text(REVEAL, exact=True).first.click()
    sam.page.get_by_text("Alex's answer through the proxy").first.wait_for()

    # A backup download: made in one process's memory, fetched through the proxy.
    sam.go("Your data")
    sam.page.get_by_label("Your passphrase", exact=True).last.fill(PASS_A)
    sam.click("Prepare backup")
    with sam.page.expect_download(timeout=60_000) as download:
        sam.page.get_by_role("button", name="Download backup").click()
    backup = Path(download.value.path()).read_bytes()
    assert len(backup) > 100 and b"Sam's answer through the proxy" not in backup

    # Sam signs in again in a second browser kept on Alex's process, and changes the
    # passphrase there: Sam's first browser, on the other process, is signed out.
    other = people("sam-elsewhere")
    other.context.add_cookies([{"name": STICKY_COOKIE, "value": on_alex, "url": other.base}])
    sign_in(other, "sam-cluster", PASS_A)
    assert process_of(other) == on_alex != on_sam
    other.go("Your data")
    other.page.get_by_text("Change your passphrase").click()
    other.page.get_by_label("Current passphrase", exact=True).fill(PASS_A)
    other.page.get_by_label("New passphrase", exact=True).fill(NEW_PASS_A)
    other.page.get_by_label("Type the new passphrase again", exact=True).fill(NEW_PASS_A)
    other.click("Change passphrase")
    other.page.get_by_text("Your passphrase is changed").first.wait_for(timeout=60_000)
    sam.go("Your space")
    sam.page.get_by_text("You were signed out because your passphrase changed").first.wait_for()
    other.context.close()

    # Alex leaves on one process while Sam is signed in on the other.
    sign_in(sam, "sam-cluster", NEW_PASS_A)
    alex.go("Your data")
    alex.page.get_by_text("Leave this space").click()
    alex.page.locator(".st-key-leave_ok label").click()  # Streamlit's drawn checkbox
    alex.settle()
    alex.click("Leave the space")
    sam.go("Your space")
    sam.page.get_by_text("You were signed out").first.wait_for()
    sign_in(sam, "sam-cluster", NEW_PASS_A)
    sam.go("3. Talking with each other")
    assert sam.page.get_by_text("Alex's answer through the proxy").count() == 0
    sam.shot("after-alex-left")
    alex.open("account")
    alex.page.get_by_role("tabpanel", name="Sign in").get_by_label("Sign-in name", exact=True).fill(
        "alex-cluster"
    )
    alex.page.get_by_role("tabpanel", name="Sign in").get_by_label("Passphrase", exact=True).fill(
        PASS_B
    )
    alex.click("Sign in")
    alex.page.get_by_text("do not match").first.wait_for(timeout=60_000)

    assert (sam.hosts | alex.hosts) <= {"127.0.0.1"}
    assert not people.violations, (
        "the proxy's Content-Security-Policy blocked something the app needs; an inline "
        f"script needs its hash in deploy/haproxy.py: {people.violations[:3]}"
    )


def _get(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback
    try:
        return urllib.request.urlopen(request, context=INSECURE, timeout=10)  # noqa: S310
    except urllib.error.HTTPError as exc:
        return exc


def test_the_proxy_sends_security_headers_and_hides_metrics(cluster):
    page = _get(cluster + "/")
    headers = {k.lower(): v for k, v in page.headers.items()}
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert not re.search(r"https?://|\*", csp)  # nothing but the app itself
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["strict-transport-security"].startswith("max-age=")
    assert headers[PROCESS_HEADER.lower()] in {"app1", "app2"}
    assert "httponly" in headers["set-cookie"].lower()
    assert _get(cluster + "/_stcore/metrics").status == 404
    assert _get(cluster + "/_stcore/health").status == 200


def _upgrade(cluster: str, host: str) -> bytes:
    port = int(cluster.rsplit(":", 1)[1])
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    with INSECURE.wrap_socket(raw, server_hostname="localhost") as s:
        s.sendall(
            (
                f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}:{port}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                "Sec-WebSocket-Protocol: streamlit\r\n\r\n"
            ).encode()
        )
        return s.recv(200).split(b"\r\n", 1)[0]


def test_websockets_upgrade_through_the_proxy_only_for_allowed_host_names(cluster):
    assert b" 101 " in _upgrade(cluster, "127.0.0.1")
    assert b" 101 " not in _upgrade(cluster, "rebound.example")
