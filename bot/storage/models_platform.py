"""Platform adapters' own small state (e.g. the hash of the last Discord command sync)."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base


class PlatformStateRow(Base):
    """One key/value pair kept for an adapter, such as ``discord:commands_hash:<scope>``."""

    __tablename__ = "platform_state"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
