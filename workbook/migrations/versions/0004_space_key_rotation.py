"""Space key rotation after a partner leaves.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("spaces") as batch:
        batch.add_column(
            sa.Column("rotate_due", sa.Boolean, nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("partners") as batch:
        batch.add_column(sa.Column("space_wrap", sa.LargeBinary, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("partners") as batch:
        batch.drop_column("space_wrap")
    with op.batch_alter_table("spaces") as batch:
        batch.drop_column("rotate_due")
