"""The tables (SQLAlchemy Core): what each row holds, and which columns are ciphertext.

Every free-text column holds an envelope from ``workbook.vault`` (BLOB/bytea), never
text: ENCRYPTED_COLUMNS lists them and a test checks that every other column is on
the short allow-list of metadata that may stay in clear (SECURITY.md). The schema is
created and upgraded by the Alembic migrations in ``workbook/migrations``, which are
checked against these definitions; ``store.py`` holds the engines and migrations run.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    false,
)

metadata = MetaData()

spaces = Table(
    "spaces",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name_ct", LargeBinary, nullable=False),
    Column("created_at", DateTime, nullable=False),
    # Set when a partner leaves: the one who stays re-keys the space at next sign-in.
    Column("rotate_due", Boolean, nullable=False, server_default=false()),
    # Goes up by one when a partner leaves and again when the space is re-keyed. A
    # session remembers the epoch it opened under; every write checks it in its own
    # transaction (``rotation.require_current_key``), so nothing is sealed with an
    # old key and every open session ends at its next action.
    Column("key_epoch", Integer, nullable=False, server_default="0"),
    # Counts every change a partner could see (workbook.presence): an open page polls
    # this one primary-key lookup and reloads only when it moved.
    Column("revision", Integer, nullable=False, server_default="0"),
)

partners = Table(
    "partners",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("space_id", String(36), ForeignKey("spaces.id", ondelete="CASCADE"), nullable=False),
    Column("login_hash", LargeBinary(32), nullable=False, unique=True),
    Column("name_ct", LargeBinary, nullable=False),
    Column("kdf_salt", LargeBinary(16), nullable=False),
    Column("kdf_params", String(64), nullable=False),
    Column("key_wrap", LargeBinary, nullable=False),
    Column("recovery_wrap", LargeBinary, nullable=False),
    # The current space key sealed under this partner's private key; set after a
    # re-key, and then preferred over the (older) space key inside the wraps above.
    Column("space_wrap", LargeBinary, nullable=True),
    Column("created_at", DateTime, nullable=False),
    # This partner's share of ``spaces.revision`` (workbook.presence): the other's open
    # page tells "something new from your partner" from this person's own other tab.
    Column("changes", Integer, nullable=False, server_default="0"),
    Index("ix_partners_space", "space_id"),
)

invites = Table(
    "invites",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("space_id", String(36), ForeignKey("spaces.id", ondelete="CASCADE"), nullable=False),
    Column("code_hash", LargeBinary(32), nullable=False, unique=True),
    Column("key_wrap", LargeBinary, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
)

signin_failures = Table(
    "signin_failures",
    metadata,
    Column("login_hash", LargeBinary(32), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure_at", DateTime, nullable=False),
)

reflections = Table(
    "reflections",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("space_id", String(36), ForeignKey("spaces.id", ondelete="CASCADE"), nullable=False),
    Column("author_id", String(36), ForeignKey("partners.id", ondelete="CASCADE"), nullable=False),
    Column("chapter_id", String(40), nullable=False),
    Column("prompt_id", String(60), nullable=False),
    Column("visibility", String(8), nullable=False),
    Column("body_ct", LargeBinary, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Index("ix_reflections_space_author", "space_id", "author_id"),
    Index("ix_reflections_space_visibility", "space_id", "visibility"),
    # One answer per partner and prompt: two tabs saving at once meet here (0008).
    Index("uq_reflections_answer", "space_id", "author_id", "prompt_id", unique=True),
)

together_answers = Table(
    "together_answers",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("space_id", String(36), ForeignKey("spaces.id", ondelete="CASCADE"), nullable=False),
    Column("author_id", String(36), ForeignKey("partners.id", ondelete="CASCADE"), nullable=False),
    Column("prompt_id", String(60), nullable=False),
    Column("body_ct", LargeBinary, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    UniqueConstraint("space_id", "prompt_id", "author_id", name="uq_together_answer"),
)

agreements = Table(
    "agreements",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("space_id", String(36), ForeignKey("spaces.id", ondelete="CASCADE"), nullable=False),
    Column("prompt_id", String(60), nullable=False),
    Column("author_id", String(36), ForeignKey("partners.id", ondelete="SET NULL")),
    Column("body_ct", LargeBinary, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    UniqueConstraint("space_id", "prompt_id", name="uq_agreement"),
)

readiness_answers = Table(
    "readiness_answers",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("space_id", String(36), ForeignKey("spaces.id", ondelete="CASCADE"), nullable=False),
    Column("author_id", String(36), ForeignKey("partners.id", ondelete="CASCADE"), nullable=False),
    Column("round", Integer, nullable=False),
    Column("answers_ct", LargeBinary, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    UniqueConstraint("space_id", "round", "author_id", name="uq_readiness_answer"),
)

exercises_done = Table(
    "exercises_done",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("space_id", String(36), ForeignKey("spaces.id", ondelete="CASCADE"), nullable=False),
    Column("author_id", String(36), ForeignKey("partners.id", ondelete="CASCADE"), nullable=False),
    Column("chapter_id", String(40), nullable=False),
    Column("note_ct", LargeBinary, nullable=False),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("space_id", "chapter_id", "author_id", name="uq_exercise_done"),
)

wellbeing_results = Table(
    "wellbeing_results",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("space_id", String(36), ForeignKey("spaces.id", ondelete="CASCADE"), nullable=False),
    Column("author_id", String(36), ForeignKey("partners.id", ondelete="CASCADE"), nullable=False),
    Column("visibility", String(8), nullable=False),
    Column("result_ct", LargeBinary, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Index("ix_wellbeing_space_author", "space_id", "author_id"),
)

care_contacts = Table(
    "care_contacts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("space_id", String(36), ForeignKey("spaces.id", ondelete="CASCADE"), nullable=False),
    Column("author_id", String(36), ForeignKey("partners.id", ondelete="CASCADE"), nullable=False),
    Column("visibility", String(8), nullable=False),
    Column("contact_ct", LargeBinary, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Index("ix_care_space_author", "space_id", "author_id"),
)

preferences = Table(
    "preferences",
    metadata,
    Column(
        "partner_id", String(36), ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("space_id", String(36), ForeignKey("spaces.id", ondelete="CASCADE"), nullable=False),
    Column("prefs_ct", LargeBinary, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

# One row (id 1): HMAC of a constant under the instance secret. Every process checks
# it at start (workbook.startup), so two processes with different secrets cannot
# share one database. A keyed MAC of a fixed string reveals nothing about the secret.
instance_check = Table(
    "instance_check",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("check_value", LargeBinary(32), nullable=False),
    Column("created_at", DateTime, nullable=False),
)

# Words typed but not yet saved, one row per partner and prompt, sealed with the
# partner's private key; upserted as they type, deleted when the answer is saved.
drafts = Table(
    "drafts",
    metadata,
    Column(
        "partner_id", String(36), ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("prompt_id", String(120), primary_key=True),
    Column("space_id", String(36), ForeignKey("spaces.id", ondelete="CASCADE"), nullable=False),
    Column("body_ct", LargeBinary, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

# (table, column) pairs that hold ciphertext; the schema test checks this registry.
ENCRYPTED_COLUMNS = {
    ("spaces", "name_ct"),
    ("partners", "name_ct"),
    ("partners", "key_wrap"),
    ("partners", "recovery_wrap"),
    ("partners", "space_wrap"),
    ("invites", "key_wrap"),
    ("reflections", "body_ct"),
    ("together_answers", "body_ct"),
    ("agreements", "body_ct"),
    ("readiness_answers", "answers_ct"),
    ("exercises_done", "note_ct"),
    ("wellbeing_results", "result_ct"),
    ("care_contacts", "contact_ct"),
    ("preferences", "prefs_ct"),
    ("drafts", "body_ct"),
}
# Columns that may stay in clear: ids, keyed hashes, dates, counts, flags, content ids,
# KDF parameters (the README lists them as visible metadata).
CLEAR_COLUMNS = {
    "id",
    "space_id",
    "author_id",
    "created_at",
    "updated_at",
    "expires_at",
    "login_hash",
    "code_hash",
    "kdf_salt",
    "kdf_params",
    "failures",
    "last_failure_at",
    "chapter_id",
    "prompt_id",
    "visibility",
    "round",
    "partner_id",
    "rotate_due",
    "check_value",
    "key_epoch",
    "revision",
    "changes",
}
