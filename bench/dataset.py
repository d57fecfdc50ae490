"""Build benchmark databases fast: real spaces through ``workbook.spaces``, bulk rows beside.

The couple that is measured ("Sam" and "Alex") is made through the app's own
``spaces.create_space`` / ``create_invite`` / ``join_space`` and answers together
prompts through ``together.answer``, so its keys, wraps and rows are exactly what the
app writes. Its 1,000 journal entries and the other spaces' rows are bulk inserted
as real AES-256-GCM envelopes (``vault.seal`` with the right associated data; about 3
µs a row), never through the key derivation. Other spaces' partners get random key
wraps: nobody ever signs in as them, their rows only have to be there, in size and
number, for the queries to step over.

Spaces are created with the lowered KDF cost (common.FAST_KDF) for set-up only; the
timed sign-ins run at the production cost, which re-wraps the key on the first one.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

from bench.common import FAST_KDF
from workbook import journal, sealed, settings, spaces, store, together, vault
from workbook.content import workbook
from workbook.spaces import Member
from workbook.store import Db
from workbook.tables import partners, reflections
from workbook.tables import spaces as spaces_table

TARGET_ENTRIES = 1_000
ENTRIES_PER_OTHER_SPACE = 100
CHUNK = 20_000
WORDS = (
    "today felt heavy and then a little lighter we walked by the river talked about "
    "the baby the name we had chosen my body is tired I miss her I want to hold you "
    "closer but I am afraid of hoping again the doctor said wait a few weeks it is "
    "okay to cry at work your mother called again I did not know what to say sleep "
    "comes late the house is quiet thank you for making tea this morning"
).split()
REVEAL_CHAPTER = "talking"


@dataclass
class Couple:
    login_a: str
    login_b: str
    passphrase_a: str
    passphrase_b: str
    a: Member
    b: Member


def passphrase_for(rng: random.Random) -> str:
    """Four random words and a number: passes the app's strength check."""
    pool = [w for w in WORDS if len(w) > 3]
    return " ".join(rng.sample(pool, 4)) + f" {rng.randrange(1000, 9999)}"


def use_data_dir(data_dir: Path) -> settings.Settings:
    """Point the app's settings (this process) at ``data_dir`` and read them."""
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["WORKBOOK_DATA_DIR"] = str(data_dir)
    os.environ.pop("WORKBOOK_DATABASE_URL", None)
    os.environ.pop("WORKBOOK_INSTANCE_SECRET", None)
    return settings.from_environment()


def setup_db(data_dir: Path, kdf=FAST_KDF) -> Db:
    """A Db on the SQLite file in ``data_dir`` with the same instance secret as the app."""
    conf = use_data_dir(data_dir)
    return Db(store.engine_for(conf.database_url), conf.instance_secret, kdf)


def make_couple(db: Db, n: int, rng: random.Random, prefix: str = "bench") -> Couple:
    """One space with two partners, through the app's own functions."""
    login_a, login_b = f"{prefix}-{n}-a", f"{prefix}-{n}-b"
    pass_a, pass_b = passphrase_for(rng), passphrase_for(rng)
    made = spaces.create_space(
        db,
        space_name=f"Couple {n}",
        display_name=f"Sam {n}",
        login=login_a,
        passphrase=pass_a,
        confirm=pass_a,
    )
    code = spaces.create_invite(db, made.member)
    joined = spaces.join_space(
        db, code=code, display_name=f"Alex {n}", login=login_b, passphrase=pass_b, confirm=pass_b
    )
    return Couple(login_a, login_b, pass_a, pass_b, made.member, joined.member)


def words(rng: random.Random, low: int = 40, high: int = 1200) -> str:
    size = int(min(high, max(low, rng.lognormvariate(5.5, 0.8))))
    out: list[str] = []
    while sum(len(w) + 1 for w in out) < size:
        out.append(rng.choice(WORDS))
    return " ".join(out)


def _stamps(rng: random.Random) -> tuple:
    created = store.now() - timedelta(days=rng.uniform(1, 90))
    updated = created + timedelta(hours=rng.uniform(0, 48)) if rng.random() < 0.3 else created
    return created, updated


def _entry(member: Member, chapter_id: str, prompt_id: str, visibility: str, text: str, rng):
    row_id = store.new_id()
    created, updated = _stamps(rng)
    return {
        "id": row_id,
        "space_id": member.space_id,
        "author_id": member.partner_id,
        "chapter_id": chapter_id,
        "prompt_id": prompt_id,
        "visibility": visibility,
        "body_ct": sealed.seal(member, "reflections", "body_ct", row_id, visibility, text),
        "created_at": created,
        "updated_at": updated,
    }


