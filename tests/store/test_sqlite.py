"""The SQLite store against a real database file."""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import QuestionRecord, Vote
from bot.store.sqlite import SCHEMA_VERSION, SqliteStore, StoreClosed


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    s = await SqliteStore.open(tmp_path / "nested" / "dir" / "bot.sqlite3")
    yield s
    await s.close()


def record(
    store: SqliteStore, text: str, outcome: str, entry: str | None = None, user: int = 1
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


async def test_new_file_is_migrated_from_zero_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b.sqlite3"
    store = await SqliteStore.open(path)
    await store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 1
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"questions", "votes", "meta"} <= tables


async def test_reopening_keeps_data_and_salt(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    first = await SqliteStore.open(path)
    h = first.hash_user(42)
    await first.log_question(record(first, "What is pay?", "answer", "csr.pay"))
    await first.close()
    second = await SqliteStore.open(path)
    try:
        assert second.hash_user(42) == h
        assert (await second.stats()).total == 1
    finally:
        await second.close()


async def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(RuntimeError, match="newer"):
        await SqliteStore.open(path)


async def test_user_ids_are_never_stored_raw(store: SqliteStore, tmp_path: Path) -> None:
    user_id = 123456789012345678
    h = store.hash_user(user_id)
    assert str(user_id) not in h and len(h) == 64
    assert store.hash_user(user_id) == h != store.hash_user(user_id + 1)
    await store.log_question(record(store, "hello", "decline", user=user_id))
    await store.record_vote(1, h, "x", Vote.UP)
    raw = b"".join(p.read_bytes() for p in (tmp_path / "nested" / "dir").iterdir())
    assert str(user_id).encode() not in raw


async def test_one_vote_per_user_per_message(store: SqliteStore) -> None:
    alice, bob = store.hash_user(1), store.hash_user(2)
    assert await store.record_vote(100, alice, "csr.pay", Vote.UP) is True
    assert await store.record_vote(100, alice, "csr.pay", Vote.UP) is False
    assert await store.record_vote(100, bob, "csr.pay", Vote.UP) is True
    votes = {v.entry_id: (v.up, v.down) for v in (await store.stats()).votes}
    assert votes == {"csr.pay": (2, 0)}
    # Changing one's mind moves the vote instead of adding one.
    assert await store.record_vote(100, alice, "csr.pay", Vote.DOWN) is True
    votes = {v.entry_id: (v.up, v.down) for v in (await store.stats()).votes}
    assert votes == {"csr.pay": (1, 1)}
    # Another answer message is another vote.
    assert await store.record_vote(101, alice, "csr.pay", Vote.DOWN) is True
    votes = {v.entry_id: (v.up, v.down) for v in (await store.stats()).votes}
    assert votes == {"csr.pay": (1, 2)}


async def test_gaps_group_unanswered_by_normalised_text(store: SqliteStore) -> None:
    for text in [
        "How do I become a pilot?",
        "how do i become a PILOT",
        "pilot pay?",
        "How do I become a pilot",
    ]:
        await store.log_question(record(store, text, "decline"))
    await store.log_question(record(store, "Pilot pay", "unsure"))
    await store.log_question(record(store, "what is csr pay", "answer", "csr.pay"))
    gaps = await store.gaps()
    assert [(g.normalised, g.count) for g in gaps] == [
        ("how do i become a pilot", 3),
        ("pilot pay", 2),
    ]
    assert gaps[1].example in {"pilot pay?", "Pilot pay"}
    assert all(g.normalised != "what is csr pay" for g in gaps)
    assert len(await store.gaps(limit=1)) == 1


async def test_stats_count_outcomes_and_top_entries(store: SqliteStore) -> None:
    for _ in range(3):
        await store.log_question(record(store, "pay", "answer", "csr.pay"))
    await store.log_question(record(store, "skills", "answer", "csr.skills"))
    await store.log_question(record(store, "hm", "unsure"))
    await store.log_question(record(store, "pilot", "decline"))
    stats = await store.stats()
    assert (stats.total, stats.answered, stats.unsure, stats.declined) == (6, 4, 1, 1)
    assert stats.answer_rate == pytest.approx(4 / 6)
    assert [(e.entry_id, e.count) for e in stats.top_entries] == [
        ("csr.pay", 3),
        ("csr.skills", 1),
    ]


async def test_empty_store_stats(store: SqliteStore) -> None:
    stats = await store.stats()
    assert stats.total == 0 and stats.answer_rate == 0.0
    assert await store.gaps() == []


def rows_in(path: Path) -> list[str]:
    """The question texts in the file, read by a separate plain-sqlite3 connection."""
    with sqlite3.connect(path) as db:
        return [r[0] for r in db.execute("SELECT text FROM questions ORDER BY id")]


async def test_concurrent_questions_share_commits_and_are_on_disk_when_awaited(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bot.sqlite3"
    store = await SqliteStore.open(path)
    try:
        texts = [f"question {i}" for i in range(200)]
        await asyncio.gather(*(store.log_question(record(store, t, "answer", "e")) for t in texts))
        # Every awaited question is committed: another connection sees all of them now.
        assert sorted(rows_in(path)) == sorted(texts)
        assert 1 <= store.commits < len(texts)
    finally:
        await store.close()


async def test_each_caller_returns_only_after_its_own_commit(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    store = await SqliteStore.open(path)
    try:
        seen: list[bool] = []

        async def ask(i: int) -> None:
            await store.log_question(record(store, f"q{i}", "unsure"))
            seen.append(f"q{i}" in rows_in(path))  # what a crash right now would leave

        await asyncio.gather(*(ask(i) for i in range(30)))
        await ask(99)  # alone: its own commit
        assert len(seen) == 31 and all(seen)
    finally:
        await store.close()


async def test_a_failed_commit_reaches_every_waiter_of_the_batch(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    store = await SqliteStore.open(path)
    try:
        bad = dataclasses.replace(record(store, "x", "answer"), user_hash=None)  # NOT NULL
        good = [record(store, f"ok{i}", "answer") for i in range(5)]
        results = await asyncio.gather(
            *(store.log_question(r) for r in [*good, bad]), return_exceptions=True
        )
        assert all(isinstance(r, sqlite3.IntegrityError) for r in results)
        assert rows_in(path) == []  # the failed batch was rolled back as a whole
        await store.log_question(record(store, "after", "answer"))  # the writer lives on
        assert rows_in(path) == ["after"]
    finally:
        await store.close()


async def test_close_commits_everything_queued_then_refuses(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    store = await SqliteStore.open(path)
    pending = [
        asyncio.create_task(store.log_question(record(store, f"q{i}", "answer"))) for i in range(50)
    ]
    await asyncio.sleep(0)  # queued, not yet committed
    await store.close()
    await asyncio.gather(*pending)
    assert len(rows_in(path)) == 50
    with pytest.raises(StoreClosed):
        await store.log_question(record(store, "late", "answer"))
    await store.close()  # a second close is harmless


async def test_a_lone_surrogate_does_not_lose_the_question_or_its_batch(tmp_path: Path) -> None:
    # JSON can carry "\ud800" and Python keeps it in a str, but UTF-8 (and SQLite) cannot.
    path = tmp_path / "bot.sqlite3"
    store = await SqliteStore.open(path)
    try:
        texts = ["broken \ud800 question", "a normal question"]
        await asyncio.gather(*(store.log_question(record(store, t, "decline")) for t in texts))
        assert sorted(rows_in(path)) == ["a normal question", "broken ? question"]
    finally:
        await store.close()


async def test_gaps_list_only_declined_and_unsure_questions(store: SqliteStore) -> None:
    """Not answers, and not any other outcome (small talk is not a gap in the knowledge)."""
    for outcome in ("decline", "unsure", "answer", "smalltalk", "smalltalk"):
        await store.log_question(record(store, f"{outcome} question", outcome, "e"))
    assert sorted(g.normalised for g in await store.gaps()) == [
        "decline question",
        "unsure question",
    ]
