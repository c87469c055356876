"""Two shards in two ``python -m bot run`` processes, one PostgreSQL log, on the wire.

The fake Discord shards guilds as Discord does (``(guild_id >> 22) % shard_count``): each
process connects one shard and gets only its guild's events. Members in both guilds ask;
each question is answered by the process of its guild's shard (told apart by the TCP port
the answer came from), stored once, and visible in ``/kb stats`` and ``/kb gaps`` of either
process; ``/kb reload`` in one process reloads both and says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import psutil
import pytest
import yaml

from tests.e2e.conftest import REPO, BotProcess, fake_env
from tests.e2e.fake_discord import (
    GUILD_ID,
    MODERATOR_ROLE_ID,
    PEER_PORT,
    SECOND_GUILD_ID,
    FakeUser,
    Recorded,
    Sent,
    ShardedFakeDiscord,
    shard_of,
)
from tests.e2e.test_careerbot import PAY_QUESTION, visible_text

pytestmark = pytest.mark.e2e

GUILDS = (GUILD_ID, SECOND_GUILD_ID)


@contextlib.asynccontextmanager
async def shard_processes(
    fake: ShardedFakeDiscord, tmp_path: Path, url: str
) -> AsyncIterator[dict[int, BotProcess]]:
    """One bot process per shard, all on the PostgreSQL log at ``url``; always reaped."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(REPO / "knowledge", knowledge)
    procs: dict[int, BotProcess] = {}
    try:
        for shard in range(fake.shard_count):
            config = tmp_path / f"shard{shard}.yaml"
            config.write_text(
                yaml.safe_dump(
                    {
                        "knowledge_path": str(knowledge),
                        "database_path": str(tmp_path / "unused.sqlite3"),
                        "heartbeat_path": str(tmp_path / f"heartbeat{shard}"),
                        "shard_count": fake.shard_count,
                        "shard_ids": [shard],
                        "moderator_role_ids": [MODERATOR_ROLE_ID],
                        "cooldown": {"rate": 100, "per_seconds": 1},
                    }
                )
            )
            env = fake_env(fake, CAREERBOT_CONFIG=str(config), CAREERBOT_DATABASE_URL=url)
            log_path = tmp_path / f"shard{shard}.log"
            with log_path.open("wb") as log:
                proc = subprocess.Popen(  # noqa: ASYNC220 - Popen only forks
                    [sys.executable, "-m", "bot", "run"],
                    cwd=tmp_path,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                )
            procs[shard] = BotProcess(proc, log_path)
        ready = asyncio.create_task(fake.wait_shards(procs, within=60))
        while not ready.done():
            for shard, bot in procs.items():
                if bot.proc.poll() is not None:
                    ready.cancel()
                    raise RuntimeError(f"shard {shard} exited:\n{bot.output()}")
            await asyncio.sleep(0.05)
        ready.result()
        yield procs
    finally:
        await asyncio.gather(*(bot.stop() for bot in procs.values()))


def sender_pid(rec: Recorded, procs: dict[int, BotProcess]) -> int | None:
    """The pid of the bot process whose TCP connection sent ``rec``."""
    port = int(rec.headers[PEER_PORT])
    for bot in procs.values():
        for conn in psutil.Process(bot.proc.pid).net_connections(kind="tcp"):
            if conn.laddr and conn.laddr.port == port:
                return bot.proc.pid
    return None


async def answer(fake: ShardedFakeDiscord, inter: Sent, within: float = 30.0) -> Recorded:
    return await fake.final_message(inter, within=within)


async def test_two_shard_processes_share_one_log_and_one_reload(
    tmp_path: Path, pg_url: str
) -> None:
    assert {shard_of(g, 2) for g in GUILDS} == {0, 1}
    fake = ShardedFakeDiscord(shard_count=2, guild_ids=GUILDS)
    askers = [FakeUser(1_400_000_000_000_000_100 + i, f"member{i}") for i in range(4)]
    async with fake, shard_processes(fake, tmp_path, pg_url) as procs:
        assert sorted(fake.identified) == [[0, 2], [1, 2]]
        asked: list[str] = []
        for guild in GUILDS:
            shard = shard_of(guild, 2)
            for i, who in enumerate(askers):
                question = PAY_QUESTION if i % 2 else f"zqx flibber wobble shard {shard} n{i}"
                asked.append(question)
                inter = await fake.slash("ask", {"question": question}, user=who, guild_id=guild)
                reply = await answer(fake, inter)
                if i % 2:
                    assert "42,830" in visible_text(reply)
                # Answered by the process that holds the guild's shard, not the other one.
                assert sender_pid(reply, procs) == procs[shard].proc.pid

        conn = await asyncpg.connect(pg_url)
        try:
            rows = await conn.fetch("SELECT text, guild_id FROM questions")
        finally:
            await conn.close()
        assert sorted(r["text"] for r in rows) == sorted(asked)  # each question stored once
        assert {r["guild_id"] for r in rows} == set(GUILDS)

        moderator = fake.moderator
        for guild in GUILDS:  # either process sees both shards' questions
            stats = await fake.slash("kb stats", user=moderator, guild_id=guild)
            text = visible_text(await answer(fake, stats))
            assert f"**{len(asked)}** questions" in text, text
            gaps = await fake.slash("kb gaps", user=moderator, guild_id=guild)
            text = visible_text(await answer(fake, gaps))
            assert "zqx flibber wobble shard 0" in text and "zqx flibber wobble shard 1" in text

        reload = await fake.slash("kb reload", user=moderator, guild_id=GUILD_ID)
        text = visible_text(await answer(fake, reload, within=60))
        assert "shard 0 ✅" in text and "shard 1 ✅" in text, text
        for bot in procs.values():
            assert "knowledge reloaded" in bot.output()


async def test_an_unreachable_log_at_start_is_one_line_without_the_password(
    tmp_path: Path,
) -> None:
    from tests.e2e.fake_discord import FakeDiscord
    from tests.pg_server import free_port

    url = f"postgresql://careerbot:hunter2-secret@127.0.0.1:{free_port()}/careerbot"
    async with FakeDiscord() as fake:
        env = fake_env(fake, CAREERBOT_DATABASE_URL=url, CAREERBOT_CONFIG=str(tmp_path / "c.yaml"))
        (tmp_path / "c.yaml").write_text(f"knowledge_path: {REPO / 'knowledge'}\n")
        done = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "bot", "run"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 1, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("careerbot:")]
    assert lines == [
        f"careerbot: cannot open the question log: PostgreSQL at {url.split('@')[1]}:"
        " connection refused: is PostgreSQL running and listening there?"
    ], done.stderr
    assert "hunter2" not in done.stderr + done.stdout
