"""AppTest: when a partner leaves, the other's open session ends at its next action."""

from __future__ import annotations

import pytest

from workbook import owndata, settings, spaces, store

from apphelpers import couple, fresh_install, texts  # noqa: F401  (fresh_install: fixture)
from helpers import PASS_A, PASS_B

pytestmark = pytest.mark.usefixtures("fresh_install")


def test_the_partner_who_stays_is_signed_out_at_the_next_click_and_can_sign_in_again():
    sam, alex = couple()
    db = store.open_db(settings.from_environment())
    owndata.leave_space(db, spaces.sign_in(db, "alex", PASS_B))
    sam.switch_page("pages/journal.py").run()
    assert not sam.exception, sam.exception
    assert "member" not in sam.session_state or sam.session_state["member"] is None
    assert "signed out" in texts(sam)
    # Signing in again re-keys the space, and the session is valid.
    back = spaces.sign_in(db, "sam", PASS_A)
    assert spaces.session_valid(db, back)
