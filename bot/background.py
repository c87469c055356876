"""The bot's work beside answering that needs no Discord: the watcher that reloads the
knowledge when its files change or the folder is replaced (``watch_knowledge``, a task of
``CareerBot.setup_hook`` when ``watch_knowledge`` is set), and writing the heartbeat file that
``python -m bot health`` reads (``write_heartbeat``; the bot beats only while connected).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bot.cluster import ProcessReport
    from bot.config import Settings

log = logging.getLogger("bot.app")  # the logger these lines had in bot.app: output unchanged

WATCH_POLL_SECONDS = 2.0  # how soon the watcher notices knowledge/ was replaced


class _Bot(Protocol):
    """What the watcher needs from the bot (bot.app.CareerBot has it)."""

    settings: Settings

    def is_closed(self) -> bool: ...

    async def reload_everywhere(self) -> list[ProcessReport]: ...


async def watch_knowledge(bot: _Bot) -> None:
    """Reload whenever the knowledge files change.

    inotify watches a folder's inode: when a deploy replaces knowledge/ as a whole (deleted
    and copied again, or a fresh copy renamed into place) the old watch goes silent. So the
    watcher wakes every few seconds, and when the path no longer names the folder it watches
    it reloads and watches the new one (waiting while there is none)."""
    from watchfiles import awatch

    root = bot.settings.knowledge_path
    watched = folder_identity(root)
    replaced = False
    while not bot.is_closed():
        current = folder_identity(root)
        if current is None:
            await asyncio.sleep(WATCH_POLL_SECONDS)
            continue
        if current != watched:
            watched, replaced = current, True
        try:
            async for changes in awatch(
                root, rust_timeout=int(WATCH_POLL_SECONDS * 1000), yield_on_timeout=True
            ):
                # A replaced folder is reloaded once the new watch is up, so no edit made
                # in between is missed.
                if replaced or changes:
                    why = "knowledge folder replaced" if replaced else "knowledge files changed"
                    replaced = False
                    await _watch_reload(bot, f"{why} ({len(changes)})")
                if folder_identity(root) != watched:
                    break
        except OSError:  # e.g. the inotify watch limit: keep serving, try again later
            log.warning("cannot watch %s; retrying", root, exc_info=True)
            await asyncio.sleep(WATCH_POLL_SECONDS)


async def _watch_reload(bot: _Bot, why: str) -> None:
    log.info("%s, reloading", why)
    for report in await bot.reload_everywhere():
        if report.ok:
            log.info("watch reload ok (shards %s): %s", report.shards, report.after)
        else:
            log.warning(
                "watch reload: shards %s kept the last good knowledge: %s",
                report.shards,
                report.problems[:5],
            )


def folder_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the folder at ``path``, None if there is none."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def write_heartbeat(path: Path, now: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(f"{int(now)}\n", encoding="ascii")
    tmp.replace(path)
