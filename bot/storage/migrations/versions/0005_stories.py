"""stories: STAR stories and their review-thread replies

Revision ID: 0005_stories
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_stories"
down_revision = "0001_foundation"
branch_labels = ("stories",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("question", sa.Text(), nullable=True),
        sa.Column("target", sa.String(length=80), nullable=True),
        sa.Column("visibility", sa.String(length=10), nullable=False),
        sa.Column("principles", sa.JSON(), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("word_count", sa.Integer(), nullable=False),
        sa.Column("feedback", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"],
                                name=op.f("fk_stories_group_id_groups"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stories")),
        sa.UniqueConstraint("group_id", "user_id", "number", name=op.f("uq_stories_group_id")),
    )
    op.create_table(
        "story_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"],
                                name=op.f("fk_story_replies_group_id_groups"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["story_id"], ["stories.id"],
                                name=op.f("fk_story_replies_story_id_stories"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_story_replies")),
    )
    op.create_index(op.f("ix_story_replies_story_id"), "story_replies", ["story_id"])
    op.create_index("ix_story_replies_group_user", "story_replies", ["group_id", "user_id"])


def downgrade() -> None:
    op.drop_index("ix_story_replies_group_user", table_name="story_replies")
    op.drop_index(op.f("ix_story_replies_story_id"), table_name="story_replies")
    op.drop_table("story_replies")
    op.drop_table("stories")
