"""mocks: waiting queue, sessions and participants (one open session per member), rounds

Revision ID: 0004_mocks
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_mocks"
down_revision = "0001_foundation"
branch_labels = ("mocks",)
depends_on = None


def _group_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["group_id"], ["groups.id"],
                                   name=op.f(f"fk_{table}_group_id_groups"), ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "mock_queue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        _group_fk("mock_queue"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mock_queue")),
        sa.UniqueConstraint("group_id", "user_id", name="uq_mock_queue_member"),
    )
    op.create_table(
        "mock_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("round_index", sa.Integer(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _group_fk("mock_rounds"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mock_rounds")),
        sa.UniqueConstraint("group_id", "local_date", name="uq_mock_rounds_date"),
    )
    op.create_table(
        "mock_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("interviewer_id", sa.String(length=64), nullable=False),
        sa.Column("candidate_id", sa.String(length=64), nullable=False),
        sa.Column("observer_id", sa.String(length=64), nullable=True),
        sa.Column("problem_id", sa.String(length=64), nullable=True),
        sa.Column("question_ids", sa.String(length=400), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("scores", sa.String(length=40), nullable=True),
        sa.Column("weighted", sa.Float(), nullable=True),
        sa.Column("band", sa.String(length=40), nullable=True),
        sa.Column("feedback", sa.Text(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("rating_comment", sa.Text(), nullable=True),
        sa.Column("noshow_against", sa.String(length=64), nullable=True),
        _group_fk("mock_sessions"),
        sa.ForeignKeyConstraint(["round_id"], ["mock_rounds.id"],
                                name=op.f("fk_mock_sessions_round_id_mock_rounds"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mock_sessions")),
    )
    op.create_index("ix_mock_sessions_group_status", "mock_sessions", ["group_id", "status"])
    op.create_table(
        "mock_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("open_flag", sa.Boolean(), nullable=True),
        _group_fk("mock_participants"),
        sa.ForeignKeyConstraint(["session_id"], ["mock_sessions.id"],
                                name=op.f("fk_mock_participants_session_id_mock_sessions"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mock_participants")),
        sa.UniqueConstraint("group_id", "user_id", "open_flag",
                            name="uq_mock_participants_open"),
    )
    op.create_index("ix_mock_participants_session", "mock_participants", ["session_id"])
    op.create_table(
        "mock_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("opted_in", sa.Boolean(), nullable=False),
        sa.Column("skip_next", sa.Boolean(), nullable=False),
        sa.Column("noshow_streak", sa.Integer(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        _group_fk("mock_members"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mock_members")),
        sa.UniqueConstraint("group_id", "user_id", name="uq_mock_members_member"),
    )


def downgrade() -> None:
    op.drop_table("mock_members")
    op.drop_index("ix_mock_participants_session", table_name="mock_participants")
    op.drop_table("mock_participants")
    op.drop_index("ix_mock_sessions_group_status", table_name="mock_sessions")
    op.drop_table("mock_sessions")
    op.drop_table("mock_rounds")
    op.drop_table("mock_queue")
