"""Each partner's own settings (for now: their country for support lines).

Even a country says something about a person, so preferences are one JSON field
sealed with the partner's private key, never in clear.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy import update as sql_update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from workbook import vault
from workbook.spaces import Member
from workbook.store import Db, now
from workbook.tables import preferences


def _ad(member: Member) -> bytes:
    return vault.ad(
        "preferences", "prefs_ct", member.partner_id, member.space_id, member.partner_id
    )


def load(db: Db, member: Member) -> dict[str, str]:
    with db.reads.connect() as conn:
        ct = conn.execute(
            select(preferences.c.prefs_ct).where(preferences.c.partner_id == member.partner_id)
        ).scalar()
    if ct is None:
        return {}
    return json.loads(vault.open_text(member.private_key, ct, _ad(member)))


def update(db: Db, member: Member, **values: str) -> dict[str, str]:
    """Change some of this partner's settings, keeping the others."""
    return change(db, member, lambda prefs: {**prefs, **values})


def change(
    db: Db, member: Member, how: Callable[[dict[str, str]], dict[str, str]]
) -> dict[str, str]:
    """Apply ``how`` to this partner's settings as they are now, inside the write.

    Two tabs changing settings at once must both land: the row is made if missing
    (insert unless present, the primary key decides) and locked before it is read, in
    one transaction, so the second change reads the first one's result. A setting that
    grows (the reveals opened) must be added to here, never read first and written
    whole: two tabs opening two reveals at once kept only one.
    """
    seal = lambda prefs: vault.seal(member.private_key, json.dumps(prefs), _ad(member))  # noqa: E731
    mine = preferences.c.partner_id == member.partner_id
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    with db.engine.begin() as conn:
        conn.execute(
            insert(preferences)
            .values(
                partner_id=member.partner_id,
                space_id=member.space_id,
                prefs_ct=seal({}),
                updated_at=now(),
            )
            .on_conflict_do_nothing(index_elements=[preferences.c.partner_id])
        )
        query = select(preferences.c.prefs_ct).where(mine)
        if conn.dialect.name == "postgresql":
            query = query.with_for_update()
        ct = conn.execute(query).scalar_one()
        prefs = how(json.loads(vault.open_text(member.private_key, ct, _ad(member))))
        conn.execute(
            sql_update(preferences).where(mine).values(prefs_ct=seal(prefs), updated_at=now())
        )
    return prefs
