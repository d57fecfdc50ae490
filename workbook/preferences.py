"""Each partner's own settings (for now: their country for support lines).

Even a country says something about a person, so preferences are one JSON field
sealed with the partner's private key, never in clear.
"""

from __future__ import annotations

import json

from sqlalchemy import delete, insert, select

from workbook import vault
from workbook.spaces import Member
from workbook.store import Db, now, preferences


def _ad(member: Member) -> bytes:
    return vault.ad(
        "preferences", "prefs_ct", member.partner_id, member.space_id, member.partner_id
    )


def load(db: Db, member: Member) -> dict[str, str]:
    with db.engine.connect() as conn:
        ct = conn.execute(
            select(preferences.c.prefs_ct).where(preferences.c.partner_id == member.partner_id)
        ).scalar()
    if ct is None:
        return {}
    return json.loads(vault.open_text(member.private_key, ct, _ad(member)))


def update(db: Db, member: Member, **values: str) -> dict[str, str]:
    prefs = {**load(db, member), **values}
    with db.engine.begin() as conn:
        conn.execute(delete(preferences).where(preferences.c.partner_id == member.partner_id))
        conn.execute(
            insert(preferences).values(
                partner_id=member.partner_id,
                space_id=member.space_id,
                prefs_ct=vault.seal(member.private_key, json.dumps(prefs), _ad(member)),
                updated_at=now(),
            )
        )
    return prefs
