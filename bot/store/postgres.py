"""PostgreSQL backend of ``Store`` (asyncpg): the question log shared by processes on several hosts.

Chosen by ``database_url: postgresql://…`` (see ``bot.store.factory``); SQLite stays the default.
Behaves like the SQLite store: questions are written by group commit, and a reply waits for
its question's commit at most ``commit_wait`` seconds. When the server is slow or gone the
reply goes out anyway: the question stays queued and the writer retries (with backoff) until
the server is back, so nothing is lost and nobody waits on the outage. Each question carries
a uid made here, so a batch retried after a lost acknowledgement is still stored once.
The schema and the connection errors are in ``postgres_schema``, the read queries in
``postgres_read``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, Final, TypeVar

import asyncpg

from bot.store import (
    Gap,
    QuestionRecord,
    Stats,
    Teaching,
    Vote,
    salted_hash,
)
from bot.store.postgres_read import read_gaps, read_stats, read_teaching, read_teachings
from bot.store.postgres_schema import (
    Conn,
    PostgresUnavailable,
    check_url,
    migrate,
    reason,
    user_salt,
)
from bot.store.sqlite import StoreClosed

__all__ = ["PostgresStore", "PostgresUnavailable"]

INSERT_QUESTION: Final = (
    "INSERT INTO questions (uid, asked_at, guild_id, channel_id, user_hash, via, text,"
    " normalised, entry_id, score, outcome, latency_ms)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (uid) DO NOTHING"
)
MAX_BATCH: Final = 500
"""At most this many questions per commit."""
MAX_QUEUED: Final = 100_000
"""Questions kept in memory while the server is away (~50 MB); past that new ones are refused."""
COMMIT_WAIT: Final = 0.25
"""Default longest time a reply waits for its question's commit (seconds)."""
CONNECT_TIMEOUT: Final = 5.0
COMMAND_TIMEOUT: Final = 10.0
RETRY_FIRST, RETRY_MAX = 0.05, 1.0
"""Backoff between write attempts while the server is unreachable (seconds)."""
CLOSE_FLUSH_SECONDS: Final = 5.0

TRANSIENT: Final = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.TooManyConnectionsError,
)
"""Errors that say the server is away (retry later), not that the row is bad."""

log = logging.getLogger("bot.store")
T = TypeVar("T")
_Row = tuple[Any, ...]


def _storable(text: str) -> str:
    """Text PostgreSQL can store: no lone surrogates (not UTF-8) and no NUL characters."""
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "?")


def _retrieve(fut: asyncio.Future[None]) -> None:
    """A reply that stopped waiting never reads its future: read it here (no loop warning)."""
    if not fut.cancelled():
        fut.exception()


