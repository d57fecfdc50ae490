"""Spaces, partners, invites, sign-in throttling and reflections.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "spaces",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name_ct", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "partners",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "space_id",
            sa.String(36),
            sa.ForeignKey("spaces.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("login_hash", sa.LargeBinary(32), nullable=False, unique=True),
        sa.Column("name_ct", sa.LargeBinary, nullable=False),
        sa.Column("kdf_salt", sa.LargeBinary(16), nullable=False),
        sa.Column("kdf_params", sa.String(64), nullable=False),
        sa.Column("key_wrap", sa.LargeBinary, nullable=False),
        sa.Column("recovery_wrap", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_partners_space", "partners", ["space_id"])
    op.create_table(
        "invites",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "space_id",
            sa.String(36),
            sa.ForeignKey("spaces.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("code_hash", sa.LargeBinary(32), nullable=False, unique=True),
        sa.Column("key_wrap", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "signin_failures",
        sa.Column("login_hash", sa.LargeBinary(32), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_failure_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "reflections",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "space_id",
            sa.String(36),
            sa.ForeignKey("spaces.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "author_id",
            sa.String(36),
            sa.ForeignKey("partners.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("chapter_id", sa.String(40), nullable=False),
        sa.Column("prompt_id", sa.String(60), nullable=False),
        sa.Column("visibility", sa.String(8), nullable=False),
        sa.Column("body_ct", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_reflections_space_author", "reflections", ["space_id", "author_id"])
    op.create_index("ix_reflections_space_visibility", "reflections", ["space_id", "visibility"])


def downgrade() -> None:
    for table in ("reflections", "signin_failures", "invites", "partners", "spaces"):
        op.drop_table(table)
