"""Another process holding the write lock: replies are not held up, no question is lost.

A second, plain sqlite3 connection holds ``BEGIN IMMEDIATE`` on the real database file (what
a backup tool, a migration or a second bot does). The proof that ``log_question`` does not
wait for the lock is that it returns while the lock is still held; no clock is read.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.store import QuestionRecord
from bot.store.sqlite import SqliteStore

GUARD = 60.0
"""Upper bound on any await here, so a regression fails instead of hanging (not a timing)."""


def record(store: SqliteStore, text: str) -> QuestionRecord:
    return QuestionRecord(
        text=text,
        normalised=text,
        outcome="decline",
        entry_id=None,
        score=0.1,
        latency_ms=1.0,
        guild_id=1,
        channel_id=2,
        user_hash=store.hash_user(3),
    )


def rows_in(path: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(path)) as db:
        return [str(r[0]) for r in db.execute("SELECT text FROM questions ORDER BY id")]


@contextlib.contextmanager
def write_lock(path: Path) -> Iterator[sqlite3.Connection]:
    """Hold the database's write lock from another connection until the block ends."""
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        yield other
        if other.in_transaction:
            other.execute("COMMIT")
    finally:
        other.close()


async def open_store(path: Path, **options: float | int | tuple[float, float]) -> SqliteStore:
    return await SqliteStore.open(path, retry_backoff=(0.01, 0.1), **options)


async def test_a_held_lock_does_not_hold_up_the_call_and_every_row_is_stored_after(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "careerbot.sqlite3"
    caplog.set_level(logging.INFO, logger="bot.store")
    store = await open_store(path, reply_wait=0.05)
    try:
        first = [f"first {i}" for i in range(20)]
        later = [f"later {i}" for i in range(700)]  # more than one batch (MAX_BATCH)
        with write_lock(path):
            # Every call returns while the lock is still held: the reply is not waiting on it.
            await asyncio.wait_for(
                asyncio.gather(*(store.log_question(record(store, t)) for t in first)), GUARD
            )
            assert rows_in(path) == []  # nothing could be written yet...
            await asyncio.wait_for(
                asyncio.gather(*(store.log_question(record(store, t)) for t in later)), GUARD
            )
            assert rows_in(path) == []
            assert store.waiting == len(first) + len(later)  # ...and nothing was dropped
            assert store.unconfirmed == len(first) + len(later)
            # Let the writer meet the lock at least twice (backoff), still held.
            while store.retries < 2:  # noqa: ASYNC110 - a counter, no event to wait on
                await asyncio.sleep(0.01)
        await asyncio.wait_for(store.flush(), GUARD)  # the lock is released: retried, stored
        assert sorted(rows_in(path)) == sorted(first + later)
        assert store.waiting == 0
        messages = [r.getMessage() for r in caplog.records]
        assert any("question(s) waiting, retrying" in m for m in messages), messages
        assert any("writable again" in m for m in messages), messages
        assert not any(r.levelno >= logging.ERROR for r in caplog.records), messages
    finally:
        await store.close()
    assert sorted(rows_in(path)) == sorted(first + later)  # no duplicates either


async def test_a_healthy_database_still_commits_before_the_call_returns(tmp_path: Path) -> None:
    """What the SIGKILL tests rely on: without a lock the commit is awaited, not skipped."""
    path = tmp_path / "careerbot.sqlite3"
    store = await open_store(path, reply_wait=GUARD)
    try:
        for i in range(5):
            await store.log_question(record(store, f"q{i}"))
            assert rows_in(path)[-1] == f"q{i}"
        assert store.unconfirmed == 0
    finally:
        await store.close()


async def test_the_queue_is_bounded_and_says_how_many_were_not_stored(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "careerbot.sqlite3"
    store = await open_store(path, reply_wait=0.01, max_queued=5)
    try:
        with caplog.at_level(logging.ERROR, logger="bot.store"), write_lock(path):
            for i in range(8):
                await asyncio.wait_for(store.log_question(record(store, f"q{i}")), GUARD)
            assert (store.waiting, store.refused) == (5, 3)
        await asyncio.wait_for(store.flush(), GUARD)
        assert rows_in(path) == [f"q{i}" for i in range(5)]
        errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert errors == [
            "question log: 5 question(s) already waiting for the database, 1 not stored so far"
        ]
    finally:
        await store.close()


async def test_close_gives_up_after_close_wait_and_counts_what_it_gave_up(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "careerbot.sqlite3"
    store = await open_store(path, reply_wait=0.01, close_wait=0.2)
    with caplog.at_level(logging.ERROR, logger="bot.store"), write_lock(path):
        for i in range(3):
            await store.log_question(record(store, f"q{i}"))
        await asyncio.wait_for(store.close(), GUARD)  # returns although the lock is held
    assert rows_in(path) == []
    assert [r.getMessage() for r in caplog.records] == [
        "question log: 3 question(s) not stored, the database stayed locked for 0.2 s at shutdown"
    ]
