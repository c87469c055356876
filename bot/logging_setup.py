"""Logging like discord.py's ``setup_logging``: one line per event, token redacted.

``[2026-11-23 20:01:02] [INFO    ] bot.app: logged in as careerbot#1234``

A :class:`RedactTokenFilter` sits on the handler, so whatever any library logs — the message,
its arguments, an exception's text or a traceback — passes through it before it is written.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from typing import TextIO

REDACTED = "[REDACTED]"
FORMAT = "[{asctime}] [{levelname:<8}] {name}: {message}"
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"

# A Discord bot token: base64 user id . base64 timestamp . HMAC (three url-safe base64 parts).
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{5,8}\.[A-Za-z0-9_-]{25,}")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every exact secret and every token-shaped string replaced."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return TOKEN_SHAPE.sub(REDACTED, text)


class RedactTokenFilter(logging.Filter):
    """Rewrites each record so that neither the token nor token-shaped text reaches output."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what we can, never drop the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg = redact(message, self.secrets)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.secrets)
        return True


def setup_logging(
    level: str = "INFO",
    *,
    secrets: Iterable[str] = (),
    stream: TextIO | None = None,
) -> logging.Handler:
    """Install one redacting handler on the root logger (replacing ours from an earlier call)."""
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.set_name("careerbot")
    handler.setFormatter(logging.Formatter(FORMAT, DATE_FORMAT, style="{"))
    handler.addFilter(RedactTokenFilter(secrets))
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "careerbot"]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(level)
    # discord.http logs every request at DEBUG; keep it quieter unless asked for explicitly.
    logging.getLogger("discord.http").setLevel(max(logging.INFO, root.level))
    return handler
