"""One saved answer per partner and prompt, enforced by the database.

Two tabs saving the same answer at once could each find no row and insert one. Older
duplicates are removed first, keeping the most recently updated one (then the latest
created, then the highest id, so the choice is the same on every database).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

INDEX = "uq_reflections_answer"


def upgrade() -> None:
    # Delete every row for which a "better" row exists in the same (space, author,
    # prompt): plain SQL that SQLite and PostgreSQL both run.
    op.execute(
        sa.text(
            """
            DELETE FROM reflections
            WHERE EXISTS (
                SELECT 1 FROM reflections AS newer
                WHERE newer.space_id = reflections.space_id
                  AND newer.author_id = reflections.author_id
                  AND newer.prompt_id = reflections.prompt_id
                  AND newer.id <> reflections.id
                  AND (
                    newer.updated_at > reflections.updated_at
                    OR (newer.updated_at = reflections.updated_at
                        AND newer.created_at > reflections.created_at)
                    OR (newer.updated_at = reflections.updated_at
                        AND newer.created_at = reflections.created_at
                        AND newer.id > reflections.id)
                  )
            )
            """
        )
    )
    op.create_index(INDEX, "reflections", ["space_id", "author_id", "prompt_id"], unique=True)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="reflections")
