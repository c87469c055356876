"""The bot token never leaks: in-process and as ``python -m bot run``, at DEBUG, through connect,
a failing command, a gateway drop + RESUME and a 429.

The fake records the ``Authorization`` header, so each test first proves the token really was
in use; then no captured output, error reply or ``repr`` may contain it (or its secret part).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import SecretStr

from bot.logging_setup import setup_logging
from tests.e2e.conftest import fake_env, spawned
from tests.e2e.fake_discord import KIND_CALLBACK, KIND_FOLLOWUP, FakeDiscord, pointed_at
from tests.e2e.test_careerbot import (
    KNOWLEDGE,
    PAY_QUESTION,
    careerbot_settings,
    final,
    visible_text,
    write_config,
)

pytestmark = pytest.mark.e2e

SECRET_PART = "zzSECRETzz"
TOKEN = "MTEx" + "A" * 20 + ".Gh1234." + SECRET_PART + "B" * 28
FRAGMENTS = (TOKEN, SECRET_PART, TOKEN.split(".")[0])


def assert_clean(text: str, where: str) -> None:
    for fragment in FRAGMENTS:
        assert fragment not in text, f"{fragment[:12]}… leaked in {where}"


def token_was_used(fake: FakeDiscord) -> bool:
    return any(r.headers.get("Authorization") == f"Bot {TOKEN}" for r in fake.requests)


async def drive_faults(fake: FakeDiscord) -> None:
    """An answer, a 429 on a callback, a gateway drop + RESUME, another answer."""
    fake.fail_next(KIND_CALLBACK, status=429, retry_after=0.1)
    inter = await fake.slash("ask", {"question": PAY_QUESTION})
    assert "42,830" in visible_text(await final(fake, inter, within=20))
    await fake.drop(1006)
    await fake.wait_resume_count(1, within=20)
    again = await fake.slash("ask", {"question": PAY_QUESTION})
    assert "42,830" in visible_text(await final(fake, again, within=20))


async def test_in_process_debug_logs_errors_and_reprs_hold_no_token(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    import bot.app as app

    out = io.StringIO()
    root = logging.getLogger()
    old_level, old_levels = (
        root.level,
        {name: logging.getLogger(name).level for name in ("discord", "discord.http")},
    )
    handler = setup_logging("DEBUG", secrets=[TOKEN], stream=out)
    logging.getLogger("discord.http").setLevel(logging.DEBUG)  # the chattiest logger, too
    settings = careerbot_settings(tmp_path, KNOWLEDGE).model_copy(
        update={"token": SecretStr(TOKEN), "log_level": "DEBUG"}
    )
    bot = app.create_bot(settings)
    bot._connection.guild_ready_timeout = 0.05
    try:
        with pointed_at(fake):
            task = asyncio.create_task(bot.start(TOKEN))
            try:
                await fake.wait_ready(within=15)
                await drive_faults(fake)

                # An error inside a command whose text carries the token (as a library error
                # quoting a request might): logged with a traceback, never shown to the user.
                class Exploding:
                    def __getattr__(self, name: str) -> Any:
                        raise RuntimeError(f"boom while using {TOKEN}")

                good = bot.engine
                bot.engine = Exploding()  # type: ignore[assignment]
                try:
                    inter = await fake.slash("ask", {"question": PAY_QUESTION})
                    reply = await final(fake, inter, within=15)
                finally:
                    bot.engine = good
                assert "went wrong" in visible_text(reply), visible_text(reply)
                assert_clean(str(reply.json), "the error reply")
                reprs = [repr(settings), str(settings), settings.model_dump_json()]
                reprs += [repr(bot), repr(bot.http), repr(bot.ws), repr(bot.user)]
                assert_clean("\n".join(reprs), "a repr")
            finally:
                await bot.close()
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.wait_for(task, 10)
    finally:
        root.removeHandler(handler)
        handler.close()
        root.setLevel(old_level)
        for name, level in old_levels.items():
            logging.getLogger(name).setLevel(level)
    assert token_was_used(fake)
    logged = out.getvalue()
    assert "boom while using" in logged and "Traceback" in logged, "the error was not logged"
    assert "RESUMED" in logged or "resum" in logged.lower(), "no DEBUG gateway lines captured"
    assert_clean(logged, "the log output")


async def test_python_m_bot_run_at_debug_prints_no_token(fake: FakeDiscord, tmp_path: Path) -> None:
    work = write_config(tmp_path, KNOWLEDGE)
    config = yaml.safe_load((work / "config.yaml").read_text())
    config["log_level"] = "DEBUG"
    (work / "config.yaml").write_text(yaml.safe_dump(config))
    env = fake_env(fake, DISCORD_TOKEN=TOKEN)
    async with spawned(fake, ["-m", "bot", "run"], cwd=work, env=env) as proc:
        await drive_faults(fake)
        # A command that fails: its answer (and the error notice) hit a closed interaction.
        fake.fail_next(KIND_FOLLOWUP, status=404, count=2)
        inter = await fake.slash("kb check", user=fake.moderator)

        def lost(r: Any) -> bool:
            return r.kind == KIND_FOLLOWUP and r.token == inter.token and r.status == 404

        # The answer, then the error notice: both hit the closed interaction.
        first = await fake.wait_for(lost, within=20)
        await fake.wait_for(lost, start=fake.requests.index(first) + 1, within=20)
        again = await fake.slash("ask", {"question": PAY_QUESTION})
        assert "42,830" in visible_text(await final(fake, again, within=20))
    assert proc.proc.returncode == 0, proc.output()
    assert token_was_used(fake)
    output = proc.output()
    assert "DEBUG" in output and "Traceback" in output, output[-3000:]
    assert_clean(output, "the subprocess output")
