"""What members picked and what moderators taught, in the question log (a real file)."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import EntryCount, QuestionRecord, Teaching, Vote
from bot.store.sqlite import MIGRATIONS, SCHEMA_VERSION, SqliteStore


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    s = await SqliteStore.open(tmp_path / "bot.sqlite3")
    yield s
    await s.close()


def unsure(store: SqliteStore, text: str, user: int = 1) -> QuestionRecord:
    return QuestionRecord(
        text=text,
        normalised=text.lower(),
        outcome="unsure",
        entry_id=None,
        score=0.5,
        latency_ms=1.0,
        guild_id=1,
        channel_id=2,
        user_hash=store.hash_user(user),
    )


async def test_gaps_show_what_members_picked_and_their_down_votes(store: SqliteStore) -> None:
    for user in (1, 2, 3):
        await store.log_question(unsure(store, "Burnout on calls", user))
    await store.record_pick(store.hash_user(1), "Burnout on calls", "burnout on calls", "burn")
    await store.record_pick(store.hash_user(2), "Burnout on calls", "burnout on calls", "burn")
    await store.record_pick(store.hash_user(3), "Burnout on calls", "burnout on calls", "noise")
    await store.record_vote(99, store.hash_user(3), "noise", Vote.DOWN)
    (gap,) = await store.gaps()
    assert gap.count == 3
    assert gap.picks == (EntryCount("burn", 2), EntryCount("noise", 1))
    assert gap.down_votes == 1


async def test_teaching_history_and_undo(store: SqliteStore) -> None:
    first = await store.record_teaching(
        Teaching("mod#1", "q one", "burn", "knowledge/x.yaml", 12, "      - q one", True)
    )
    second = await store.record_teaching(
        Teaching("mod#2", "pizza", None, "knowledge/decline.yaml", 4, "  - pizza", False)
    )
    history = await store.teachings()
    assert [t.id for t in history] == [second, first]
    assert history[0].entry_id is None and not history[0].written
    assert history[1].line == 12 and history[1].taught_at > 0
    assert await store.mark_undone(first)
    assert not await store.mark_undone(first)  # once only
    assert not await store.mark_undone(12345)
    undone = await store.teaching(first)
    assert undone is not None and undone.undone_at is not None
    assert await store.teaching(12345) is None


async def test_a_version_1_log_is_migrated_with_its_questions(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
        db.execute(
            "INSERT INTO questions (asked_at, user_hash, via, text, normalised, score, outcome,"
            " latency_ms) VALUES (1, 'h', 'slash', 'old q', 'old q', 0.1, 'decline', 1)"
        )
    store = await SqliteStore.open(path)
    try:
        assert [g.example for g in await store.gaps()] == ["old q"]
        assert await store.teachings() == []
    finally:
        await store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
