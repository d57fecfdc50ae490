"""Together answers, agreements, readiness check-ins and exercises marked done.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _ids() -> list[sa.Column]:
    return [
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "space_id",
            sa.String(36),
            sa.ForeignKey("spaces.id", ondelete="CASCADE"),
            nullable=False,
        ),
    ]


def _author(nullable: bool = False, ondelete: str = "CASCADE") -> sa.Column:
    return sa.Column(
        "author_id",
        sa.String(36),
        sa.ForeignKey("partners.id", ondelete=ondelete),
        nullable=nullable,
    )


def upgrade() -> None:
    op.create_table(
        "together_answers",
        *_ids(),
        _author(),
        sa.Column("prompt_id", sa.String(60), nullable=False),
        sa.Column("body_ct", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("space_id", "prompt_id", "author_id", name="uq_together_answer"),
    )
    op.create_table(
        "agreements",
        *_ids(),
        sa.Column("prompt_id", sa.String(60), nullable=False),
        _author(nullable=True, ondelete="SET NULL"),
        sa.Column("body_ct", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("space_id", "prompt_id", name="uq_agreement"),
    )
    op.create_table(
        "readiness_answers",
        *_ids(),
        _author(),
        sa.Column("round", sa.Integer, nullable=False),
        sa.Column("answers_ct", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("space_id", "round", "author_id", name="uq_readiness_answer"),
    )
    op.create_table(
        "exercises_done",
        *_ids(),
        _author(),
        sa.Column("chapter_id", sa.String(40), nullable=False),
        sa.Column("note_ct", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("space_id", "chapter_id", "author_id", name="uq_exercise_done"),
    )


def downgrade() -> None:
    for table in ("exercises_done", "readiness_answers", "agreements", "together_answers"):
        op.drop_table(table)
