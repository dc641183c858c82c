"""Alembic environment: runs on the connection the application passes in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from bot.storage.models_all import Base

target_metadata = Base.metadata
config = context.config


def run() -> None:
    """Run migrations online, on the given connection or a new engine."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run()
