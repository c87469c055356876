"""Where questions and votes are kept. ``Store`` is the interface; ``sqlite`` one backend.

A PostgreSQL backend would be a new module implementing the same ``Store`` protocol.
``StoreReader`` is the read-only part (what ``stats``/``gaps`` need); ``UnavailableStore``
(``bot.store.unavailable``) stands in when the question log cannot be opened, so members
still get answers; its readers raise ``StoreUnavailable``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


class Vote(StrEnum):
    UP = "up"
    DOWN = "down"


@dataclass(frozen=True, slots=True)
class QuestionRecord:
    """One question asked, as stored. ``user_hash`` is a salted hash, never the raw id."""

    text: str
    normalised: str
    outcome: str
    entry_id: str | None
    score: float
    latency_ms: float
    guild_id: int | None
    channel_id: int | None
    user_hash: str
    via: str = "slash"
    asked_at: float = 0.0


@dataclass(frozen=True, slots=True)
class EntryCount:
    entry_id: str
    count: int


@dataclass(frozen=True, slots=True)
class EntryVotes:
    entry_id: str
    up: int
    down: int


@dataclass(frozen=True, slots=True)
class Stats:
    total: int
    answered: int
    unsure: int
    declined: int
    top_entries: list[EntryCount] = field(default_factory=list)
    votes: list[EntryVotes] = field(default_factory=list)

    @property
    def answer_rate(self) -> float:
        return self.answered / self.total if self.total else 0.0


@dataclass(frozen=True, slots=True)
class Gap:
    """Unanswered questions sharing one normalised form, with what members did next."""

    normalised: str
    count: int
    example: str
    last_asked: float
    picks: tuple[EntryCount, ...] = ()
    """Did-you-mean suggestions members picked for this question, most picked first."""
    down_votes: int = 0
    """👎 votes on the answers of the picked entries."""


@dataclass(frozen=True, slots=True)
class Teaching:
    """One question a moderator taught: into which file and line, so it can be undone."""

    moderator: str
    question: str
    entry_id: str | None
    """None: taught as "not something we answer" (decline.yaml)."""
    file: str
    line: int
    text: str
    """The line as written in the file (undo removes exactly this line)."""
    written: bool
    """False: the knowledge was read-only and the change was handed out as a diff."""
    taught_at: float = 0.0
    id: int = 0
    undone_at: float | None = None


GAP_OUTCOMES: tuple[str, ...] = ("decline", "unsure")
"""The outcomes ``gaps`` lists: questions the knowledge could not answer (not "answer", nor
any other outcome such as small talk)."""


class StoreUnavailable(RuntimeError):
    """The question log cannot be used. ``str(error)`` is one line saying why and what to do;
    ``problem`` is the short reason without the file name (what moderators are shown)."""

    def __init__(self, message: str, problem: str | None = None) -> None:
        super().__init__(message)
        self.problem = problem or message


class StoreReader(Protocol):
    """What the readers need (``/kb stats``, ``/kb gaps``; ``python -m bot stats|gaps|history``
    open the log read-only and get only this)."""

    async def stats(self, limit: int = 10) -> Stats: ...

    async def gaps(self, limit: int = 20) -> list[Gap]: ...

    async def teachings(self, limit: int = 20) -> list[Teaching]:
        """The history, newest first."""
        ...

    async def teaching(self, teaching_id: int) -> Teaching | None: ...

    async def close(self) -> None: ...


class Store(StoreReader, Protocol):
    def hash_user(self, user_id: int) -> str: ...

    async def log_question(self, record: QuestionRecord) -> None:
        """Queue one question; waits at most a short, bounded time for it to be stored."""
        ...

    async def record_vote(self, message_id: int, user_hash: str, entry_id: str, vote: Vote) -> bool:
        """Store the user's vote on one answer message; True if it is new or changed."""
        ...

    async def record_pick(
        self, user_hash: str, question: str, normalised: str, entry_id: str
    ) -> None:
        """A member picked ``entry_id`` among the did-you-mean suggestions for ``question``."""
        ...

    async def record_teaching(self, teaching: Teaching) -> int:
        """Keep a teaching in the history; returns its id."""
        ...

    async def mark_undone(self, teaching_id: int) -> bool:
        """Mark a teaching undone; False when it is unknown or already undone."""
        ...


def salted_hash(salt: str, user_id: int) -> str:
    """sha256(salt + id): lets us count distinct askers without keeping who they are."""
    return hashlib.sha256(f"{salt}:{user_id}".encode()).hexdigest()
