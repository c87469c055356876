"""SQLite backend of ``Store`` (aiosqlite, WAL). Schema versioned by ``PRAGMA user_version``."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import secrets
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import aiosqlite

from bot.store import (
    EntryCount,
    EntryVotes,
    Gap,
    QuestionRecord,
    Stats,
    Teaching,
    Vote,
    salted_hash,
)

MIGRATIONS: Final[tuple[str, ...]] = (
    # 1: questions, votes, and the salt for user hashes
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        asked_at REAL NOT NULL,
        guild_id INTEGER,
        channel_id INTEGER,
        user_hash TEXT NOT NULL,
        via TEXT NOT NULL,
        text TEXT NOT NULL,
        normalised TEXT NOT NULL,
        entry_id TEXT,
        score REAL NOT NULL,
        outcome TEXT NOT NULL,
        latency_ms REAL NOT NULL
    );
    CREATE INDEX questions_outcome_normalised ON questions (outcome, normalised);
    CREATE INDEX questions_entry ON questions (entry_id);
    CREATE TABLE votes (
        message_id INTEGER NOT NULL,
        user_hash TEXT NOT NULL,
        entry_id TEXT NOT NULL,
        vote TEXT NOT NULL CHECK (vote IN ('up', 'down')),
        voted_at REAL NOT NULL,
        PRIMARY KEY (message_id, user_hash)
    );
    CREATE INDEX votes_entry ON votes (entry_id);
    """,
    # 2: what members picked among the did-you-mean suggestions, and what moderators taught
    """
    CREATE TABLE picks (
        picked_at REAL NOT NULL,
        user_hash TEXT NOT NULL,
        question TEXT NOT NULL,
        normalised TEXT NOT NULL,
        entry_id TEXT NOT NULL
    );
    CREATE INDEX picks_normalised ON picks (normalised);
    CREATE TABLE teachings (
        id INTEGER PRIMARY KEY,
        taught_at REAL NOT NULL,
        moderator TEXT NOT NULL,
        question TEXT NOT NULL,
        entry_id TEXT,
        file TEXT NOT NULL,
        line INTEGER NOT NULL,
        text TEXT NOT NULL,
        written INTEGER NOT NULL,
        undone_at REAL
    );
    """,
)
"""Numbered migrations: index i brings the schema from version i to i + 1. Append only."""

SCHEMA_VERSION: Final = len(MIGRATIONS)

