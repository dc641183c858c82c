"""platform: key/value state for adapters (e.g. the Discord command-sync hash)

Revision ID: 0003_platform
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_platform"
down_revision = "0001_foundation"
branch_labels = ("platform",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "platform_state",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_platform_state")),
    )


def downgrade() -> None:
    op.drop_table("platform_state")