def fill_target(db: Db, couple: Couple, rng: random.Random, entries: int = TARGET_ENTRIES) -> dict:
    """Give the measured couple ``entries`` journal entries (60% Sam's, 40% Alex's).

    Every real on-your-own prompt gets an answer from both (Sam's alternate private and
    shared, Alex's are shared so they show on Sam's pages); the rest are extra entries
    spread over the five chapters. Both answer every together prompt except Sam on the
    first one of the "talking" chapter, which the reveal action then answers.
    """
    book = workbook()
    rows = []
    for who, share, count in ((couple.a, 0.5, entries * 6 // 10), (couple.b, 1.0, 0)):
        count = count or entries - len(rows)
        made = 0
        for chapter in book.chapters:
            for i, prompt in enumerate(chapter.prompts):
                vis = sealed.SHARED if (share == 1.0 or i % 2) else sealed.PRIVATE
                rows.append(_entry(who, chapter.id, prompt.id, vis, words(rng), rng))
                made += 1
        n = 0
        while made < count:
            chapter = book.chapters[n % len(book.chapters)]
            vis = sealed.SHARED if rng.random() < 0.5 else sealed.PRIVATE
            rows.append(_entry(who, chapter.id, f"{chapter.id}-extra-{n}", vis, words(rng), rng))
            made += 1
            n += 1
    with db.engine.begin() as conn:
        conn.execute(insert(reflections), rows)
    for chapter in book.chapters:
        for i, prompt in enumerate(chapter.together):
            together.answer(db, couple.b, prompt.id, words(rng, 40, 400))
            if not (chapter.id == REVEAL_CHAPTER and i == 0):
                together.answer(db, couple.a, prompt.id, words(rng, 40, 400))
    visible = len(journal.visible(db, couple.a))
    return {"entries": len(rows), "visible_to_sam": visible}


def reveal_prompt_id() -> str:
    return workbook().chapter(REVEAL_CHAPTER).together[0].id


def add_other_rows(db: Db, count: int, rng: random.Random, start: int = 0) -> int:
    """Insert ``count`` journal entries spread over new spaces of 100 entries each.

    Returns the number of spaces made. Each space has two partners with random key
    wraps (they never sign in) and entries sealed with their own fresh keys.
    """
    book = workbook()
    prompt_ids = [(c.id, p.id) for c in book.chapters for p in c.prompts]
    made_spaces = 0
    done = 0
    while done < count:
        space_rows, partner_rows, entry_rows = [], [], []
        while done < count and len(entry_rows) < CHUNK:
            made_spaces += 1
            space_id = store.new_id()
            space_key = vault.Key.new()
            space_rows.append(
                {
                    "id": space_id,
                    "name_ct": vault.seal(
                        space_key,
                        "Our space",
                        vault.ad("spaces", "name_ct", space_id, space_id, "shared"),
                    ),
                    "created_at": store.now() - timedelta(days=rng.uniform(1, 120)),
                }
            )
            members = []
            for _ in range(2):
                partner_id = store.new_id()
                private_key = vault.Key.new()
                kek = vault.Key.new()
                partner_rows.append(
                    {
                        "id": partner_id,
                        "space_id": space_id,
                        "login_hash": os.urandom(32),
                        "name_ct": vault.seal(
                            space_key,
                            "Partner",
                            vault.ad("partners", "name_ct", partner_id, space_id, "shared"),
                        ),
                        "kdf_salt": os.urandom(16),
                        "kdf_params": FAST_KDF.encode(),
                        "key_wrap": vault.wrap_keys(kek, [private_key, space_key], b"bench"),
                        "recovery_wrap": vault.wrap_keys(kek, [private_key, space_key], b"bench"),
                        "created_at": store.now(),
                    }
                )
                members.append(Member(partner_id, space_id, "", "", private_key, space_key))
            per_space = min(ENTRIES_PER_OTHER_SPACE, count - done)
            for i in range(per_space):
                member = members[i % 2]
                if i < 2 * len(prompt_ids):
                    chapter_id, prompt_id = prompt_ids[(i // 2) % len(prompt_ids)]
                else:
                    chapter_id, prompt_id = rng.choice(prompt_ids)
                    prompt_id = f"{prompt_id}-x{i}"
                vis = sealed.SHARED if rng.random() < 0.5 else sealed.PRIVATE
                text = rng.choice(_TEXT_POOL) if _TEXT_POOL else words(rng)
                entry_rows.append(_entry(member, chapter_id, prompt_id, vis, text, rng))
            done += per_space
        with db.engine.begin() as conn:
            conn.execute(insert(spaces_table), space_rows)
            conn.execute(insert(partners), partner_rows)
            conn.execute(insert(reflections), entry_rows)
    return made_spaces


_TEXT_POOL: list[str] = []


def prepare_text_pool(rng: random.Random, size: int = 2_000) -> None:
    """Plain texts to seal for other spaces (each row is still sealed on its own)."""
    _TEXT_POOL[:] = [words(rng) for _ in range(size)]


def count_rows(db: Db) -> dict:
    with db.engine.connect() as conn:
        return {
            "reflections": conn.execute(select(func.count()).select_from(reflections)).scalar_one(),
            "spaces": conn.execute(select(func.count()).select_from(spaces_table)).scalar_one(),
            "partners": conn.execute(select(func.count()).select_from(partners)).scalar_one(),
        }


def checkpoint(db: Db) -> None:
    """Fold the WAL into the main file, as a long-running server would by itself."""
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
