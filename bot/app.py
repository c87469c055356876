"""The Discord bot: ``create_bot(settings)`` builds it, ``start_bot(settings)`` runs it.

Nothing is built at import time (no token needed to import). ``setup_hook`` opens the store,
loads the knowledge, builds the engine, registers the persistent buttons, loads the cogs and
starts the heartbeat and the knowledge watcher (bot/background.py).
Commands are never synced at start, except to ``settings.sync_on_start_guild`` when set:
use ``python -m bot sync`` (or ``/kb sync``) to publish them.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import gaps_ui, ui
from bot.background import watch_knowledge, write_heartbeat
from bot.config import ConfigError, Settings, build_engine, engine_settings
from bot.engine import Engine
from bot.errors import NotModerator, NotOwner, OnCooldown, error_message, is_expected
from bot.knowledge.base import KnowledgeBase, KnowledgeError
from bot.knowledge.report import problem_lines
from bot.pipeline import Pipeline
from bot.store import Store
from bot.teacher import Teacher

if TYPE_CHECKING:
    from bot.cluster import Cluster, ProcessReport

__all__ = ["NotModerator", "NotOwner", "OnCooldown", "error_message"]  # re-exported

log = logging.getLogger("bot.app")

HEARTBEAT_SECONDS = 30.0
COGS = ("bot.cogs.ask", "bot.cogs.facts", "bot.cogs.moderation")
"""Extensions loaded by name: the app imports no cog module."""
SHUTDOWN_GRACE_SECONDS = 10.0
"""How long close() waits for answers already being worked on before it disconnects."""
HANDLER_TASK_PREFIXES = ("CommandTree-invoker", "discord.py: ", "discord-ui-")
"""Names discord.py gives the tasks that run app commands, events and component callbacks."""


@dataclass(frozen=True)
class ReloadResult:
    """What a knowledge reload did. On failure the previous engine keeps serving."""

    ok: bool
    before: dict[str, int] = field(default_factory=dict)
    after: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def counts_of(kb: KnowledgeBase) -> dict[str, int]:
    c = kb.counts()
    return {"careers": c.careers, "entries": c.entries, "sources": c.sources, "figures": c.figures}


def settle_heap() -> None:
    """Collect, then move every object alive now out of the garbage collector's sight.

    The knowledge and the engine are ~70k long-lived objects: each full collection walks
    them all (~20-30 ms on one core), and a burst of questions allocates enough to trigger
    several, which lands straight on the slowest replies. Frozen objects are still freed by
    reference counting; the previous frozen set is released first, so a reload's old engine
    is collected rather than kept forever.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def build_serving_engine(settings: Settings) -> Engine:
    """``build_engine`` plus what the first keystroke would otherwise build on the event loop
    (the autocomplete index): runs in a thread, before the engine serves."""
    engine = build_engine(settings)
    engine.complete("", 1)
    return engine


def problems_of(exc: BaseException) -> list[str]:
    """The problems to show moderators and the log: grouped and capped (report.py)."""
    if isinstance(exc, KnowledgeError):
        return problem_lines(exc.problems) or [str(exc)]
    return [f"{type(exc).__name__}: {exc}"]


class CareerTree(app_commands.CommandTree[Any]):
    async def on_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError, /
    ) -> None:
        if is_expected(error):
            log.info(
                "refused /%s: %s",
                interaction.command.qualified_name if interaction.command else "?",
                type(error).__name__,
            )
        else:
            log.error(
                "command /%s failed",
                interaction.command.qualified_name if interaction.command else "?",
                exc_info=error,
            )
        await send_ephemeral(interaction, error_message(error))


