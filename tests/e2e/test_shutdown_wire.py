"""Shutting down while members wait: the answer in flight is delivered, and nothing the client
dispatches after close leaks a never-awaited coroutine (the cause of a flaky
``PytestUnraisableExceptionWarning`` about ``Client._run_event`` in the fault tests)."""

from __future__ import annotations

import asyncio
import gc
import logging
import warnings
from pathlib import Path

import pytest

import bot.app as app
from tests.e2e.conftest import FAKE_TOKEN
from tests.e2e.fake_discord import KIND_CALLBACK, FakeDiscord, pointed_at
from tests.e2e.test_careerbot import (
    KNOWLEDGE,
    PAY_QUESTION,
    careerbot_running,
    careerbot_settings,
)

pytestmark = pytest.mark.e2e


async def test_close_waits_for_the_answer_in_flight(
    fake: FakeDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    careerbot = app.create_bot(careerbot_settings(tmp_path, KNOWLEDGE))
    careerbot._connection.guild_ready_timeout = 0.05
    with pointed_at(fake):
        running = asyncio.create_task(careerbot.start(FAKE_TOKEN))
        await asyncio.wait_for(careerbot.wait_until_ready(), 15)
        hold = fake.hold_next_callback()
        inter = await fake.slash("ask", {"question": PAY_QUESTION})
        await asyncio.wait_for(hold.arrived.wait(), 15)

        released_when_closed: list[bool] = []
        closing = asyncio.create_task(careerbot.close())
        closing.add_done_callback(lambda _: released_when_closed.append(hold.release.is_set()))
        # Give close every chance to finish early (it must not: an answer is in flight).
        await asyncio.wait({closing}, timeout=1.0)
        hold.release.set()
        await asyncio.wait_for(closing, 15)
        await asyncio.wait_for(running, 10)

    assert released_when_closed == [True], "close() did not wait for the answer in flight"
    answers = [r for r in fake.requests if r.kind == KIND_CALLBACK and r.token == inter.token]
    assert [r.status for r in answers] == [200]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


async def test_events_dispatched_after_close_are_dropped(fake: FakeDiscord, tmp_path: Path) -> None:
    async with careerbot_running(fake, careerbot_settings(tmp_path, KNOWLEDGE)) as careerbot:
        pass
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        careerbot.dispatch("disconnect")  # CareerBot.on_disconnect exists: it would be scheduled
        gc.collect()
    assert not [w for w in caught if "never awaited" in str(w.message)]
