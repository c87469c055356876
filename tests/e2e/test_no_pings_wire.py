"""No reply ever pings anyone: hostile questions through every way in, checked on the wire.

Each message, callback, followup and edit the bot sends must carry ``allowed_mentions`` that
allow neither @everyone/@here nor roles, and users only as the asker when ``ping_asker`` is on.
The bot must also never fail on such input (no error reply, nothing logged at ERROR).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import CooldownConfig, Settings
from tests.e2e.fake_discord import (
    APP_ID,
    CHANNEL_ID,
    DM_CHANNEL_ID,
    MODERATOR_ROLE_ID,
    OWNER_ID,
    FakeDiscord,
    FakeUser,
    Recorded,
)
from tests.e2e.test_careerbot import (
    PAY_QUESTION,
    careerbot_running,
    careerbot_settings,
    visible_text,
)

pytestmark = pytest.mark.e2e

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
RTL = "\u202e\u2067\u200f"
HOSTILE = [
    f"@everyone {PAY_QUESTION}",
    "@here what does a customer service rep earn?",
    f"<@&{MODERATOR_ROLE_ID}> salary for a teller",
    f"<@{OWNER_ID}> <@!{OWNER_ID}> skills for a receptionist",
    "**@everyone** `@here` ~~x~~ ||<@&1>|| [click](https://example.invalid) # heading\n> quote",
    f"pay{ZERO_WIDTH}@{ZERO_WIDTH}everyone{ZERO_WIDTH}",
    f"{RTL}enoyreve@ {PAY_QUESTION}{RTL}",
    ("@everyone " * 600)[:6000],
]


@pytest.fixture
def knowledge_path() -> Path:
    from tests.e2e.test_careerbot import KNOWLEDGE

    return KNOWLEDGE  # read only here


def settings_for(tmp_path: Path, knowledge: Path, ping_asker: bool) -> Settings:
    return careerbot_settings(tmp_path, knowledge).model_copy(
        update={"ping_asker": ping_asker, "cooldown": CooldownConfig(rate=1000, per_seconds=60)}
    )


@pytest.fixture(params=[False, True], ids=["ping_asker-off", "ping_asker-on"])
async def pinging_bot(
    request: pytest.FixtureRequest, fake: FakeDiscord, tmp_path: Path, knowledge_path: Path
) -> AsyncIterator[tuple[Any, bool]]:
    ping = bool(request.param)
    async with careerbot_running(fake, settings_for(tmp_path, knowledge_path, ping)) as running:
        yield running, ping


def is_message(rec: Recorded) -> bool:
    """A request that shows text: not a defer (5/6) or an autocomplete result (8)."""
    if rec.kind == "callback" and rec.body.get("type") not in (4, 7):
        return False
    return bool(rec.data.get("content") or rec.data.get("embeds"))


def assert_pings_nobody(rec: Recorded, asker: int | None, ping_asker: bool) -> None:
    allowed = rec.data.get("allowed_mentions")
    where = f"{rec.method} {rec.path}: {allowed}"
    assert isinstance(allowed, dict), f"no allowed_mentions in {where}"
    parse = allowed.get("parse", [])
    assert "everyone" not in parse and "roles" not in parse and "users" not in parse, where
    assert not allowed.get("roles"), where
    users = [int(u) for u in allowed.get("users", [])]
    if ping_asker:
        assert set(users) <= {asker}, where
    else:
        assert users == [], where
        assert not allowed.get("replied_user"), where


def sent_since(fake: FakeDiscord, mark: int) -> list[Recorded]:
    return [r for r in fake.bot_messages()[:] if fake.requests.index(r) >= mark and is_message(r)]


async def test_hostile_questions_ping_nobody(
    fake: FakeDiscord, pinging_bot: tuple[Any, bool], caplog: pytest.LogCaptureFixture
) -> None:
    _, ping = pinging_bot
    caplog.set_level(logging.INFO)
    asker = fake.member
    replies = 0
    for text in HOSTILE:
        # /ask (the option as Discord would pass it, even past the declared max length)
        mark = fake.mark()
        inter = await fake.slash("ask", {"question": text}, user=asker)
        await fake.response(inter, within=10)
        # @mention in a channel, and a DM
        await fake.message(f"<@{APP_ID}> {text}", mention_bot=True, user=asker)
        await fake.channel_message(CHANNEL_ID, start=mark, within=10)
        dm_mark = fake.mark()
        await fake.message(text, dm=True, user=asker)
        await fake.channel_message(DM_CHANNEL_ID, start=dm_mark, within=10)
        # the "Ask careerbot" menu on a hostile message
        target = fake.user_message(text, user=asker)
        menu = await fake.context_menu_message("Ask careerbot", target, user=fake.moderator)
        # an answer: a defer, the reply on the message and a followup; anything else: one
        # private callback to the menu user (issue 10)
        await fake.final_message(menu, within=10)
        sent = sent_since(fake, mark)
        assert len(sent) >= 4, [r.path for r in sent]
        for rec in sent:  # every reply, also the menu's, answers the asker's own text
            assert_pings_nobody(rec, asker.id, ping)
            assert "something went wrong" not in visible_text(rec).lower(), visible_text(rec)
        replies += len(sent)
    assert replies >= 4 * len(HOSTILE)
    # The moderators' views quote what members asked: they ping nobody either.
    for sub in ("gaps", "stats"):
        mark = fake.mark()
        await fake.response(await fake.slash(f"kb {sub}", user=fake.moderator), within=10)
        for rec in sent_since(fake, mark):
            assert_pings_nobody(rec, None, ping)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


async def test_replies_to_a_plain_member_ping_only_that_member_when_allowed(
    fake: FakeDiscord, pinging_bot: tuple[Any, bool]
) -> None:
    """The reply to a mention names exactly the asker in ``users`` (ping_asker on), or nobody."""
    _, ping = pinging_bot
    other = FakeUser(1_400_000_000_000_000_077, "other")
    mark = fake.mark()
    await fake.message(f"<@{APP_ID}> <@{OWNER_ID}> {PAY_QUESTION}", mention_bot=True, user=other)
    reply = await fake.channel_message(CHANNEL_ID, start=mark, within=10)
    assert_pings_nobody(reply, other.id, ping)
    users = [int(u) for u in reply.data["allowed_mentions"].get("users", [])]
    assert users == ([other.id] if ping else [])
