"""The ``Store`` contract, run against every backend: SQLite (a real file) and PostgreSQL (a
real server the tests start, see tests/pg_server.py)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest

from bot.store import EntryCount, QuestionRecord, Store, Teaching, Vote
from bot.store.postgres import PostgresStore
from bot.store.sqlite import SqliteStore, StoreClosed


@dataclass
class Backend:
    name: str
    open: Callable[[], Awaitable[Store]]
    texts: Callable[[], Awaitable[list[str]]]
    """The question texts stored, read through a separate connection."""
    raw: Callable[[], Awaitable[bytes]]
    """Everything stored, as bytes (to look for raw user ids)."""


def sqlite_backend(path: Path) -> Backend:
    async def texts() -> list[str]:
        with sqlite3.connect(path) as db:
            return [r[0] for r in db.execute("SELECT text FROM questions ORDER BY id")]

    async def raw() -> bytes:
        return b"".join(p.read_bytes() for p in path.parent.iterdir())

    return Backend("sqlite", lambda: SqliteStore.open(path), texts, raw)


def postgres_backend(url: str) -> Backend:
    async def query(sql: str) -> list[asyncpg.Record]:
        conn = await asyncpg.connect(url)
        try:
            return list(await conn.fetch(sql))
        finally:
            await conn.close()

    async def texts() -> list[str]:
        return [r[0] for r in await query("SELECT text FROM questions ORDER BY id")]

    async def raw() -> bytes:
        rows = await query(
            "SELECT string_agg(q::text, ' ') FROM questions q UNION ALL"
            " SELECT string_agg(v::text, ' ') FROM votes v UNION ALL"
            " SELECT string_agg(m::text, ' ') FROM meta m"
        )
        return " ".join(str(r[0]) for r in rows).encode()

    return Backend("postgresql", lambda: PostgresStore.open(url), texts, raw)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "sqlite":
        return sqlite_backend(tmp_path / "db" / "bot.sqlite3")
    url: str = request.getfixturevalue("pg_url")
    return postgres_backend(url)


@pytest.fixture
async def store(backend: Backend) -> AsyncIterator[Store]:
    s = await backend.open()
    yield s
    await s.close()


def record(
    store: Store, text: str, outcome: str, entry: str | None = None, user: int = 1
) -> QuestionRecord:
    return QuestionRecord(
        text=text,
        normalised=" ".join(text.lower().replace("?", "").split()),
        outcome=outcome,
        entry_id=entry,
        score=0.5,
        latency_ms=3.2,
        guild_id=10,
        channel_id=20,
        user_hash=store.hash_user(user),
    )


async def test_reopening_keeps_data_and_salt(backend: Backend) -> None:
    first = await backend.open()
    h = first.hash_user(42)
    await first.log_question(record(first, "What is pay?", "answer", "csr.pay"))
    await first.close()
    second = await backend.open()
    try:
        assert second.hash_user(42) == h
        assert (await second.stats()).total == 1
    finally:
        await second.close()


async def test_user_ids_are_never_stored_raw(backend: Backend, store: Store) -> None:
    user_id = 123456789012345678
    h = store.hash_user(user_id)
    assert str(user_id) not in h and len(h) == 64
    assert store.hash_user(user_id) == h != store.hash_user(user_id + 1)
    await store.log_question(record(store, "hello", "decline", user=user_id))
    await store.record_vote(1, h, "x", Vote.UP)
    raw = await backend.raw()
    assert h.encode() in raw  # the hash is there, so the search would have found the id
    assert str(user_id).encode() not in raw


async def test_one_vote_per_user_per_message(store: Store) -> None:
    alice, bob = store.hash_user(1), store.hash_user(2)
    assert await store.record_vote(100, alice, "csr.pay", Vote.UP) is True
    assert await store.record_vote(100, alice, "csr.pay", Vote.UP) is False
    assert await store.record_vote(100, bob, "csr.pay", Vote.UP) is True
    votes = {v.entry_id: (v.up, v.down) for v in (await store.stats()).votes}
    assert votes == {"csr.pay": (2, 0)}
    assert await store.record_vote(100, alice, "csr.pay", Vote.DOWN) is True
    assert await store.record_vote(101, alice, "csr.pay", Vote.DOWN) is True
    votes = {v.entry_id: (v.up, v.down) for v in (await store.stats()).votes}
    assert votes == {"csr.pay": (1, 2)}


async def test_gaps_group_unanswered_by_normalised_text(store: Store) -> None:
    for text in ["How do I become a pilot?", "how do i become a PILOT", "pilot pay?"]:
        await store.log_question(record(store, text, "decline"))
    await store.log_question(record(store, "How do I become a pilot", "unsure"))
    await store.log_question(record(store, "Pilot pay", "unsure"))
    await store.log_question(record(store, "what is csr pay", "answer", "csr.pay"))
    gaps = await store.gaps()
    assert [(g.normalised, g.count) for g in gaps] == [
        ("how do i become a pilot", 3),
        ("pilot pay", 2),
    ]
    assert gaps[1].example in {"pilot pay?", "Pilot pay"}
    assert len(await store.gaps(limit=1)) == 1


async def test_stats_count_outcomes_and_top_entries(store: Store) -> None:
    for _ in range(3):
        await store.log_question(record(store, "pay", "answer", "csr.pay"))
    await store.log_question(record(store, "skills", "answer", "csr.skills"))
    await store.log_question(record(store, "hm", "unsure"))
    await store.log_question(record(store, "pilot", "decline"))
    stats = await store.stats()
    assert (stats.total, stats.answered, stats.unsure, stats.declined) == (6, 4, 1, 1)
    assert [(e.entry_id, e.count) for e in stats.top_entries] == [
        ("csr.pay", 3),
        ("csr.skills", 1),
    ]


async def test_empty_store(store: Store) -> None:
    stats = await store.stats()
    assert stats.total == 0 and stats.answer_rate == 0.0
    assert await store.gaps() == []
    assert await store.teachings() == []


async def test_concurrent_questions_share_commits_and_are_stored_when_awaited(
    backend: Backend, store: Store
) -> None:
    texts = [f"question {i}" for i in range(200)]
    await asyncio.gather(*(store.log_question(record(store, t, "answer", "e")) for t in texts))
    assert sorted(await backend.texts()) == sorted(texts)
    commits = getattr(store, "commits")  # noqa: B009 - both backends count their commits
    assert 1 <= commits < len(texts)


async def test_close_writes_everything_queued_then_refuses(backend: Backend) -> None:
    store = await backend.open()
    pending = [
        asyncio.create_task(store.log_question(record(store, f"q{i}", "answer"))) for i in range(50)
    ]
    await asyncio.sleep(0)
    await store.close()
    await asyncio.gather(*pending)
    assert len(await backend.texts()) == 50
    with pytest.raises(StoreClosed):
        await store.log_question(record(store, "late", "answer"))
    await store.close()


async def test_text_neither_backend_can_hold_is_stored_readably(
    backend: Backend, store: Store
) -> None:
    texts = ["broken \ud800 question", "a normal question"]
    await asyncio.gather(*(store.log_question(record(store, t, "decline")) for t in texts))
    assert sorted(await backend.texts()) == ["a normal question", "broken ? question"]


async def test_picks_and_teachings(store: Store) -> None:
    for user in (1, 2, 3):
        await store.log_question(record(store, "Burnout on calls", "unsure", user=user))
    for user in (1, 2):
        await store.record_pick(store.hash_user(user), "Burnout?", "burnout on calls", "burn")
    await store.record_pick(store.hash_user(3), "Burnout?", "burnout on calls", "stress")
    await store.record_vote(7, store.hash_user(1), "burn", Vote.DOWN)
    (gap,) = await store.gaps()
    assert gap.picks == (EntryCount("burn", 2), EntryCount("stress", 1))
    assert gap.down_votes == 1
    taught = Teaching("mod", "Burnout on calls", "burn", "careers/csr.yaml", 12, "- x", True)
    first = await store.record_teaching(taught)
    second = await store.record_teaching(taught)
    assert second > first
    assert [t.id for t in await store.teachings()] == [second, first]
    stored = await store.teaching(first)
    assert stored is not None and (stored.file, stored.line, stored.written) == (
        "careers/csr.yaml",
        12,
        True,
    )
    assert await store.mark_undone(first) is True
    assert await store.mark_undone(first) is False
    again = await store.teaching(first)
    assert again is not None and again.undone_at is not None
    assert await store.teaching(9999) is None
