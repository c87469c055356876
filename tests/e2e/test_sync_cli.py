"""``python -m bot sync`` publishes the slash commands over REST only: it logs in, PUTs the
commands (globally or to one server) and exits, without ever connecting the gateway."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest

from tests.e2e.conftest import REPO, fake_env
from tests.e2e.fake_discord import GUILD_ID, FakeDiscord

pytestmark = pytest.mark.e2e


async def _sync(fake: FakeDiscord, *args: str) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "sync", *args],
        cwd=REPO,
        env=fake_env(fake),
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("to_guild", [False, True], ids=["global", "guild"])
async def test_sync_publishes_commands_without_the_gateway(
    fake: FakeDiscord, to_guild: bool
) -> None:
    args = ("--guild", str(GUILD_ID)) if to_guild else ()
    result = await _sync(fake, *args)

    assert result.returncode == 0, result.stderr
    puts = [r for r in fake.requests if r.method == "PUT" and r.path.endswith("/commands")]
    assert len(puts) == 1, [r.path for r in fake.requests]
    assert (f"/guilds/{GUILD_ID}/" in puts[0].path) is to_guild
    names = {c["name"] for c in puts[0].json}
    assert {"ask", "salary", "kb"} <= names
    assert f"synced {len(puts[0].json)} commands" in result.stdout
    assert fake.identify_count == 0  # never connected the gateway
