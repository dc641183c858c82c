"""streaks: per-member streak summaries and per-day check-in counts, backfilled

Revision ID: 0006_streaks
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

from bot.storage.streak_backfill import backfill_streaks

revision = "0006_streaks"
down_revision = "0001_foundation"
branch_labels = ("streaks",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_streaks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("last_day", sa.Integer(), nullable=False),
        sa.Column("run", sa.Integer(), nullable=False),
        sa.Column("best", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"],
                                name=op.f("fk_member_streaks_group_id_groups"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_streaks")),
        sa.UniqueConstraint("group_id", "user_id", name=op.f("uq_member_streaks_group_id")),
    )
    op.create_table(
        "group_day_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("plan_day", sa.Integer(), nullable=False),
        sa.Column("checkins", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"],
                                name=op.f("fk_group_day_counts_group_id_groups"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_day_counts")),
        sa.UniqueConstraint("group_id", "plan_day", name=op.f("uq_group_day_counts_group_id")),
    )
    backfill_streaks(op.get_bind())


def downgrade() -> None:
    op.drop_table("group_day_counts")
    op.drop_table("member_streaks")
