"""The bot object without a Discord connection: class, intents, mentions, commands, reload."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest
from discord import app_commands

from bot.app import COGS, CareerBot, ShardedCareerBot, create_bot
from bot.background import watch_knowledge, write_heartbeat
from bot.config import MessageContentConfig, Settings
from bot.errors import NotModerator, NotOwner, OnCooldown, error_message
from tests.paths import KNOWLEDGE, ROOT


def test_importing_the_app_builds_nothing_and_needs_no_token() -> None:
    code = (
        "import os, discord, bot.app as a\n"
        "assert 'DISCORD_TOKEN' not in os.environ\n"
        "assert not [v for v in vars(a).values() if isinstance(v, discord.Client)]\n"
        "print('ok')\n"
    )
    env = {"PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_default_bot_is_unsharded_with_default_intents_and_no_mentions() -> None:
    bot = create_bot(Settings())
    assert type(bot) is CareerBot
    assert bot.intents == discord.Intents.default()
    assert not bot.intents.message_content
    assert not bot.intents.members and not bot.intents.presences
    am = bot.allowed_mentions
    assert am is not None
    assert (am.everyone, am.users, am.roles, am.replied_user) == (False, False, False, False)


def test_message_content_intent_only_when_enabled() -> None:
    bot = create_bot(Settings(message_content=MessageContentConfig(enabled=True, channel_ids=[1])))
    assert bot.intents.message_content
    assert not bot.intents.members and not bot.intents.presences


def test_sharding_follows_settings() -> None:
    auto = create_bot(Settings(shard_count="auto"))
    assert isinstance(auto, ShardedCareerBot) and isinstance(auto, discord.AutoShardedClient)
    assert auto.shard_count is None
    four = create_bot(Settings(shard_count=4, shard_ids=[0, 1]))
    assert isinstance(four, ShardedCareerBot)
    assert four.shard_count == 4 and four.shard_ids == [0, 1]


def test_replies_ping_only_the_asker_and_only_when_configured() -> None:
    asker = discord.Object(id=99)
    quiet = create_bot(Settings()).reply_mentions(asker)
    assert (quiet.users, quiet.replied_user, quiet.everyone, quiet.roles) == (
        False,
        False,
        False,
        False,
    )
    loud = create_bot(Settings(ping_asker=True)).reply_mentions(asker)
    assert loud.replied_user is True and loud.everyone is False and loud.roles is False
    assert loud.users == [asker]


def test_error_messages_are_friendly() -> None:
    texts = {
        error_message(NotModerator()),
        error_message(NotOwner()),
        error_message(OnCooldown(12.2)),
        error_message(RuntimeError("boom /secret/path")),
    }
    assert len(texts) == 4
    assert "12 s" in error_message(OnCooldown(12.2))
    assert "boom" not in error_message(RuntimeError("boom"))
    assert "Traceback" not in "".join(texts)


def test_heartbeat_file_is_written_with_parents(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "heartbeat"
    write_heartbeat(path, 1700000000.7)
    assert path.read_text().strip() == "1700000000"


@pytest.fixture
async def bot_with_cogs() -> AsyncIterator[CareerBot]:
    bot = create_bot(Settings())
    async with bot:
        for cog in COGS:
            await bot.load_extension(cog)
        yield bot


EXPECTED = {
    "ask",
    "salary",
    "path",
    "skills",
    "certs",
    "outlook",
    "education",
    "career",
    "compare",
    "sources",
    "help",
    "kb",
}


async def test_command_surface(bot_with_cogs: CareerBot) -> None:
    tree = bot_with_cogs.tree
    slash = {c.name for c in tree.get_commands(type=discord.AppCommandType.chat_input)}
    assert slash == EXPECTED
    menus = [c.name for c in tree.get_commands(type=discord.AppCommandType.message)]
    assert menus == ["Ask careerbot"]
    kb = tree.get_command("kb")
    assert isinstance(kb, app_commands.Group)
    assert kb.guild_only
    assert kb.default_permissions == discord.Permissions(manage_guild=True)
    assert {c.name for c in kb.commands} == {
        "reload",
        "check",
        "stats",
        "gaps",
        "entry",
        "sync",
        "teach",
        "history",
        "untaught",
    }
    for sub in kb.commands:
        assert sub.checks, f"/kb {sub.name} must check permissions in code"

    def options(name: str) -> dict[str, app_commands.Parameter]:
        cmd = tree.get_command(name)
        assert isinstance(cmd, app_commands.Command)
        return {p.name: p for p in cmd.parameters}

    assert options("ask")["question"].autocomplete
    salary = options("salary")
    assert [c.value for c in salary["level"].choices] == ["entry", "mid", "senior", "manager"]
    assert not salary["level"].required and salary["career"].autocomplete
    for name in ("path", "skills", "certs", "outlook", "education"):
        assert options(name)["career"].autocomplete and not options(name)["career"].required
    assert options("career")["name"].autocomplete and options("career")["name"].required
    assert options("compare")["a"].autocomplete and options("compare")["b"].autocomplete
    entry = kb.get_command("entry")
    assert isinstance(entry, app_commands.Command)
    assert entry.parameters[0].name == "id" and entry.parameters[0].autocomplete
    # Every payload Discord would receive is valid to build.
    for cmd in tree.get_commands():
        assert cmd.to_dict(tree)


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    if not (KNOWLEDGE / "sources.yaml").exists():
        pytest.skip("no shipped knowledge in this checkout")
    dest = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, dest)
    return dest


async def test_reload_swaps_only_valid_knowledge(knowledge_copy: Path) -> None:
    from bot.app import build_engine

    settings = Settings(knowledge_path=knowledge_copy)
    bot = create_bot(settings)
    bot.engine = build_engine(settings)
    first = bot.engine
    entries_before = len(first.kb.entries)

    # Break one file: the bot keeps the last good engine and says where the problem is.
    qa = sorted((knowledge_copy / "careers").glob("*/qa/*.yaml"))[0]
    good = qa.read_text()
    qa.write_text(good + "\n  - this is: [not valid\n")
    result = await bot.reload_knowledge()
    assert not result.ok
    assert result.problems
    assert bot.engine is first
    checked = await bot.check_knowledge()
    assert not checked.ok and bot.engine is first

    # Fixed again: the valid knowledge is served by a new engine, counts reported.
    qa.write_text(good)
    result = await bot.reload_knowledge()
    assert result.ok
    assert bot.engine is not first
    assert result.before["entries"] == result.after["entries"] == entries_before


async def test_watcher_reloads_when_a_file_changes(knowledge_copy: Path) -> None:
    import asyncio

    from bot.app import build_engine

    settings = Settings(knowledge_path=knowledge_copy, watch_knowledge=True)
    bot = create_bot(settings)
    bot.engine = build_engine(settings)
    first = bot.engine
    task = asyncio.create_task(watch_knowledge(bot))
    try:
        await asyncio.sleep(0.5)  # let the watcher start before the edit
        sources = knowledge_copy / "sources.yaml"
        sources.write_text(sources.read_text() + "\n# edited\n")
        for _ in range(200):
            if bot.engine is not first:
                break
            await asyncio.sleep(0.05)
        assert bot.engine is not first
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_heartbeat_written_only_while_connected(tmp_path: Path) -> None:
    import asyncio
    import time

    path = tmp_path / "data" / "heartbeat"
    bot = create_bot(Settings(heartbeat_path=path))
    bot.heartbeat_interval = 0.02
    async with bot:  # sets up discord.py's ready event, no connection
        task = asyncio.create_task(bot._heartbeat())
        try:
            await asyncio.sleep(0.1)
            assert not path.exists()  # not ready yet: nothing written
            before = int(time.time())
            bot._ready.set()  # what discord.py does on READY
            await bot.on_ready()
            for _ in range(100):
                if path.exists():
                    break
                await asyncio.sleep(0.02)
            assert before <= int(path.read_text()) <= int(time.time())  # the time it was written
            await bot.on_disconnect()
            await asyncio.sleep(0.05)
            stamp = path.stat().st_mtime_ns
            await asyncio.sleep(0.1)
            assert path.stat().st_mtime_ns == stamp  # disconnected: no beats
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def test_setup_hook_then_close_keeps_every_question(
    tmp_path: Path, knowledge_copy: Path
) -> None:
    """setup_hook opens the store and builds the engine; the pipeline's log commits before
    returning."""
    from bot.sources import Source
    from bot.store.sqlite import SqliteStore

    db = tmp_path / "data" / "bot.sqlite3"
    settings = Settings(
        knowledge_path=knowledge_copy, database_path=db, heartbeat_path=tmp_path / "hb"
    )
    bot = create_bot(settings)
    where = Source()
    where.user_id, where.guild_id, where.channel_id, where.via = 1234, 5, 6, "slash"
    async with bot:
        await bot.setup_hook()
        assert bot.engine.kb.entries
        assert {c.name for c in bot.tree.get_commands()} >= {"ask", "kb", "Ask careerbot"}
        for question in ("How much do CSRs earn?", "How do I become an astronaut?"):
            answer = bot.engine.ask(question)
            await bot.pipeline.log(where, answer, 0.0, question)
    assert bot.is_closed()
    store = await SqliteStore.open(db)
    try:
        stats = await store.stats()
        assert stats.total == 2
        gaps = await store.gaps()
        assert all(g.normalised == g.normalised.strip() and g.normalised for g in gaps)
    finally:
        await store.close()
