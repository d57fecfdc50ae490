"""HAProxy's configuration and TLS certificate for ``make cluster`` (deploy/README.md).

Why HAProxy (Debian 12 ships 2.6): it inserts its own stickiness cookie in one line
(``cookie SERVERID insert indirect nocache``), so each browser stays on one process
and two browsers on one machine can land on different ones; nginx 1.22's free edition
can only stick by client address (``ip_hash``) or hash a cookie the app must set
itself. HAProxy upgrades WebSockets in plain HTTP mode, health-checks each process
and sends no new browsers to one that fails, terminates TLS, blocks a path and sets
response headers, all in one short file. Caddy 2.6 could do most of this too (its
``lb_policy cookie``), with automatic certificates; HAProxy's named servers make the
process behind each response easy to see (the header below) and to read in its logs.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import re
import shutil
import subprocess
from pathlib import Path

import streamlit

# The response header naming the process that answered (tests use it; it names only
# "app1", "app2", ...).
PROCESS_HEADER = "X-Workbook-Process"
STICKY_COOKIE = "SERVERID"


_SCRIPT_BODY = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S)


def _sha256(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"


def inline_script_hashes() -> list[str]:
    """CSP hashes of every inline script the browser runs: one line in Streamlit's own
    index.html, the app's draft keeper (workbook/ui/fields.py) and the page-top keeper
    (workbook/ui/page_frame.py), both added with st.html. A new inline script needs its
    hash here, or the browser blocks it behind the proxy (tests/test_cluster.py fails
    on any blocked script)."""
    from workbook.ui import fields, page_frame  # Streamlit is installed wherever it runs

    index = Path(streamlit.__file__).parent / "static" / "index.html"
    html = index.read_text(encoding="utf-8")
    html += fields._DRAFT_SCRIPT % fields.DRAFT_PAUSE_MS
    html += page_frame._PAGE_TOP_SCRIPT
    return [_sha256(body) for body in _SCRIPT_BODY.findall(html)]


def content_security_policy() -> str:
    """Only the app itself. What Streamlit's frontend needs, and nothing more:

    - ``style-src 'unsafe-inline'``: its components style themselves with inline
      styles (Emotion); scripts stay limited to its own files and the hashed inline ones.
    - ``data:`` and ``blob:`` for images, fonts and media it builds in the page.
    - ``connect-src 'self'``: its WebSocket (wss to the same host) and its fetches.
    """
    scripts = " ".join(["'self'", *inline_script_hashes()])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "media-src 'self' data: blob:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "frame-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def certificate(folder: Path, hosts: list[str]) -> Path:
    """The PEM HAProxy serves: a real one by setting, else a self-signed one for a trial.

    WORKBOOK_TLS_CERT and WORKBOOK_TLS_KEY (PEM files, for example from Let's Encrypt)
    are joined into one file, as HAProxy reads them. Without them, a self-signed
    certificate for localhost and 127.0.0.1 (plus ``hosts``) is made once with openssl.
    """
    import os

    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    cert, key = os.environ.get("WORKBOOK_TLS_CERT"), os.environ.get("WORKBOOK_TLS_KEY")
    pem = folder / "haproxy.pem"
    if cert and key:
        data = Path(cert).read_bytes().rstrip() + b"\n" + Path(key).read_bytes()
    else:
        own = folder / "self-signed.pem"
        if not own.exists():
            names = ["DNS:localhost", "IP:127.0.0.1"]
            for host in hosts:
                try:
                    ipaddress.ip_address(host)
                    names.append(f"IP:{host}")
                except ValueError:
                    names.append(f"DNS:{host}")
            key_file, cert_file = folder / "self-signed.key", folder / "self-signed.crt"
            subprocess.run(  # noqa: S603 - Debian's openssl, fixed arguments
                [
                    shutil.which("openssl") or "/usr/bin/openssl",
                    "req",
                    "-x509",
                    "-newkey",
                    "ec",
                    "-pkeyopt",
                    "ec_paramgen_curve:prime256v1",
                    "-nodes",
                    "-days",
                    "90",
                    "-subj",
                    "/CN=workbook trial",
                    "-addext",
                    "subjectAltName=" + ",".join(dict.fromkeys(names)),
                    "-keyout",
                    str(key_file),
                    "-out",
                    str(cert_file),
                ],
                check=True,
                capture_output=True,
            )
            own.write_bytes(cert_file.read_bytes() + key_file.read_bytes())
            own.chmod(0o600)
            key_file.unlink()
        data = own.read_bytes()
    pem.write_bytes(data)
    pem.chmod(0o600)
    return pem


def config(
    bind: str, port: int, pem: Path, servers: list[tuple[str, int]], hsts_seconds: int
) -> str:
    """haproxy.cfg: TLS in front, one sticky backend of app processes on loopback."""
    csp = content_security_policy()
    lines = [
        "# Made by deploy/cluster.py on every start; edit deploy/haproxy.py instead.",
        "global",
        "    maxconn 4000",
        "    ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets",
        "",
        "defaults",
        "    mode http",
        "    timeout connect 5s",
        "    timeout client 60s",
        "    timeout server 60s",
        "    timeout http-request 15s",
        "    # An open WebSocket is quiet between clicks: keep it for an hour of silence.",
        "    timeout tunnel 1h",
        "",
        "frontend workbook",
        f"    bind {bind}:{port} ssl crt {pem} alpn http/1.1",
        "    # Streamlit's metrics are public by default: nobody outside needs them.",
        "    http-request deny deny_status 404 if { path_beg /_stcore/metrics }",
        f'    http-response set-header Strict-Transport-Security "max-age={hsts_seconds}"',
        f'    http-response set-header Content-Security-Policy "{csp}"',
        "    http-response set-header Referrer-Policy no-referrer",
        "    http-response set-header X-Content-Type-Options nosniff",
        "    http-response set-header X-Frame-Options DENY",
        "    http-response set-header Cross-Origin-Opener-Policy same-origin",
        '    http-response set-header Permissions-Policy "camera=(), microphone=(), '
        'geolocation=(), payment=()"',
        "    default_backend apps",
        "",
        "backend apps",
        "    balance roundrobin",
        "    # Sessions, uploads and downloads live in each process's memory: a browser",
        "    # stays on the process its first page came from (a cookie, not its address).",
        f'    cookie {STICKY_COOKIE} insert indirect nocache httponly secure attr "SameSite=Lax"',
        "    option httpchk",
        "    http-check send meth GET uri /_stcore/health",
        "    http-check expect status 200",
        f"    http-response set-header {PROCESS_HEADER} %[srv_name]",
    ]
    lines += [
        f"    server {name} 127.0.0.1:{p} check inter 2s fall 2 rise 1 cookie {name}"
        for name, p in servers
    ]
    return "\n".join(lines) + "\n"
