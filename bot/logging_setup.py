"""Logging: plain text or one JSON object per line; tokens are redacted from every record."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

from bot.config import Settings

# Slack tokens (xoxb-, xapp-, xoxp-...), Discord bot tokens (three dot-separated base64 parts).
_SECRET = re.compile(
    r"(xox[abposr]-[A-Za-z0-9-]{8,}|xapp-[A-Za-z0-9-]{8,}"
    r"|[MN][A-Za-z\d_-]{23,25}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,})"
)
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


def redact(text: str) -> str:
    """Replace anything shaped like a token with ``[redacted]``."""
    return _SECRET.sub("[redacted]", text)


class RedactingFilter(logging.Filter):
    """Scrubs tokens from the rendered message of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Render, redact, and keep the record."""
        record.msg = redact(record.getMessage())
        record.args = None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        """Render ``record`` as JSON."""
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            data["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(data, default=str)


def configure_logging(settings: Settings) -> None:
    """Install one handler on the root logger (stderr), with token redaction."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactingFilter())
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level if settings.log_level in logging._nameToLevel else "INFO")
    logging.getLogger("alembic").setLevel(logging.WARNING)
