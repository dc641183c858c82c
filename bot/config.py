"""Settings from the environment, read once by the composition root and passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_data_dir

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message names it."""


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from None


@dataclass(frozen=True)
class Settings:
    """Every setting studybot reads. Secrets are kept out of ``repr``."""

    data_dir: Path
    database_url: str
    content_dir: Path
    schedules_dir: Path
    admins: frozenset[str] = frozenset()
    log_format: str = "text"
    log_level: str = "INFO"
    grace_hours: float = 2.0
    metrics_port: int | None = None
    slack_bot_token: str | None = field(default=None, repr=False)
    slack_app_token: str | None = field(default=None, repr=False)
    slack_signing_secret: str | None = field(default=None, repr=False)
    slack_api_url: str | None = None
    slack_multi_workspace: bool = False
    discord_token: str | None = field(default=None, repr=False)
    discord_guild_id: str | None = None
    discord_api_url: str | None = None
    discord_gateway_url: str | None = None
    discord_admin_role: str | None = None
    discord_sharded: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read settings from ``env`` (default: ``os.environ``)."""
        env = os.environ if env is None else env
        data_dir = Path(env.get("STUDYBOT_DATA_DIR") or user_data_dir("studybot"))
        url = env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'studybot.sqlite3'}"
        port = env.get("STUDYBOT_METRICS_PORT")
        fmt = env.get("STUDYBOT_LOG_FORMAT", "text").lower()
        if fmt not in ("text", "json"):
            raise SettingsError(f"STUDYBOT_LOG_FORMAT must be text or json, got {fmt!r}")
        if port is not None and not port.isdigit():
            raise SettingsError(f"STUDYBOT_METRICS_PORT must be a port number, got {port!r}")
        return cls(
            data_dir=data_dir,
            database_url=url,
            content_dir=Path(env.get("STUDYBOT_CONTENT_DIR") or PROJECT_ROOT / "content"),
            schedules_dir=Path(env.get("STUDYBOT_SCHEDULES_DIR") or PROJECT_ROOT / "schedules"),
            admins=frozenset(a.strip() for a in env.get("STUDYBOT_ADMINS", "").split(",")
                             if a.strip()),
            log_format=fmt,
            log_level=env.get("STUDYBOT_LOG_LEVEL", "INFO").upper(),
            grace_hours=_float(env, "STUDYBOT_GRACE_HOURS", 2.0),
            metrics_port=int(port) if port else None,
            slack_bot_token=env.get("SLACK_BOT_TOKEN") or None,
            slack_app_token=env.get("SLACK_APP_TOKEN") or None,
            slack_signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
            slack_api_url=env.get("SLACK_API_URL") or None,
            slack_multi_workspace=env.get("SLACK_MULTI_WORKSPACE", "").lower() in ("1", "true"),
            discord_token=env.get("DISCORD_TOKEN") or None,
            discord_guild_id=env.get("DISCORD_GUILD_ID") or None,
            discord_api_url=env.get("DISCORD_API_URL") or None,
            discord_gateway_url=env.get("DISCORD_GATEWAY_URL") or None,
            discord_admin_role=env.get("DISCORD_ADMIN_ROLE") or None,
            discord_sharded=env.get("DISCORD_SHARDED", "").lower() in ("1", "true"),
        )
