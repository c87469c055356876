"""Teaching from Discord: ``/kb teach``, the gaps select, ``/kb history`` and ``/kb untaught``
share this service. It runs ``bot.teach`` off the event loop, keeps the history in the
question log, and reloads the knowledge everywhere after a write (atomically: the reload
swaps in a fully built engine, or keeps the old one and says why).

No discord import: the cog and the select turn its ``Outcome`` into messages.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bot.engine import Engine
from bot.knowledge.base import KnowledgeBase
from bot.store import Gap, StoreUnavailable, Teaching
from bot.teach import TeachRefused, likely_entries, teach, untaught

log = logging.getLogger("bot.teacher")

DECLINE_VALUE = "~decline"
SKIP_VALUE = "~skip"


class _Report(Protocol):
    @property
    def ok(self) -> bool: ...


class _Store(Protocol):
    async def record_teaching(self, teaching: Teaching) -> int: ...
    async def teaching(self, teaching_id: int) -> Teaching | None: ...
    async def mark_undone(self, teaching_id: int) -> bool: ...
    async def gaps(self, limit: int = 20) -> list[Gap]: ...


class _Bot(Protocol):
    """What teaching needs from the bot (bot.app.CareerBot has it)."""

    @property
    def engine(self) -> Engine: ...
    @property
    def store(self) -> _Store: ...

    async def reload_everywhere(self) -> Sequence[_Report]: ...


@dataclass(frozen=True, slots=True)
class Outcome:
    ok: bool
    text: str
    """One or two lines for the moderator (no mentions)."""
    diff: str | None = None
    """The change as a unified diff, when the knowledge could not be written."""


def gap_key(normalised: str) -> str:
    """A short stable key for a gap (fits a custom_id; the text itself may not)."""
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:16]


def gap_choices(engine: Engine, gap: Gap, limit: int = 4) -> list[tuple[str, str]]:
    """(entry id, question) to offer for a gap: what members picked first, then the
    matcher's top entries."""
    out: list[tuple[str, str]] = []
    for pick in gap.picks:
        entry = engine.kb.entries.get(pick.entry_id)
        if entry is not None:
            out.append((pick.entry_id, entry.question))
    for entry_id, question in likely_entries(engine, gap.example, limit=limit):
        if entry_id not in {i for i, _ in out}:
            out.append((entry_id, question))
    return out[:limit]


class Teacher:
    def __init__(self, bot: _Bot, knowledge: Path, factory: Callable[[KnowledgeBase], Engine]):
        self.bot = bot
        self.knowledge = knowledge
        self.factory = factory

    async def find_gap(self, key: str) -> Gap | None:
        for gap in await self.bot.store.gaps(limit=200):
            if gap_key(gap.normalised) == key:
                return gap
        return None

    async def teach(self, question: str, entry_id: str | None, moderator: str) -> Outcome:
        try:
            taught = await asyncio.to_thread(
                teach, self.knowledge, question, entry_id, factory=self.factory
            )
        except TeachRefused as exc:
            return Outcome(False, f"❌ {exc}")
        record = Teaching(
            moderator=moderator,
            question=taught.question,
            entry_id=taught.entry_id,
            file=taught.edit.label,
            line=taught.edit.line,
            text=taught.edit.text,
            written=taught.written,
        )
        number = await self._remember(record)
        what = f"`{entry_id}`" if entry_id else "not something we answer"
        ref = f" (#{number})" if number else ""
        log.info("taught %r -> %s by %s at %s", question, entry_id, moderator, taught.where)
        if not taught.written:
            return Outcome(
                True,
                f"📝 The knowledge folder is read-only: commit the attached change to teach "
                f"“{taught.question}” → {what} ({taught.where}){ref}.",
                diff=taught.edit.diff(),
            )
        reloaded = await self.bot.reload_everywhere()
        state = "reloaded" if all(r.ok for r in reloaded) else "NOT reloaded (see /kb reload)"
        return Outcome(
            True,
            f"✅ Taught “{taught.question}” → {what} by {moderator}, {taught.where}{ref}; {state}.",
        )

    async def _remember(self, record: Teaching) -> int | None:
        try:
            return await self.bot.store.record_teaching(record)
        except StoreUnavailable:
            log.warning("teaching not kept in the history: the question log is unavailable")
            return None

    async def untaught(self, teaching_id: int, moderator: str) -> Outcome:
        try:
            found = await self.bot.store.teaching(teaching_id)
        except StoreUnavailable as exc:
            return Outcome(False, f"❌ {exc}")
        if found is None:
            return Outcome(False, f"❌ No teaching #{teaching_id} in the history.")
        if found.undone_at is not None:
            return Outcome(False, f"❌ Teaching #{teaching_id} was already undone.")
        try:
            edit = await asyncio.to_thread(
                untaught, self.knowledge, found.file, found.text, found.line
            )
        except TeachRefused as exc:
            return Outcome(False, f"❌ {exc}")
        await self.bot.store.mark_undone(teaching_id)
        reloaded = await self.bot.reload_everywhere()
        state = "reloaded" if all(r.ok for r in reloaded) else "NOT reloaded (see /kb reload)"
        log.info("untaught #%d by %s", teaching_id, moderator)
        return Outcome(
            True, f"↩️ Undid #{teaching_id}: removed “{found.question}” from {edit.label}; {state}."
        )