async def send_ephemeral(interaction: discord.Interaction[Any], text: str) -> None:
    """Answer with an ephemeral message whether or not the interaction was responded to."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not tell the user about an error", exc_info=True)


class CareerBot(commands.Bot):
    """careerbot. ``engine`` is replaced as a whole on reload, never mutated."""

    def __init__(self, settings: Settings, **options: Any) -> None:
        intents = discord.Intents.default()
        intents.message_content = settings.message_content.enabled
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=CareerTree,
            **options,
        )
        self.settings = settings
        self.heartbeat_interval = HEARTBEAT_SECONDS
        self._engine: Engine | None = None
        self.pipeline = Pipeline(self)
        """Every reply (questions, quick facts, clicks) goes through it."""
        self.teacher = Teacher(
            self, settings.knowledge_path, lambda kb: Engine(kb, engine_settings(settings))
        )
        """/kb teach, the gaps select, /kb history and /kb untaught."""
        self._store: Store | None = None
        self.cluster: Cluster | None = None
        """The processes a reload reaches (every process on a PostgreSQL log); setup_hook."""
        self._reload_lock = asyncio.Lock()
        self._connected = False
        self._tasks: list[asyncio.Task[None]] = []
        self.commands_only = False
        """True for ``python -m bot sync``: setup_hook only registers the commands."""
        self.freeze_heap = False
        """Set by ``start_bot``: settle the heap after start and every reload (see settle_heap).
        Process-wide, so never on in tests that build bots in-process."""

    # ------------------------------------------------------------------ state
    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise RuntimeError("the engine is built in setup_hook")
        return self._engine

    @engine.setter
    def engine(self, engine: Engine) -> None:
        # Nothing prepared by the previous engine may be served after the swap.
        self.pipeline.clear()
        self._engine = engine

    @property
    def store(self) -> Store:
        if self._store is None:
            raise RuntimeError("the store is opened in setup_hook")
        return self._store

    # ------------------------------------------------------------------ lifecycle
    async def setup_hook(self) -> None:
        from bot.cluster import open_cluster
        from bot.store.factory import open_store
        from bot.store.unavailable import open_or_unavailable

        if self.commands_only:
            for cog in COGS:
                await self.load_extension(cog)
            return
        # A log that cannot be opened must not stop members from getting answers.
        self._store = await open_or_unavailable(open_store(self.settings))
        self.cluster = await open_cluster(self.settings, self.reload_knowledge)
        try:
            self.engine = await asyncio.to_thread(build_serving_engine, self.settings)
        except ConfigError:
            raise  # a setting the knowledge contradicts: `run` prints it on one line
        except Exception as exc:
            log.error(
                "cannot start: the knowledge in %s has problems:\n  %s",
                self.settings.knowledge_path,
                "\n  ".join(problems_of(exc)),
            )
            raise
        log.info("knowledge loaded: %s", self.engine.kb.counts().summary())
        self.add_dynamic_items(*ui.DYNAMIC_ITEMS, gaps_ui.GapSelect)
        for cog in COGS:
            await self.load_extension(cog)
        if self.settings.sync_on_start_guild is not None:
            synced = await self.sync_commands(self.settings.sync_on_start_guild)
            log.info(
                "synced %d commands to guild %s", len(synced), self.settings.sync_on_start_guild
            )
        self._tasks.append(asyncio.create_task(self._heartbeat(), name="careerbot-heartbeat"))
        if self.settings.watch_knowledge:
            self._tasks.append(asyncio.create_task(watch_knowledge(self), name="careerbot-watch"))
        if self.freeze_heap:
            settle_heap()

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        """Events that arrive once the client is closed are dropped: discord.py would build the
        handler coroutine and then fail to schedule it on the loop it no longer has."""
        if self.loop is discord.utils.MISSING:
            log.debug("dropped event %s: the client is closed", event_name)
            return
        super().dispatch(event_name, *args, **kwargs)

    async def _drain_handlers(self, grace: float) -> None:
        """Wait up to ``grace`` seconds for the commands, events and button callbacks that are
        running, so members whose question is being answered still get their answer."""
        current = asyncio.current_task()
        running = [
            task
            for task in asyncio.all_tasks()
            if task is not current
            and not task.done()
            and task.get_name().startswith(HANDLER_TASK_PREFIXES)
        ]
        if not running:
            return
        _, pending = await asyncio.wait(running, timeout=grace)
        if pending:
            log.warning("closing with %d reply(ies) still unfinished", len(pending))

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        if not self.is_closed():
            await self._drain_handlers(SHUTDOWN_GRACE_SECONDS)
        try:
            await super().close()
        finally:
            if self.cluster is not None:
                cluster, self.cluster = self.cluster, None
                await cluster.close()
            if self._store is not None:
                store, self._store = self._store, None
                await store.close()

    async def on_connect(self) -> None:
        self._connected = True

    async def on_resumed(self) -> None:
        self._connected = True

    async def on_disconnect(self) -> None:
        self._connected = False

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands: questions are handled by the ask cog's listener."""
        return None

    async def on_ready(self) -> None:
        self._connected = True
        log.info("ready as %s in %d guilds", self.user, len(self.guilds))

    async def sync_commands(self, guild_id: int | None = None) -> list[app_commands.AppCommand]:
        """Publish the slash commands: globally, or to one server (the global ones copied
        there, which shows them at once). Discord allows ~200 command creates a day, so this
        runs only when asked (``python -m bot sync``, ``/kb sync``, ``sync_on_start_guild``)."""
        if guild_id is None:
            return await self.tree.sync()
        guild = discord.Object(id=guild_id)
        self.tree.copy_global_to(guild=guild)
        return await self.tree.sync(guild=guild)

    # ------------------------------------------------------------------ knowledge
    async def reload_knowledge(self) -> ReloadResult:
        """Validate and load the knowledge; swap the engine only if all of it is good."""
        async with self._reload_lock:
            before = counts_of(self.engine.kb)
            try:
                new = await asyncio.to_thread(build_serving_engine, self.settings)
            except Exception as exc:
                problems = problems_of(exc)
                count = len(exc.problems) if isinstance(exc, KnowledgeError) else 1
                log.warning("knowledge reload refused: %d problem(s)", count)
                return ReloadResult(False, before, before, problems)
            self.engine = new  # one assignment: every caller sees the old or the new engine
            del new
            if self.freeze_heap:
                settle_heap()
            after = counts_of(self.engine.kb)
            log.info("knowledge reloaded: %s", self.engine.kb.counts().summary())
            return ReloadResult(True, before, after)

    async def check_knowledge(self) -> ReloadResult:
        """Validate the knowledge files without serving them."""
        before = counts_of(self.engine.kb)
        try:
            new = await asyncio.to_thread(build_engine, self.settings)
        except Exception as exc:
            return ReloadResult(False, before, before, problems_of(exc))
        return ReloadResult(True, before, counts_of(new.kb))

    # ------------------------------------------------------------------ tasks
    async def _heartbeat(self) -> None:
        path = self.settings.heartbeat_path
        await self.wait_until_ready()  # first beat as soon as the gateway is ready
        while not self.is_closed():
            if self._connected and self.is_ready():
                try:
                    await asyncio.to_thread(write_heartbeat, path, time.time())
                except OSError:
                    log.warning("could not write the heartbeat to %s", path, exc_info=True)
            await asyncio.sleep(self.heartbeat_interval)

    async def reload_everywhere(self) -> list[ProcessReport]:
        """Reload in every process sharing the log (just this one on SQLite)."""
        if self.cluster is None:
            from bot.cluster import LocalCluster, own_shards

            return await LocalCluster(
                own_shards(self.settings), self.reload_knowledge
            ).reload_everywhere()
        return await self.cluster.reload_everywhere()

    # ------------------------------------------------------------------ asking
    def reply_mentions(self, asker: discord.abc.Snowflake) -> discord.AllowedMentions:
        """Replies ping their asker only when configured; never everyone or roles."""
        if self.settings.ping_asker:
            return discord.AllowedMentions(
                everyone=False, roles=False, users=[asker], replied_user=True
            )
        return discord.AllowedMentions.none()

    async def is_bot_owner(self, user: discord.abc.User) -> bool:
        return user.id in self.settings.owner_ids or await self.is_owner(user)


