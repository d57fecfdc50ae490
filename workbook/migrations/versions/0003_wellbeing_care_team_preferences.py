"""Wellbeing check-in results, the care team, and each partner's preferences.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _space() -> sa.Column:
    return sa.Column(
        "space_id", sa.String(36), sa.ForeignKey("spaces.id", ondelete="CASCADE"), nullable=False
    )


def _author() -> sa.Column:
    return sa.Column(
        "author_id",
        sa.String(36),
        sa.ForeignKey("partners.id", ondelete="CASCADE"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "wellbeing_results",
        sa.Column("id", sa.String(36), primary_key=True),
        _space(),
        _author(),
        sa.Column("visibility", sa.String(8), nullable=False),
        sa.Column("result_ct", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_wellbeing_space_author", "wellbeing_results", ["space_id", "author_id"])
    op.create_table(
        "care_contacts",
        sa.Column("id", sa.String(36), primary_key=True),
        _space(),
        _author(),
        sa.Column("visibility", sa.String(8), nullable=False),
        sa.Column("contact_ct", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_care_space_author", "care_contacts", ["space_id", "author_id"])
    op.create_table(
        "preferences",
        sa.Column(
            "partner_id",
            sa.String(36),
            sa.ForeignKey("partners.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        _space(),
        sa.Column("prefs_ct", sa.LargeBinary, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    for table in ("preferences", "care_contacts", "wellbeing_results"):
        op.drop_table(table)
