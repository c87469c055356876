"""Reloads that reach every process: two "processes" (each its own PostgreSQL session) on one
server, each reloading its own knowledge when any of them is asked."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bot.cluster import LocalCluster, PostgresCluster, describe
from tests.pg_server import PgServer


@dataclass(frozen=True)
class Result:
    ok: bool
    before: dict[str, int] = field(default_factory=dict)
    after: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


class Process:
    """One process's reload: counts its reloads, succeeds or reports ``problems``."""

    def __init__(self, problems: list[str] | None = None) -> None:
        self.reloads = 0
        self.problems = problems or []

    async def reload(self) -> Result:
        self.reloads += 1
        if self.problems:
            return Result(False, {"entries": 3}, {"entries": 3}, self.problems)
        return Result(True, {"entries": 3}, {"entries": 4})


async def test_a_reload_asked_in_one_process_runs_in_every_process(pg_url: str) -> None:
    zero, one = Process(), Process(["careers/x.yaml:3: unknown source 'nope'"])
    clusters = [
        PostgresCluster(pg_url, (0,), frozenset({0, 1}), zero.reload),
        PostgresCluster(pg_url, (1,), frozenset({0, 1}), one.reload),
    ]
    try:
        for c in clusters:
            await c.connect()
        reports = await clusters[1].reload_everywhere()
        assert (zero.reloads, one.reloads) == (1, 1)
        assert [(r.shards, r.ok, r.local) for r in reports] == [
            ((0,), True, False),
            ((1,), False, True),
        ]
        lines = describe(reports)
        assert lines[0] == "shard 0 ✅ 4 entries"
        assert lines[1].startswith("shard 1 ❌ kept the old knowledge: 1 problem(s)")
        assert "unknown source 'nope'" in lines[1]
    finally:
        for c in clusters:
            await c.close()


async def test_a_process_that_does_not_answer_is_named(pg_url: str) -> None:
    zero = Process()
    alone = PostgresCluster(pg_url, (0,), frozenset({0, 1}), zero.reload)
    alone.reply_timeout = 0.5  # shard 1's process is not running
    await alone.connect()
    try:
        reports = await alone.reload_everywhere()
    finally:
        await alone.close()
    assert zero.reloads == 1
    assert describe(reports) == ["shard 0 ✅ 4 entries", "shard 1 ⏳ no answer in time"]


async def test_with_sqlite_the_cluster_is_this_process() -> None:
    here = Process()
    reports = await LocalCluster((0,), here.reload).reload_everywhere()
    assert here.reloads == 1 and [(r.shards, r.ok, r.local) for r in reports] == [
        ((0,), True, True)
    ]


async def test_the_reload_channel_comes_back_after_the_server_restarts(
    postgres_server: PgServer, pg_url: str
) -> None:
    zero = Process()
    cluster = PostgresCluster(pg_url, (0,), frozenset({0}), zero.reload)
    await cluster.connect()
    try:
        await asyncio.to_thread(postgres_server.stop, "immediate")
        try:
            # While the server is away: this process still reloads, and says who was not reached.
            reports = await cluster.reload_everywhere()
            assert zero.reloads == 1 and [r.ok for r in reports] == [True]
        finally:
            await asyncio.to_thread(postgres_server.start)
        for _ in range(100):  # the channel reconnects every RECONNECT_SECONDS (bounded polling)
            if cluster.connected:
                break
            await asyncio.sleep(0.1)
        assert cluster.connected
        reports = await cluster.reload_everywhere()
        assert zero.reloads == 2 and describe(reports) == ["shard 0 ✅ 4 entries"]
    finally:
        await cluster.close()
