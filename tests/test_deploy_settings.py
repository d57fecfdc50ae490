"""make cluster's settings that need no cluster to check (deploy/cluster.py)."""

from __future__ import annotations

from deploy.cluster import HSTS_REAL, HSTS_TRIAL, hsts_default


def test_hsts_is_short_on_the_trial_certificate_and_a_year_on_a_real_one():
    # A year of HSTS on a self-signed localhost trial would pin every local site.
    assert hsts_default({}) == HSTS_TRIAL == 300
    real = {"WORKBOOK_TLS_CERT": "/etc/cert.pem", "WORKBOOK_TLS_KEY": "/etc/key.pem"}
    assert hsts_default(real) == HSTS_REAL == 31_536_000
    assert hsts_default({"WORKBOOK_TLS_CERT": "/etc/cert.pem"}) == HSTS_TRIAL  # no key
    assert hsts_default({**real, "WORKBOOK_HSTS_SECONDS": "86400"}) == 86400
    assert hsts_default({"WORKBOOK_HSTS_SECONDS": "0"}) == 0