class PostgresStore:
    """Open with ``await PostgresStore.open(url)``; always ``await store.close()``."""

    def __init__(
        self, pool: asyncpg.Pool, salt: str, url: str, commit_wait: float = COMMIT_WAIT
    ) -> None:
        self._pool = pool
        self._salt = salt
        self._url = url
        self._commit_wait = commit_wait
        self._pending: deque[tuple[_Row, asyncio.Future[None]]] = deque()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._closing = False
        self.commits = 0
        """Question batches committed so far (tests and metrics)."""
        self.late = 0
        """Replies that stopped waiting for their commit (the question stayed queued)."""
        self.retries = 0
        """Write attempts that met an unreachable server."""
        self.dropped = 0
        """Questions dropped because more than ``MAX_QUEUED`` waited (a very long outage)."""
        self._writer = asyncio.create_task(self._write_loop(), name="careerbot-pg-writer")

    @classmethod
    async def open(cls, url: str, *, commit_wait: float = COMMIT_WAIT) -> PostgresStore:
        """Connect, migrate (under an advisory lock) and read the salt.

        Raises ``PostgresUnavailable`` with one line for a bad URL, a refused connection,
        wrong credentials, a missing database or a server that does not answer."""
        check_url(url)
        try:
            pool = await asyncpg.create_pool(
                url,
                min_size=1,
                max_size=4,
                timeout=CONNECT_TIMEOUT,
                command_timeout=COMMAND_TIMEOUT,
            )
        except (*TRANSIENT, asyncpg.PostgresError, ValueError) as exc:
            raise reason(url, exc) from None
        try:
            async with pool.acquire() as conn:
                await migrate(conn)
                salt = await user_salt(conn)
        except BaseException as exc:
            pool.terminate()
            if isinstance(exc, (*TRANSIENT, asyncpg.PostgresError)):
                raise reason(url, exc) from None
            raise
        return cls(pool, salt, url, commit_wait)

    def hash_user(self, user_id: int) -> str:
        return salted_hash(self._salt, user_id)

    @property
    def queued(self) -> int:
        """Questions not yet committed."""
        return len(self._pending)

    # ------------------------------------------------------------------ questions
    async def log_question(self, record: QuestionRecord) -> None:
        """Queue one question; return once it is committed or after ``commit_wait`` seconds,
        whichever is first (then it stays queued and is written when the server can take it).
        Raises only for a question the server refuses as such (never for an outage)."""
        if self._closing or self._writer.done():
            raise StoreClosed("the store is closed")
        row = (
            uuid.uuid4(),
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
        if len(self._pending) >= MAX_QUEUED:  # hours of outage at full load: refuse the newest
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 1000 == 0:
                log.error("question log backlog full: %d question(s) not kept", self.dropped)
            return
        self._pending.append((row, done))
        self._idle.clear()
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(done), self._commit_wait)
        except TimeoutError:
            self.late += 1

    async def flush(self, seconds: float) -> bool:
        """Wait until every queued question is committed; False if ``seconds`` passed first."""
        try:
            await asyncio.wait_for(self._idle.wait(), seconds)
        except TimeoutError:
            return False
        return True

    async def _write_loop(self) -> None:
        backoff = RETRY_FIRST
        while True:
            if not self._pending:
                self._idle.set()
                if self._closing:
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            batch = [self._pending[i] for i in range(min(MAX_BATCH, len(self._pending)))]
            try:
                failed = await self._commit_batch([row for row, _ in batch])
            except TRANSIENT as exc:
                self.retries += 1
                if self.retries == 1 or backoff >= RETRY_MAX:
                    log.warning(
                        "question log unreachable, %d question(s) queued: %s",
                        len(self._pending),
                        str(reason(self._url, exc)),
                    )
                await asyncio.sleep(backoff)
                backoff = min(RETRY_MAX, backoff * 2)
                continue
            backoff = RETRY_FIRST
            for _ in batch:
                row, done = self._pending.popleft()
                if done.done():
                    continue
                if row[0] in failed:
                    done.set_exception(failed[row[0]])
                else:
                    done.set_result(None)

    async def _commit_batch(self, rows: list[_Row]) -> dict[uuid.UUID, Exception]:
        """Commit ``rows`` in one transaction; rows the server refuses as such (bad data) are
        retried one by one, and only those come back, with their error."""
        async with self._pool.acquire(timeout=CONNECT_TIMEOUT) as conn:
            try:
                async with conn.transaction():
                    await conn.executemany(INSERT_QUESTION, rows)
            except TRANSIENT:
                raise
            except asyncpg.PostgresError:
                if len(rows) == 1:
                    raise
            else:
                self.commits += 1
                return {}
        failed: dict[uuid.UUID, Exception] = {}
        for row in rows:
            try:
                await self._commit_batch([row])
            except TRANSIENT:
                raise
            except asyncpg.PostgresError as exc:
                log.error("could not store a question: %s", exc)
                failed[row[0]] = exc
        return failed

    # ------------------------------------------------------------------ the rest
    async def _run(self, work: Callable[[Conn], Awaitable[T]]) -> T:
        """Run ``work`` on a pooled connection; an unreachable server is one clear line."""
        try:
            async with self._pool.acquire(timeout=CONNECT_TIMEOUT) as conn:
                return await work(conn)
        except TRANSIENT as exc:
            raise reason(self._url, exc) from None

    async def record_vote(self, message_id: int, user_hash: str, entry_id: str, vote: Vote) -> bool:
        row = await self._run(
            lambda c: c.fetchrow(
                "INSERT INTO votes (message_id, user_hash, entry_id, vote, voted_at)"
                " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (message_id, user_hash) DO UPDATE SET"
                " vote = excluded.vote, entry_id = excluded.entry_id, voted_at = excluded.voted_at"
                " WHERE votes.vote <> excluded.vote RETURNING 1",
                message_id,
                user_hash,
                entry_id,
                vote.value,
                time.time(),
            )
        )
        return row is not None

    async def stats(self, limit: int = 10) -> Stats:
        return await self._run(lambda c: read_stats(c, limit))

    async def gaps(self, limit: int = 20) -> list[Gap]:
        return await self._run(lambda c: read_gaps(c, limit))

    async def record_pick(
        self, user_hash: str, question: str, normalised: str, entry_id: str
    ) -> None:
        await self._run(
            lambda c: c.execute(
                "INSERT INTO picks (picked_at, user_hash, question, normalised, entry_id)"
                " VALUES ($1, $2, $3, $4, $5)",
                time.time(),
                user_hash,
                _storable(question),
                _storable(normalised),
                entry_id,
            )
        )

    async def record_teaching(self, teaching: Teaching) -> int:
        ident = await self._run(
            lambda c: c.fetchval(
                "INSERT INTO teachings (taught_at, moderator, question, entry_id, file, line,"
                " text, written) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                teaching.taught_at or time.time(),
                _storable(teaching.moderator),
                _storable(teaching.question),
                teaching.entry_id,
                teaching.file,
                teaching.line,
                _storable(teaching.text),
                teaching.written,
            )
        )
        return int(ident)

    async def teachings(self, limit: int = 20) -> list[Teaching]:
        return await self._run(lambda c: read_teachings(c, limit))

    async def teaching(self, teaching_id: int) -> Teaching | None:
        return await self._run(lambda c: read_teaching(c, teaching_id))

    async def mark_undone(self, teaching_id: int) -> bool:
        status = await self._run(
            lambda c: c.execute(
                "UPDATE teachings SET undone_at = $1 WHERE id = $2 AND undone_at IS NULL",
                time.time(),
                teaching_id,
            )
        )
        return str(status) == "UPDATE 1"

    async def close(self) -> None:
        """Write what is queued (up to ``CLOSE_FLUSH_SECONDS`` if the server is away), stop
        the writer, close the connections."""
        self._closing = True
        self._wake.set()
        try:
            await asyncio.wait({self._writer}, timeout=CLOSE_FLUSH_SECONDS)
        finally:
            if not self._writer.done():
                self._writer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._writer
            if self._pending:
                log.error("closing with %d question(s) the server did not take", len(self._pending))
            while self._pending:
                self._pending.popleft()[1].cancel()
            try:
                await asyncio.wait_for(self._pool.close(), CLOSE_FLUSH_SECONDS)
            except (TimeoutError, *TRANSIENT):
                self._pool.terminate()
