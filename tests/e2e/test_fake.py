"""Prove the harness: a trivial discord.py 2.7 bot, the real client, over real sockets."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import discord
import pytest

from tests.e2e.conftest import connected, fake_env, spawned
from tests.e2e.fake_discord import (
    APP_ID,
    CHANNEL_ID,
    DM_CHANNEL_ID,
    EPHEMERAL,
    KIND_CALLBACK,
    KIND_FOLLOWUP,
    FakeDiscord,
)
from tests.e2e.trivial_bot import FRUITS, MENTION_ANSWER, PING_ANSWER, TrivialBot

pytestmark = pytest.mark.e2e

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


async def test_login_ready_and_command_sync(fake: FakeDiscord) -> None:
    async with connected(TrivialBot(), fake) as bot:
        assert bot.user is not None and bot.user.id == APP_ID
        assert fake.identify_count == 1
        assert [g.id for g in bot.guilds] == [int(fake._guilds()[0]["id"])]
        names = {c["name"] for c in fake.commands[None]}
        assert names == {"ping", "fruit", "picture", "slow", "button", "Echo"}
        identify = next(p for p in fake.gateway_received if p["op"] == 2)
        assert identify["d"]["token"].endswith("for-the-local-fake")


async def test_slash_round_trip(fake: FakeDiscord) -> None:
    async with connected(TrivialBot(), fake):
        inter = await fake.slash("ping")
        cb = await fake.response(inter)
        assert cb.body["type"] == 4
        assert cb.data["content"] == PING_ANSWER


async def test_defer_then_followup(fake: FakeDiscord) -> None:
    async with connected(TrivialBot(), fake):
        inter = await fake.slash("slow")
        final = await fake.final_message(inter)
        assert final.body["content"] == "done"


async def test_autocomplete(fake: FakeDiscord) -> None:
    async with connected(TrivialBot(), fake):
        inter = await fake.autocomplete("fruit", {"name": "ap"}, focused="name")
        cb = await fake.response(inter)
        assert cb.body["type"] == 8
        choices = cb.data["choices"]
        assert [c["value"] for c in choices] == [f for f in FRUITS if f.startswith("ap")]


async def test_multipart_file_upload(fake: FakeDiscord) -> None:
    async with connected(TrivialBot(), fake):
        inter = await fake.slash("picture")
        cb = await fake.response(inter)
        assert cb.data["content"] == "here"
        assert len(cb.files) == 1
        assert cb.files[0].filename == "dot.png"
        assert cb.files[0].data.startswith(PNG_SIGNATURE)
        assert cb.data["attachments"][0]["filename"] == "dot.png"


async def test_gateway_drop_resumes_and_still_answers(fake: FakeDiscord) -> None:
    async with connected(TrivialBot(), fake):
        await fake.drop(1006)
        await fake.wait_resume_count(1)
        await fake.wait_ready()
        inter = await fake.slash("ping")
        assert (await fake.response(inter)).data["content"] == PING_ANSWER
        assert fake.identify_count == 1


@pytest.mark.parametrize("code", [1000, 4000])
async def test_gateway_close_codes_resume(fake: FakeDiscord, code: int) -> None:
    async with connected(TrivialBot(), fake):
        await fake.drop(code)
        await fake.wait_resume_count(1)
        inter = await fake.slash("ping")
        assert (await fake.response(inter)).data["content"] == PING_ANSWER


async def test_reconnect_op_resumes(fake: FakeDiscord) -> None:
    async with connected(TrivialBot(), fake):
        await fake.reconnect_op()
        await fake.wait_resume_count(1)
        inter = await fake.slash("ping")
        assert (await fake.response(inter)).data["content"] == PING_ANSWER


async def test_invalid_session_reidentifies(fake: FakeDiscord) -> None:
    async with connected(TrivialBot(), fake):
        await fake.invalid_session(resumable=False)
        await fake.wait_identify_count(2)
        await fake.wait_ready()
        assert fake.resume_count == 0
        inter = await fake.slash("ping")
        assert (await fake.response(inter)).data["content"] == PING_ANSWER


async def test_rate_limited_callback_is_retried(fake: FakeDiscord) -> None:
    async with connected(TrivialBot(), fake):
        fake.fail_next(KIND_CALLBACK, status=429, count=2, retry_after=0.05)
        inter = await fake.slash("ping")
        cb = await fake.response(inter)
        assert cb.data["content"] == PING_ANSWER
        attempts = [r for r in fake.requests if r.interaction_id == inter.id]
        assert [r.status for r in attempts] == [429, 429, 200]


async def test_subprocess_bot_through_the_shim(fake: FakeDiscord, tmp_path: Path) -> None:
    """A bot started as a separate interpreter reaches the fake only via the sitecustomize shim."""
    async with spawned(fake, ["-m", "tests.e2e.trivial_bot"], cwd=tmp_path) as proc:
        inter = await fake.slash("ping")
        assert (await fake.response(inter, within=10)).data["content"] == PING_ANSWER
        await fake.drop(1006)
        await fake.wait_resume_count(1)
        inter = await fake.slash("ping")
        assert (await fake.response(inter, within=10)).data["content"] == PING_ANSWER
    assert proc.proc.returncode is not None


async def test_button_click_reaches_the_view(fake: FakeDiscord) -> None:
    async with connected(TrivialBot(), fake):
        inter = await fake.slash("button")
        cb = await fake.response(inter)
        assert cb.message is not None
        button = cb.data["components"][0]["components"][0]
        assert button["custom_id"] == "trivial:hello"
        click = await fake.click(int(cb.message["id"]), "trivial:hello", user=fake.moderator)
        answer = await fake.response(click)
        assert answer.data["content"] == "hello moderator"


async def test_unknown_button_gets_no_answer(fake: FakeDiscord) -> None:
    """The harness can tell "no answer" apart: a custom_id no view handles is never answered."""
    async with connected(TrivialBot(), fake):
        inter = await fake.slash("button")
        cb = await fake.response(inter)
        assert cb.message is not None
        click = await fake.click(int(cb.message["id"]), "nobody:handles-this")
        with pytest.raises(TimeoutError):
            await fake.response(click, within=0.5)


async def test_context_menu_on_a_message(fake: FakeDiscord) -> None:
    async with connected(TrivialBot(), fake):
        target = fake.user_message("what do tellers earn?", user=fake.member)
        inter = await fake.context_menu_message("Echo", target)
        cb = await fake.response(inter)
        assert cb.data["content"] == "echo: what do tellers earn?"
        assert cb.data["flags"] & EPHEMERAL


async def test_mention_gets_a_reply_to_that_message(fake: FakeDiscord) -> None:
    async with connected(TrivialBot(), fake):
        mark = fake.mark()
        msg = await fake.message("hey bot", mention_bot=True)
        reply = await fake.channel_message(CHANNEL_ID, start=mark)
        assert reply.body["content"] == MENTION_ANSWER
        assert int(reply.body["message_reference"]["message_id"]) == int(msg["id"])


async def test_dm_is_answered_in_the_dm_channel(fake: FakeDiscord) -> None:
    async with connected(TrivialBot(), fake):
        await fake.message("hello?", dm=True)
        reply = await fake.channel_message(DM_CHANNEL_ID)
        assert reply.body["content"] == MENTION_ANSWER


async def test_server_error_on_callback_is_retried(fake: FakeDiscord) -> None:
    async with connected(TrivialBot(), fake):
        fake.fail_next(KIND_CALLBACK, status=502)
        inter = await fake.slash("ping")
        cb = await fake.response(inter, within=10)
        assert cb.data["content"] == PING_ANSWER
        attempts = [r.status for r in fake.requests if r.interaction_id == inter.id]
        assert attempts == [502, 200]


async def test_unknown_webhook_on_followup_surfaces_as_an_error(fake: FakeDiscord) -> None:
    async with connected(TrivialBot(), fake) as bot:
        errors: list[BaseException] = []

        async def on_error(interaction: discord.Interaction, error: Exception) -> None:
            errors.append(error)

        bot.tree.on_error = on_error  # type: ignore[method-assign]
        fake.fail_next(KIND_FOLLOWUP, status=404)
        inter = await fake.slash("slow")
        assert (await fake.response(inter)).body["type"] == 5
        followup = await fake.wait_for(lambda r: r.kind == KIND_FOLLOWUP)
        assert followup.status == 404
        for _ in range(100):
            if errors:
                break
            await asyncio.sleep(0.02)
        assert isinstance(errors[0].__cause__, discord.NotFound)


def test_shim_patches_discord_and_hides_its_variables(tmp_path: Path) -> None:
    """The settings loader rejects unknown CAREERBOT_* variables, so the shim must consume its
    own; only real settings stay (the run's shared trained-model cache)."""
    fake = FakeDiscord()
    fake.port = 1234
    code = (
        "import os, discord.http, discord.gateway;"
        "print(discord.http.Route.BASE);"
        "print(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY);"
        "print(sorted(k for k in os.environ if k.startswith('CAREERBOT_')))"
    )
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        env=fake_env(fake),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout.splitlines()
    assert out == [
        "http://127.0.0.1:1234/api/v10",
        "ws://127.0.0.1:1234/gateway",
        "['CAREERBOT_ENGINE__CACHE_DIR']",
    ]