INSERT_QUESTION: Final = (
    "INSERT INTO questions (asked_at, guild_id, channel_id, user_hash, via, text,"
    " normalised, entry_id, score, outcome, latency_ms)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
MAX_BATCH: Final = 500
"""At most this many questions per commit (bounds one transaction under a huge burst)."""

log = logging.getLogger("bot.store")

_Row = tuple[Any, ...]
_TEACHING_COLUMNS: Final = (
    "id, taught_at, moderator, question, entry_id, file, line, text, written, undone_at"
)


def _teaching(row: Sequence[Any]) -> Teaching:
    ident, at, moderator, question, entry_id, file, line, text, written, undone = row
    return Teaching(
        moderator=str(moderator),
        question=str(question),
        entry_id=None if entry_id is None else str(entry_id),
        file=str(file),
        line=int(line),
        text=str(text),
        written=bool(written),
        taught_at=float(at),
        id=int(ident),
        undone_at=None if undone is None else float(undone),
    )


_Pending = tuple[_Row, "asyncio.Future[None]"]


class StoreClosed(RuntimeError):
    """The store is closing or closed: nothing more can be written."""


def _storable(text: str) -> str:
    """Text SQLite can store: a lone surrogate (valid in a Python str and in JSON escapes,
    not in UTF-8) would make the whole batch fail, so it is stored as "?" instead."""
    return text.encode("utf-8", "replace").decode("utf-8")


class SqliteStore:
    """Open with ``await SqliteStore.open(path)``; always ``await store.close()``.

    Questions are written by group commit: ``log_question`` queues its row and returns once
    the transaction holding it is committed. One writer task drains the queue, so every
    question that arrived while the previous commit was running shares the next commit
    (a burst of 200 questions costs a handful of commits, not 200).
    """

    def __init__(self, db: aiosqlite.Connection, salt: str) -> None:
        self._db = db
        self._salt = salt
        self._queue: asyncio.Queue[_Pending | None] = asyncio.Queue()
        self._closing = False
        self.commits = 0
        """Question batches committed so far (tests and metrics)."""
        self._writer = asyncio.create_task(self._write_loop(), name="careerbot-store-writer")

    @classmethod
    async def open(cls, path: Path | str) -> SqliteStore:
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(path)
        try:
            # busy_timeout first: switching a fresh file to WAL needs a lock that another
            # process opening it at the same moment may hold.
            await db.execute("PRAGMA busy_timeout=5000")
            await db.execute("PRAGMA journal_mode=WAL")
            await db.execute("PRAGMA synchronous=NORMAL")
            await migrate(db)
            salt = await _salt(db)
        except BaseException:
            await db.close()
            raise
        return cls(db, salt)

    def hash_user(self, user_id: int) -> str:
        return salted_hash(self._salt, user_id)

    async def log_question(self, record: QuestionRecord) -> None:
        """Store one question; returns when it is committed (raises if the commit failed)."""
        if self._closing or self._writer.done():
            raise StoreClosed("the store is closed")
        row = (
            record.asked_at or time.time(),
            record.guild_id,
            record.channel_id,
            record.user_hash,
            record.via,
            _storable(record.text),
            _storable(record.normalised),
            record.entry_id,
            record.score,
            record.outcome,
            record.latency_ms,
        )
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((row, done))
        await done

    async def _write_loop(self) -> None:
        """Drain the queue: each batch is one executemany + one commit; None stops the loop."""
        queue = self._queue
        stopping = False
        while not stopping:
            first = await queue.get()
            if first is None:
                break
            batch = [first]
            while not queue.empty() and len(batch) < MAX_BATCH:
                item = queue.get_nowait()
                if item is None:
                    stopping = True  # commit what came before the stop, then end
                    break
                batch.append(item)
            try:
                await self._commit_batch([row for row, _ in batch])
            except asyncio.CancelledError:
                for _, done in batch:
                    done.cancel()
                raise
            except Exception as exc:
                log.error("could not store %d question(s): %s", len(batch), exc)
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
            else:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)

    async def _commit_batch(self, rows: list[_Row]) -> None:
        try:
            await self._db.executemany(INSERT_QUESTION, rows)
            await self._db.commit()
        except BaseException:
            with contextlib.suppress(Exception):
                await self._db.rollback()
            raise
        self.commits += 1

    async def record_vote(self, message_id: int, user_hash: str, entry_id: str, vote: Vote) -> bool:
        async with self._db.execute(
            "SELECT vote FROM votes WHERE message_id = ? AND user_hash = ?",
            (message_id, user_hash),
        ) as cur:
            row = await cur.fetchone()
        if row is not None and row[0] == vote.value:
            return False
        await self._db.execute(
            "INSERT INTO votes (message_id, user_hash, entry_id, vote, voted_at)"
            " VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (message_id, user_hash) DO UPDATE SET"
            " vote = excluded.vote, entry_id = excluded.entry_id, voted_at = excluded.voted_at",
            (message_id, user_hash, entry_id, vote.value, time.time()),
        )
        await self._db.commit()
        return True

    async def stats(self, limit: int = 10) -> Stats:
        counts: dict[str, int] = {}
        async with self._db.execute(
            "SELECT outcome, COUNT(*) FROM questions GROUP BY outcome"
        ) as cur:
            async for outcome, n in cur:
                counts[str(outcome)] = int(n)
        async with self._db.execute(
            "SELECT entry_id, COUNT(*) AS n FROM questions"
            " WHERE outcome = 'answer' AND entry_id IS NOT NULL"
            " GROUP BY entry_id ORDER BY n DESC, entry_id LIMIT ?",
            (limit,),
        ) as cur:
            top = [EntryCount(str(e), int(n)) async for e, n in cur]
        async with self._db.execute(
            "SELECT entry_id, SUM(vote = 'up') AS up, SUM(vote = 'down') AS down FROM votes"
            " GROUP BY entry_id ORDER BY up + down DESC, entry_id LIMIT ?",
            (limit,),
        ) as cur:
            votes = [EntryVotes(str(e), int(u), int(d)) async for e, u, d in cur]
        return Stats(
            total=sum(counts.values()),
            answered=counts.get("answer", 0),
            unsure=counts.get("unsure", 0),
            declined=counts.get("decline", 0),
            top_entries=top,
            votes=votes,
        )

    async def gaps(self, limit: int = 20) -> list[Gap]:
        # SQLite returns the bare column from the row holding MAX(): the latest example.
        async with self._db.execute(
            "SELECT normalised, COUNT(*) AS n, text, MAX(asked_at) FROM questions"
            " WHERE outcome != 'answer' AND normalised != ''"
            " GROUP BY normalised ORDER BY n DESC, MAX(asked_at) DESC LIMIT ?",
            (limit,),
        ) as cur:
            gaps = [Gap(str(k), int(n), str(t), float(at)) async for k, n, t, at in cur]
        return [await self._with_picks(gap) for gap in gaps]

    async def _with_picks(self, gap: Gap) -> Gap:
        async with self._db.execute(
            "SELECT entry_id, COUNT(*) AS n FROM picks WHERE normalised = ?"
            " GROUP BY entry_id ORDER BY n DESC, entry_id",
            (gap.normalised,),
        ) as cur:
            picks = tuple([EntryCount(str(e), int(n)) async for e, n in cur])
        if not picks:
            return gap
        marks = ",".join("?" * len(picks))
        async with self._db.execute(
            f"SELECT COUNT(*) FROM votes WHERE vote = 'down' AND entry_id IN ({marks})",  # noqa: S608 - placeholders only
            [p.entry_id for p in picks],
        ) as cur:
            row = await cur.fetchone()
        return dataclasses.replace(gap, picks=picks, down_votes=int(row[0]) if row else 0)

    async def record_pick(
        self, user_hash: str, question: str, normalised: str, entry_id: str
    ) -> None:
        await self._db.execute(
            "INSERT INTO picks (picked_at, user_hash, question, normalised, entry_id)"
            " VALUES (?, ?, ?, ?, ?)",
            (time.time(), user_hash, _storable(question), _storable(normalised), entry_id),
        )
        await self._db.commit()

    async def record_teaching(self, teaching: Teaching) -> int:
        cur = await self._db.execute(
            "INSERT INTO teachings (taught_at, moderator, question, entry_id, file, line, text,"
            " written) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                teaching.taught_at or time.time(),
                _storable(teaching.moderator),
                _storable(teaching.question),
                teaching.entry_id,
                teaching.file,
                teaching.line,
                _storable(teaching.text),
                int(teaching.written),
            ),
        )
        await self._db.commit()
        return int(cur.lastrowid or 0)

    async def teachings(self, limit: int = 20) -> list[Teaching]:
        async with self._db.execute(
            f"SELECT {_TEACHING_COLUMNS} FROM teachings ORDER BY id DESC LIMIT ?",  # noqa: S608
            (limit,),
        ) as cur:
            return [_teaching(row) async for row in cur]

    async def teaching(self, teaching_id: int) -> Teaching | None:
        async with self._db.execute(
            f"SELECT {_TEACHING_COLUMNS} FROM teachings WHERE id = ?",  # noqa: S608
            (teaching_id,),
        ) as cur:
            row = await cur.fetchone()
        return _teaching(row) if row else None

    async def mark_undone(self, teaching_id: int) -> bool:
        cur = await self._db.execute(
            "UPDATE teachings SET undone_at = ? WHERE id = ? AND undone_at IS NULL",
            (time.time(), teaching_id),
        )
        await self._db.commit()
        return cur.rowcount == 1

    async def close(self) -> None:
        """Commit every question already queued, stop the writer, close the connection."""
        if not self._closing:
            self._closing = True
            self._queue.put_nowait(None)
        try:
            await asyncio.wait({self._writer})  # never raises the writer's own outcome
        finally:
            if not self._writer.done():  # close() itself was cancelled: stop writing now
                self._writer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._writer
            if not self._writer.cancelled() and self._writer.exception() is not None:
                log.error("the question writer failed", exc_info=self._writer.exception())
            while not self._queue.empty():  # only left if the writer was stopped early
                item = self._queue.get_nowait()
                if item is not None:
                    item[1].cancel()
            await self._db.close()