class ShardedCareerBot(CareerBot, commands.AutoShardedBot):
    """careerbot over several gateway shards (``shard_count`` ≠ 1)."""


def create_bot(settings: Settings) -> CareerBot:
    """Build (but do not start) the bot; the sharded class when ``shard_count`` ≠ 1."""
    if settings.shard_count == 1:
        return CareerBot(settings)
    count = None if settings.shard_count == "auto" else settings.shard_count
    return ShardedCareerBot(settings, shard_count=count, shard_ids=settings.shard_ids)


async def start_bot(settings: Settings) -> None:
    """Log in with ``settings.token`` and run until closed; everything is closed after."""
    if settings.token is None:
        raise RuntimeError("DISCORD_TOKEN is not set")
    bot = create_bot(settings)
    bot.freeze_heap = True
    loop = asyncio.get_running_loop()
    closing: list[asyncio.Task[None]] = []

    def stop(signame: str) -> None:
        log.info("%s received: closing", signame)
        if not closing:
            closing.append(loop.create_task(bot.close()))

    handled: list[signal.Signals] = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop, sig.name)
            handled.append(sig)
        except (NotImplementedError, RuntimeError):  # not the main thread / not POSIX
            pass
    try:
        async with bot:
            await bot.start(settings.token.get_secret_value())
        for task in closing:
            await task
    finally:
        for sig in handled:
            loop.remove_signal_handler(sig)
