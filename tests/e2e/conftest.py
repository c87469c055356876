"""Fixtures for the end-to-end suite: a fake Discord on 127.0.0.1 and bots connected to it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import warnings
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

with warnings.catch_warnings():
    # discord.py imports the stdlib audioop (deprecated in 3.11) for voice; not our concern.
    warnings.simplefilter("ignore", DeprecationWarning)
    import discord

from bot.engine.trained import user_cache_dir
from tests.e2e.fake_discord import RETRAIN_WITHIN, FakeDiscord, pointed_at

FAKE_TOKEN = "fake.token.for-the-local-fake"


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as server:
        yield server


@contextlib.asynccontextmanager
async def connected(client: discord.Client, fake: FakeDiscord) -> AsyncIterator[discord.Client]:
    """Run ``client`` against ``fake`` until the block ends, then close it and its task."""
    with pointed_at(fake):
        task = asyncio.create_task(client.start(FAKE_TOKEN), name="bot-under-test")
        try:
            ready = asyncio.create_task(client.wait_until_ready())
            done, _ = await asyncio.wait({ready, task}, timeout=15, return_when="FIRST_COMPLETED")
            if ready not in done:
                ready.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await ready
                if task in done:
                    task.result()  # raises the login/connect error
                raise TimeoutError("bot did not become ready")
            yield client
        finally:
            await client.close()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, 10)


SHIM = Path(__file__).parent / "shim"
REPO = Path(__file__).resolve().parents[2]


class BotProcess:
    """A bot running as a subprocess against the fake (output in ``log_path``)."""

    def __init__(self, proc: subprocess.Popen[bytes], log_path: Path) -> None:
        self.proc = proc
        self.log_path = log_path

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    async def stop(self, grace: float = 10.0) -> int:
        """SIGTERM, then SIGKILL after ``grace`` seconds; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.to_thread(self.proc.wait, grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                await asyncio.to_thread(self.proc.wait)
        return self.proc.returncode


def fake_env(fake: FakeDiscord, **extra: str) -> dict[str, str]:
    """The environment of a bot subprocess aimed at ``fake`` through the shim."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREERBOT_")}
    path = [str(SHIM), str(REPO)]
    if env.get("PYTHONPATH"):
        path.append(env["PYTHONPATH"])
    env.update(
        PYTHONPATH=os.pathsep.join(path),
        CAREERBOT_FAKE_DISCORD=fake.url,
        CAREERBOT_FAKE_GUILD_READY_TIMEOUT="0.1",
        DISCORD_TOKEN=FAKE_TOKEN,
        PYTHONUNBUFFERED="1",
        # The run's shared trained-model cache (tests/conftest.py): no cold training per bot.
        CAREERBOT_ENGINE__CACHE_DIR=str(user_cache_dir()),
    )
    env.update(extra)
    return env


@contextlib.asynccontextmanager
async def spawned(
    fake: FakeDiscord, argv: list[str], *, cwd: Path, env: dict[str, str] | None = None
) -> AsyncIterator[BotProcess]:
    """Run ``python argv…`` against ``fake``; waits for the gateway READY; always reaps it."""
    log_path = cwd / f"bot-{fake.port}.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(  # noqa: ASYNC220 - Popen only forks; reaping is async
            [sys.executable, *argv],
            cwd=cwd,
            env=env or fake_env(fake),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    bot = BotProcess(proc, log_path)
    try:
        # A bot process whose knowledge is not in the model cache trains it before it
        # connects (10-20 s alone, more on a busy machine): a bound on a hang, not a speed.
        ready = asyncio.create_task(fake.wait_ready(within=RETRAIN_WITHIN))
        while not ready.done():
            if proc.poll() is not None:
                ready.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await ready
                raise RuntimeError(f"bot exited with {proc.returncode}:\n{bot.output()}")
            await asyncio.sleep(0.05)
        ready.result()
        yield bot
    finally:
        await bot.stop()