async def schema_version(db: aiosqlite.Connection) -> int:
    async with db.execute("PRAGMA user_version") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def migrate(db: aiosqlite.Connection) -> int:
    """Apply every migration newer than the file's ``user_version``; return the new version.

    Safe when several processes open a fresh file at once: each step takes the write lock
    (``BEGIN IMMEDIATE``), and a step that fails because another process applied it first
    (e.g. "table meta already exists") is rolled back and the version read again.
    """
    while True:
        version = await schema_version(db)
        if version > SCHEMA_VERSION:
            raise RuntimeError(
                f"database schema version {version} is newer than this bot ({SCHEMA_VERSION})"
            )
        if version == SCHEMA_VERSION:
            return SCHEMA_VERSION
        try:
            # executescript commits first; each migration + its version bump is one transaction.
            await db.executescript(
                f"BEGIN IMMEDIATE; {MIGRATIONS[version]}; PRAGMA user_version = {version + 1};"
                " COMMIT;"
            )
        except sqlite3.OperationalError:
            if db.in_transaction:
                await db.rollback()
            if await schema_version(db) > version:
                continue  # another process migrated meanwhile
            raise


async def _salt(db: aiosqlite.Connection) -> str:
    async with db.execute("SELECT value FROM meta WHERE key = 'user_salt'") as cur:
        row = await cur.fetchone()
    if row is not None:
        return str(row[0])
    # OR IGNORE + read back: of two processes creating the salt at once, the first one wins.
    await db.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES ('user_salt', ?)", (secrets.token_hex(16),)
    )
    await db.commit()
    async with db.execute("SELECT value FROM meta WHERE key = 'user_salt'") as cur:
        row = await cur.fetchone()
    if row is None:  # pragma: no cover - the insert above guarantees a row
        raise RuntimeError("could not create the user salt")
    return str(row[0])
