"""A check value of the instance secret, so a process with another secret refuses to start.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "instance_check",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("check_value", sa.LargeBinary(32), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("instance_check")
