"""The token never reaches log output: messages, arguments, exceptions and tracebacks."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator

import pytest

from bot.logging_setup import REDACTED, redact, setup_logging

TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0Mw.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"
# A value that is the configured token but not token-shaped: only the exact match catches it.
ODD_TOKEN = "not-shaped-like-a-token-but-secret"
OTHER_SHAPED = "OTk5OTk5OTk5OTk5OTk5OTk5.Xy12_z.QWERTYUIOPASDFGHJKLZXCVBNMqwerty"
LINE = re.compile(r"^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] \[(\w+)\s*\] ([\w.]+): (.*)$")


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    level = root.level
    buffer = io.StringIO()
    handler = setup_logging("DEBUG", secrets=[ODD_TOKEN, TOKEN], stream=buffer)
    yield buffer
    root.removeHandler(handler)
    handler.close()
    root.setLevel(level)


def test_one_line_per_event_with_time_level_logger(stream: io.StringIO) -> None:
    logging.getLogger("bot.test").info("hello %s", "world")
    logging.getLogger("discord.gateway").warning("shard %d lagging", 3)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (LINE.match(line) for line in lines)
    assert first is not None and first.groups() == ("INFO", "bot.test", "hello world")
    assert second is not None and second.groups() == (
        "WARNING",
        "discord.gateway",
        "shard 3 lagging",
    )


def test_level_from_config_filters(stream: io.StringIO) -> None:
    setup_logging("WARNING", stream=stream)  # replaces the handler, no duplicates
    logging.getLogger("bot.test").info("hidden")
    logging.getLogger("bot.test").error("shown")
    assert stream.getvalue().count("shown") == 1
    assert "hidden" not in stream.getvalue()


def test_redacts_token_in_message_args_and_shape(stream: io.StringIO) -> None:
    log = logging.getLogger("discord.http")
    log.warning("Authorization: Bot %s", TOKEN)
    log.warning("configured value %s leaked", ODD_TOKEN)
    log.warning("some other token " + OTHER_SHAPED)
    out = stream.getvalue()
    for secret in (TOKEN, ODD_TOKEN, OTHER_SHAPED):
        assert secret not in out
    assert out.count(REDACTED) == 3
    assert "configured value [REDACTED] leaked" in out


def test_redacts_exception_text_and_traceback(stream: io.StringIO) -> None:
    def connect(token: str) -> None:
        raise RuntimeError(f"login failed for {token}")

    try:
        connect(TOKEN)
    except RuntimeError:
        logging.getLogger("discord.client").exception("could not log in")
    logging.getLogger("bot.test").warning("where %s", ODD_TOKEN, stack_info=True)
    out = stream.getvalue()
    assert "Traceback (most recent call last)" in out
    assert "RuntimeError: login failed for [REDACTED]" in out
    assert TOKEN not in out


def test_redact_leaves_ordinary_text_alone() -> None:
    text = "median pay was $39,680 in 2024 (csr-profile); see www.example.org/a.b.c"
    assert redact(text, [TOKEN]) == text
    assert redact(f"token={TOKEN}!", []) == f"token={REDACTED}!"
