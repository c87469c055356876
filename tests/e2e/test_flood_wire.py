"""Flood: one member fires /ask as fast as a client can; everyone else is still served.

The flooder gets exactly ``cooldown.rate`` answers in the window and a friendly ephemeral notice
for every other question (none lost); the other members' questions are all answered, each
within Discord's 3 s deadline (INTERACTION_CREATE -> callback, timed on the fake). Short by
default; ``CAREERBOT_SOAK=1`` for the full 100 questions in 10 s.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import CooldownConfig
from tests.e2e.fake_discord import EPHEMERAL, FakeDiscord, FakeUser, Recorded, Sent
from tests.e2e.test_careerbot import (
    KNOWLEDGE,
    PAY_QUESTION,
    careerbot_running,
    careerbot_settings,
    visible_text,
)

pytestmark = pytest.mark.e2e

RATE = 5
WINDOW_S = 60.0  # longer than the flood: every question after the RATE-th is refused
DEADLINE_S = 3.0
SOAK = bool(os.environ.get("CAREERBOT_SOAK"))
FLOOD, FLOOD_SECONDS = (100, 10.0) if SOAK else (30, 3.0)
QUESTIONS = [
    PAY_QUESTION,
    "what skills does a customer service representative need",
    "what is the job outlook for customer service representatives",
]


@pytest.fixture
async def bot(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[Any]:
    settings = careerbot_settings(tmp_path, KNOWLEDGE).model_copy(
        update={"cooldown": CooldownConfig(rate=RATE, per_seconds=WINDOW_S)}
    )
    async with careerbot_running(fake, settings) as running:
        yield running


async def flood(fake: FakeDiscord, user: FakeUser, count: int, seconds: float) -> list[Sent]:
    sent = []
    for i in range(count):
        sent.append(await fake.slash("ask", {"question": QUESTIONS[i % 3]}, user=user))
        await asyncio.sleep(seconds / count)
    return sent


async def others_ask(fake: FakeDiscord, users: list[FakeUser], seconds: float) -> list[Sent]:
    """Each of ``users`` asks RATE - 1 questions spread over the flood (within their limit)."""
    sent = []
    per_user = RATE - 1
    for i in range(per_user):
        for user in users:
            sent.append(await fake.slash("ask", {"question": QUESTIONS[i % 3]}, user=user))
        await asyncio.sleep(seconds / per_user)
    return sent


def is_cooldown_notice(cb: Recorded) -> bool:
    flags = int(cb.data.get("flags", 0) or 0)
    return bool(flags & EPHEMERAL) and "try again in" in visible_text(cb)


@pytest.mark.slow
async def test_flood_is_limited_and_others_are_served_in_time(fake: FakeDiscord, bot: Any) -> None:
    flooder = FakeUser(1_400_000_000_000_000_100, "flooder")
    others = [FakeUser(1_400_000_000_000_000_200 + i, f"member{i}") for i in range(3)]
    flooded, served = await asyncio.gather(
        flood(fake, flooder, FLOOD, FLOOD_SECONDS), others_ask(fake, others, FLOOD_SECONDS)
    )
    flood_cbs = [await fake.response(s, within=10) for s in flooded]
    other_cbs = [await fake.response(s, within=10) for s in served]

    notices = [cb for cb in flood_cbs if is_cooldown_notice(cb)]
    answers = [cb for cb in flood_cbs if cb.data.get("embeds")]
    assert len(answers) == RATE, [visible_text(cb)[:60] for cb in flood_cbs]
    assert len(notices) == FLOOD - RATE
    assert flood_cbs[:RATE] == answers, "the first RATE questions are the answered ones"

    for sent, cb in zip(served, other_cbs, strict=True):
        assert cb.data.get("embeds") and not is_cooldown_notice(cb), visible_text(cb)
        if sent.payload["data"]["options"][0]["value"] == PAY_QUESTION:
            assert "42,830" in visible_text(cb)
    pairs = zip(flooded + served, flood_cbs + other_cbs, strict=True)
    latencies = [cb.at - s.sent_at for s, cb in pairs]
    assert max(latencies) < DEADLINE_S, f"slowest callback {max(latencies):.2f} s"
    failed = [r for r in fake.requests if r.kind == "callback" and r.status >= 300]
    assert not failed, [(r.status, r.path) for r in failed]
