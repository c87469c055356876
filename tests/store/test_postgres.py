"""What only the PostgreSQL log does: clear one-line errors, migrating once when several
processes start together, and riding out a server that dies mid-burst."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

from bot.store import QuestionRecord
from bot.store.postgres import PostgresStore, PostgresUnavailable
from bot.store.postgres_schema import SCHEMA_VERSION
from tests.pg_server import PgServer, free_port


def record(store: PostgresStore, text: str) -> QuestionRecord:
    return QuestionRecord(
        text=text,
        normalised=text,
        outcome="answer",
        entry_id="e",
        score=0.9,
        latency_ms=1.0,
        guild_id=1,
        channel_id=2,
        user_hash=store.hash_user(1),
    )


async def fetch(url: str, sql: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url)
    try:
        return list(await conn.fetch(sql))
    finally:
        await conn.close()


async def open_error(url: str) -> str:
    with pytest.raises(PostgresUnavailable) as caught:
        await PostgresStore.open(url)
    text = str(caught.value)
    assert "\n" not in text
    return text


async def test_one_line_errors_that_never_show_the_password(
    postgres_server: PgServer,
) -> None:
    wrong = await open_error(postgres_server.url(password="wrong-password-123"))
    assert "user name or password" in wrong and "wrong-password-123" not in wrong
    assert f"127.0.0.1:{postgres_server.port}" in wrong

    refused = await open_error(f"postgresql://u:pw-xyz@127.0.0.1:{free_port()}/db")
    assert "connection refused" in refused and "pw-xyz" not in refused

    missing = await open_error(postgres_server.url("no_such_database"))
    assert "no such database" in missing

    assert "must look like" in await open_error("mysql://u:p@host/db")
    assert "not a valid URL" in await open_error("postgresql://u:p@host:notaport/db")


async def test_processes_starting_at_once_migrate_once(pg_url: str) -> None:
    # Each store has its own connections: as many server sessions as processes would be.
    stores = await asyncio.gather(*(PostgresStore.open(pg_url) for _ in range(6)))
    try:
        salts = {s.hash_user(1) for s in stores}
        assert len(salts) == 1  # one salt, created once
    finally:
        await asyncio.gather(*(s.close() for s in stores))
    versions = [r[0] for r in await fetch(pg_url, "SELECT version FROM schema_version ORDER BY 1")]
    assert versions == list(range(1, SCHEMA_VERSION + 1))


async def test_newer_schema_is_refused(pg_url: str) -> None:
    store = await PostgresStore.open(pg_url)
    await store.close()
    conn = await asyncpg.connect(pg_url)
    await conn.execute("INSERT INTO schema_version (version) VALUES ($1)", SCHEMA_VERSION + 1)
    await conn.close()
    with pytest.raises(RuntimeError, match="newer"):
        await PostgresStore.open(pg_url)


WAIT = 0.2
"""The store's bound on how long a reply waits for its commit, in this test."""
BOUND = 5.0
"""Far above WAIT (a loaded CI machine) yet far below a connect or command timeout (5-10 s
each, then retried): a log call that waited on the dead server would blow it."""


async def test_server_killed_mid_burst_answers_flow_and_nothing_is_lost(
    postgres_server: PgServer, pg_url: str
) -> None:
    store = await PostgresStore.open(pg_url, commit_wait=WAIT)
    asked: list[str] = []

    async def wave(n: int) -> None:
        texts = [f"wave {n} question {i}" for i in range(20)]
        asked.extend(texts)
        # Every call returns within the bound whatever the server does.
        await asyncio.wait_for(
            asyncio.gather(*(store.log_question(record(store, t)) for t in texts)), BOUND
        )

    try:
        for n in range(3):
            await wave(n)
        assert store.queued == 0  # healthy server: each wave committed before returning
        await asyncio.to_thread(postgres_server.stop, "immediate")  # the server dies
        try:
            for n in range(3, 8):
                await wave(n)  # members keep asking while it is down
            assert store.queued == 100 and store.late >= 100
            assert store.retries >= 1
        finally:
            await asyncio.to_thread(postgres_server.start)
        for n in range(8, 10):
            await wave(n)
        assert await store.flush(30.0), f"{store.queued} question(s) never reached the log"
    finally:
        await store.close()
    stored = [r[0] for r in await fetch(pg_url, "SELECT text FROM questions")]
    assert sorted(stored) == sorted(asked)  # every question, each once
    assert len(asked) == 200


def cli(*args: str, url: str, config: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CAREERBOT_DATABASE_URL": url}
    env.pop("CAREERBOT_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args, "--config", str(config)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


async def test_stats_and_gaps_commands_read_the_postgres_log(pg_url: str, tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("log_level: WARNING\n", encoding="utf-8")
    store = await PostgresStore.open(pg_url)
    try:
        await store.log_question(record(store, "pay"))
        await store.log_question(dataclasses.replace(record(store, "pilots"), outcome="unsure"))
    finally:
        await store.close()
    stats = await asyncio.to_thread(cli, "stats", "--json", url=pg_url, config=config)
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["total"] == 2
    gaps = await asyncio.to_thread(cli, "gaps", "--json", url=pg_url, config=config)
    assert gaps.returncode == 0, gaps.stderr
    assert "pilots" in gaps.stdout and '"pay"' not in gaps.stdout

    down = await asyncio.to_thread(
        cli, "stats", url=f"postgresql://u:pw@127.0.0.1:{free_port()}/x", config=config
    )
    assert down.returncode == 1
    assert down.stderr.count("\n") == 1 and "connection refused" in down.stderr
    assert "pw@" not in down.stderr
