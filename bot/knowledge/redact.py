"""Safe pieces of file content and file names for problem messages.

Problem messages go to a terminal (``check``) and to moderators on Discord (``/kb reload``):
they may name where a problem is, but must never replay a file's content. A ``.env`` file
copied (or linked) into the knowledge folder would otherwise have its token printed in
"expected a mapping, got 'DISCORD_TOKEN=…'". So any content a message quotes goes through
:func:`excerpt` (short, secrets redacted, control characters escaped), and every path and
message through :func:`escape` (a file name with a newline cannot forge an extra line).
"""

from __future__ import annotations

import re

EXCERPT_CHARS = 40
"""Most characters of file content a problem message quotes."""

REDACTED = "[redacted]"

TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{5,8}\.[A-Za-z0-9_-]{25,}")
"""A Discord bot token (the same shape bot.logging_setup redacts from logs)."""

_ASSIGNED_SECRET = re.compile(
    r"(?i)\b([a-z0-9_.-]*(?:token|secret|passw(?:or)?d|pwd|api[_-]?key|private[_-]?key)"
    r"[a-z0-9_.-]*)(\s*[=:]\s*)(\S+)"
)
"""``DISCORD_TOKEN=…``, ``password: …``: whatever follows the name is a secret."""

_LONG_WORD = re.compile(r"[A-Za-z0-9_+/=.\-]{16,}")


def _random_looking(word: str) -> bool:
    """Key- or hash-like: mixed case with digits (16+ chars), or 32+ letters and digits in
    one run (a hex or base64 key; knowledge ids are lowercase words joined by '-' or '.')."""
    has_digit = any(c.isdigit() for c in word)
    has_upper = any(c.isupper() for c in word)
    has_lower = any(c.islower() for c in word)
    if has_digit and has_upper and has_lower:
        return True
    joined = "-" in word or "." in word
    return len(word) >= 32 and has_digit and (has_upper or has_lower) and not joined


def redact(text: str) -> str:
    """``text`` with tokens, assigned secrets and key-like words replaced by [redacted]."""
    text = TOKEN_SHAPE.sub(REDACTED, text)
    text = _ASSIGNED_SECRET.sub(lambda m: f"{m[1]}{m[2]}{REDACTED}", text)
    return _LONG_WORD.sub(lambda m: REDACTED if _random_looking(m[0]) else m[0], text)


def _escaped_char(char: str) -> str:
    return repr(char)[1:-1] if char not in "'\"" else char


def escape(text: str) -> str:
    """``text`` on one line: control and other invisible characters written as escapes
    (``\\n``, ``\\x07``, ``\\u202e``), everything printable as is."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escaped_char(c) for c in text)


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """At most ``limit`` characters of ``text`` (plus '…'), redacted and escaped."""
    shown = escape(redact(text))
    if len(shown) > limit:
        return shown[: limit - 1] + "…"
    return shown
