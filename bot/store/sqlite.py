"""SQLite backend of ``Store`` (aiosqlite, WAL). Schema versioned by ``PRAGMA user_version``
(the schema, its migrations and the file checks are in ``sqlite_schema``, the read queries in
``sqlite_read``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from pathlib import Path
from typing import Any, Final

import aiosqlite

from bot.store import (
    Gap,
    QuestionRecord,
    Stats,
    StoreUnavailable,
    Teaching,
    Vote,
    salted_hash,
)
from bot.store.sqlite_read import read_gaps, read_stats, read_teaching, read_teachings
from bot.store.sqlite_schema import (
    MIGRATIONS,
    OPEN_BUSY_MS,
    SCHEMA_VERSION,
    check_file,
    connect,
    is_locked,
    prepare,
    unusable,
)

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "SqliteStore", "StoreClosed"]

INSERT_QUESTION: Final = (
    "INSERT INTO questions (asked_at, guild_id, channel_id, user_hash, via, text,"
    " normalised, entry_id, score, outcome, latency_ms)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
MAX_BATCH: Final = 500
"""At most this many questions per commit (bounds one transaction under a huge burst)."""
REPLY_WAIT: Final = 0.25
"""Seconds ``log_question`` waits for its commit at most: a healthy commit takes a few ms and
is awaited (so an answered question survives a crash); a locked database never delays a
reply longer than this. The row stays queued and is written when the lock clears."""
MAX_QUEUED: Final = 20_000
"""Questions waiting at most (a few MB); beyond that new ones are counted and not stored."""
BUSY_MS: Final = 1000
"""Lock wait per statement afterwards: bounds how long a vote or a read can queue behind a
commit that waits for a lock (the writer itself retries with backoff instead)."""
RETRY_BACKOFF: Final = (0.05, 2.0)
"""First and longest pause (s) between retries of a batch while the database is locked."""
CLOSE_WAIT: Final = 10.0
"""Seconds ``close`` keeps retrying queued questions before it gives up on them."""
LOG_EVERY: Final = 10.0
"""Seconds between two "questions waiting" log lines while the database stays locked."""

log = logging.getLogger("bot.store")

_Row = tuple[Any, ...]
_Pending = tuple[_Row, "asyncio.Future[None]"]


class StoreClosed(RuntimeError):
    """The store is closing or closed: nothing more can be written."""


def _retrieve(done: asyncio.Future[None]) -> None:
    """Mark a failure as seen: a caller that stopped waiting must not leave an unretrieved
    exception behind (the failure is logged by the writer)."""
    if not done.cancelled():
        done.exception()


def _storable(text: str) -> str:
    """Text SQLite can store: a lone surrogate (valid in a Python str and in JSON escapes,
    not in UTF-8) would make the whole batch fail, so it is stored as "?" instead."""
    return text.encode("utf-8", "replace").decode("utf-8")


class SqliteStore:
    """Open with ``await SqliteStore.open(path)``; always ``await store.close()``.

    Questions are written by group commit: ``log_question`` queues its row and returns once
    the transaction holding it is committed, or after ``reply_wait`` seconds at most. One
    writer task drains the queue, so every question that arrived while the previous commit
    was running shares the next commit (a burst of 200 questions costs a handful of commits,
    not 200). While another process holds the write lock the writer keeps the batch and
    retries it with backoff: nothing is dropped, up to ``max_queued`` waiting questions.
    """

    def __init__(
        self,
        db: aiosqlite.Connection,
        salt: str,
        *,
        reply_wait: float = REPLY_WAIT,
        max_queued: int = MAX_QUEUED,
        retry_backoff: tuple[float, float] = RETRY_BACKOFF,
        close_wait: float = CLOSE_WAIT,
    ) -> None:
        self._db = db
        self._salt = salt
        self._reply_wait = reply_wait
        self._max_queued = max_queued
        self._backoff = retry_backoff
        self._close_wait = close_wait
        self._queue: asyncio.Queue[_Pending | None] = asyncio.Queue()
        self._closing = False
        self._drained = asyncio.Event()
        self._drained.set()
        self.waiting = 0
        """Questions queued and not yet committed (nor failed)."""
        self.commits = 0
        """Question batches committed so far (tests and metrics)."""
        self.retries = 0
        """Commits retried because the database was locked."""
        self.refused = 0
        """Questions not stored because ``max_queued`` were already waiting."""
        self.unconfirmed = 0
        """``log_question`` calls that returned before their commit (``reply_wait`` passed)."""
        self._writer = asyncio.create_task(self._write_loop(), name="careerbot-store-writer")

    @classmethod
    async def open(cls, path: Path | str, **options: Any) -> SqliteStore:
        """Open (creating it if new) and migrate the log. A file that cannot be used raises
        ``StoreUnavailable`` naming it; a corrupt one is found by ``quick_check`` before
        anything is written to it. ``options``: see ``__init__``."""
        path = Path(path)
        if str(path) != ":memory:":
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise unusable(path, exc) from exc
        db = await connect(path, path)
        try:
            # busy_timeout first: switching a fresh file to WAL needs a lock that another
            # process opening it at the same moment may hold.
            await db.execute(f"PRAGMA busy_timeout={OPEN_BUSY_MS}")
            await check_file(db, path)  # read-only: nothing is written to a bad file
            salt = await prepare(db)
            await db.execute(f"PRAGMA busy_timeout={BUSY_MS}")
        except BaseException as exc:
            with contextlib.suppress(Exception):
                await db.close()
            if isinstance(exc, Exception) and not isinstance(exc, StoreUnavailable):
                raise unusable(path, exc) from exc
            raise
        return cls(db, salt, **options)

    def hash_user(self, user_id: int) -> str:
        return salted_hash(self._salt, user_id)

    async def log_question(self, record: QuestionRecord) -> None:
        """Queue one question and wait for its commit, ``reply_wait`` seconds at most.

        Raises if the commit failed within that time (not for a locked database: the row
        stays queued and is retried); returns without waiting when too many are queued."""
        if self._closing or self._writer.done():
            raise StoreClosed("the store is closed")
        if self.waiting >= self._max_queued:
            self.refused += 1
            if self.refused == 1 or self.refused % 1000 == 0:
                log.error(
                    "question log: %d question(s) already waiting for the database, "
                    "%d not stored so far",
                    self.waiting,
                    self.refused,
                )
            return
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
        done.add_done_callback(_retrieve)
        self.waiting += 1
        self._drained.clear()
        self._queue.put_nowait((row, done))
        await asyncio.wait({done}, timeout=self._reply_wait)
        if done.done():
            done.result()
        else:
            self.unconfirmed += 1

    async def flush(self) -> None:
        """Wait until every question queued so far is committed or has failed."""
        await self._drained.wait()

    def _settled(self, batch: list[_Pending]) -> None:
        self.waiting -= len(batch)
        if self.waiting == 0:
            self._drained.set()

    async def _write_loop(self) -> None:
        """Drain the queue: each batch is one executemany + one commit; None stops the loop.

        A batch that meets a locked database is kept and retried (topped up with what came
        meanwhile) after a pause that doubles up to ``retry_backoff[1]``."""
        queue = self._queue
        loop = asyncio.get_running_loop()
        stopping = False
        batch: list[_Pending] = []
        pause = 0.0
        locked_since = next_log = 0.0
        while batch or not stopping:
            if not batch:
                first = await queue.get()
                if first is None:
                    break
                batch = [first]
            while not stopping and not queue.empty() and len(batch) < MAX_BATCH:
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
                if is_locked(exc):
                    self.retries += 1
                    now = loop.time()
                    if not pause:
                        locked_since = now
                    if now >= next_log:
                        next_log = now + LOG_EVERY
                        log.warning(
                            "question log busy (%s): %d question(s) waiting, retrying",
                            exc,
                            self.waiting,
                        )
                    pause = min(self._backoff[1], pause * 2 or self._backoff[0])
                    await asyncio.sleep(pause)
                    continue
                log.error("could not store %d question(s): %s", len(batch), exc)
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
            else:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)
                if pause:
                    log.info(
                        "question log writable again after %.1f s: %d question(s) stored",
                        loop.time() - locked_since,
                        len(batch),
                    )
            pause = 0.0
            next_log = 0.0
            self._settled(batch)
            batch = []

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
        return await read_stats(self._db, limit)

    async def gaps(self, limit: int = 20) -> list[Gap]:
        return await read_gaps(self._db, limit)

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
        return await read_teachings(self._db, limit)

    async def teaching(self, teaching_id: int) -> Teaching | None:
        return await read_teaching(self._db, teaching_id)

    async def mark_undone(self, teaching_id: int) -> bool:
        cur = await self._db.execute(
            "UPDATE teachings SET undone_at = ? WHERE id = ? AND undone_at IS NULL",
            (time.time(), teaching_id),
        )
        await self._db.commit()
        return cur.rowcount == 1

    async def close(self) -> None:
        """Commit every question already queued, stop the writer, close the connection.

        While the database stays locked, queued questions are retried for ``close_wait``
        seconds; what is still waiting then is given up, and the count logged."""
        if not self._closing:
            self._closing = True
            self._queue.put_nowait(None)
        try:
            # never raises the writer's own outcome
            await asyncio.wait({self._writer}, timeout=self._close_wait)
            if not self._writer.done():
                log.error(
                    "question log: %d question(s) not stored, the database stayed locked "
                    "for %.1f s at shutdown",
                    self.waiting,
                    self._close_wait,
                )
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
