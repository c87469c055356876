"""Fixtures for the end-to-end suite: a fake Discord on 127.0.0.1 and bots connected to it."""

from __future__ import annotations

import asyncio
import contextlib
import warnings
from collections.abc import AsyncIterator

import pytest

with warnings.catch_warnings():
    # discord.py imports the stdlib audioop (deprecated in 3.11) for voice; not our concern.
    warnings.simplefilter("ignore", DeprecationWarning)
    import discord

from tests.e2e.fake_discord import FakeDiscord, pointed_at

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
