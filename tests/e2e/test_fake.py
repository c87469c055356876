"""Prove the harness: a trivial discord.py 2.7 bot, the real client, over real sockets."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import connected, spawned
from tests.e2e.fake_discord import APP_ID, KIND_CALLBACK, FakeDiscord
from tests.e2e.trivial_bot import FRUITS, PING_ANSWER, TrivialBot

pytestmark = pytest.mark.e2e

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


async def test_login_ready_and_command_sync(fake: FakeDiscord) -> None:
    async with connected(TrivialBot(), fake) as bot:
        assert bot.user is not None and bot.user.id == APP_ID
        assert fake.identify_count == 1
        assert [g.id for g in bot.guilds] == [int(fake._guilds()[0]["id"])]
        names = {c["name"] for c in fake.commands[None]}
        assert names == {"ping", "fruit", "picture", "slow"}
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
