"""Storage crash safety: a SIGKILL mid-burst loses no answered question and corrupts nothing;
several processes sharing one database file lose no row.

The requirement is "answered => logged": every /ask whose answer reached (the fake) Discord is
in the question log after ``kill -9``, because a moderator's gaps/stats must not depend on how
the bot stopped. Matching is on the question text, made unique per interaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Final

import pytest
import yaml

from tests.e2e.conftest import REPO, BotProcess, spawned
from tests.e2e.fake_discord import KIND_CALLBACK, FakeDiscord, Recorded, Sent
from tests.paths import KNOWLEDGE

pytestmark = pytest.mark.e2e

FULL: Final = os.environ.get("CAREERBOT_SOAK") == "1"
BURST: Final = 1000 if FULL else 240
KILL_AFTER: Final = BURST // 3
"""Answers to wait for before the SIGKILL: the rest of the burst is still in flight."""
WRITERS: Final = 3
ROWS_PER_WRITER: Final = 2000 if FULL else 300
SHARED_ROUNDS: Final = 10 if FULL else 3

QUESTIONS: Final = (
    "how much does a customer service representative earn",
    "csr career path",
    "what skills does a customer service rep need",
    "receptionist salary",
    "is there demand for tellers",
    "lunch menu ideas",
    "csr certs",
)


def write_config(work: Path) -> None:
    knowledge = work / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    (work / "data").mkdir(parents=True)
    config = {
        "knowledge_path": str(knowledge),
        "database_path": str(work / "data" / "careerbot.sqlite3"),
        "heartbeat_path": str(work / "data" / "heartbeat"),
        # One member asks the whole burst: the per-member limit must not refuse it.
        "cooldown": {"rate": 1_000_000, "per_seconds": 1},
    }
    (work / "config.yaml").write_text(yaml.safe_dump(config))


@contextlib.asynccontextmanager
async def running_bot(work: Path) -> AsyncIterator[tuple[FakeDiscord, BotProcess]]:
    async with FakeDiscord() as fake, spawned(fake, ["-m", "bot", "run"], cwd=work) as bot:
        yield fake, bot


def answered(fake: FakeDiscord, sent: list[Sent]) -> set[int]:
    """Indexes of the interactions whose answer the fake received (a successful callback)."""
    index = {s.id: i for i, s in enumerate(sent)}
    return {
        index[r.interaction_id]
        for r in fake.requests
        if r.kind == KIND_CALLBACK and r.status < 300 and r.interaction_id in index
    }


def logged_texts(db: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return [str(t) for (t,) in conn.execute("SELECT text FROM questions")]


def integrity(db: Path) -> str:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return "\n".join(str(row[0]) for row in conn.execute("PRAGMA integrity_check"))


@pytest.mark.parametrize("mode", ["burst", "paced"])
async def test_sigkill_mid_burst_loses_no_answered_question(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str
) -> None:
    """SIGKILL the moment the KILL_AFTER-th answer reaches Discord.

    ``burst``: every question fired at once (many in flight when the kill lands).
    ``paced``: the next question is fired when the previous one is answered, so the kill
    lands right after an answer with nothing queued behind it: a store write that runs
    after the reply (in the background) is lost here every time.
    """
    work = tmp_path / "run"
    write_config(work)
    db = work / "data" / "careerbot.sqlite3"
    questions = [f"{QUESTIONS[i % len(QUESTIONS)]} (burst {i})" for i in range(BURST)]
    sent: list[Sent] = []
    started = time.perf_counter()
    async with running_bot(work) as (fake, bot):
        seen = 0
        at_kill: dict[str, int] = {}

        def kill_at_nth_answer(rec: Recorded) -> bool:
            """Runs as the fake records each request: SIGKILL the moment the bot's KILL_AFTER-th
            answer arrives, the tightest window for "answered but not yet stored"."""
            nonlocal seen
            if rec.kind == KIND_CALLBACK and rec.status < 300:
                seen += 1
                if seen == KILL_AFTER:
                    bot.proc.kill()
                    at_kill.update(fired=len(sent), answered=seen)
            return seen >= KILL_AFTER

        killed = asyncio.create_task(
            fake.wait_for(kill_at_nth_answer, within=60, start=fake.mark())
        )
        for q in questions:
            if killed.done():
                break
            inter = await fake.slash("ask", {"question": q})
            sent.append(inter)
            if mode == "paced":
                with contextlib.suppress(TimeoutError):
                    await fake.response(inter, within=10)
            else:
                await asyncio.sleep(0)
        await killed
        await asyncio.to_thread(bot.proc.wait)
        killed_at = time.perf_counter() - started
        await asyncio.sleep(0.2)  # nothing more can arrive from a dead process
        got = answered(fake, sent)
    assert len(got) >= KILL_AFTER, f"only {len(got)} answers before the deadline"

    check = integrity(db)
    texts = set(logged_texts(db))
    lost = sorted(questions[i] for i in got if questions[i] not in texts)
    logged_burst = sum(q in texts for q in questions)
    with capsys.disabled():
        print(
            f"\ncrash ({mode}): {at_kill.get('fired')} /ask fired, SIGKILL at answer "
            f"{at_kill.get('answered')} after {killed_at:.2f} s; {len(got)} answered in all, "
            f"{logged_burst} logged; answered but lost: {len(lost)}; "
            f"integrity_check: {check}"
        )
    assert check == "ok"
    assert not lost, f"{len(lost)} answered question(s) not in the log, e.g. {lost[:3]}"

    # Restarted on the same database, the bot serves again and keeps logging.
    async with running_bot(work) as (fake, bot):
        again = await fake.slash("ask", {"question": "csr pay after the crash"})
        reply = await fake.final_message(again, within=20)
        assert reply.data.get("embeds"), reply.data
        assert await bot.stop() == 0, bot.output()
    assert "csr pay after the crash" in logged_texts(db)
    assert integrity(db) == "ok"


def run_writers(db: Path) -> tuple[list[tuple[int, str, str]], float]:
    """Start WRITERS store processes on ``db`` that all open it at the same moment."""
    start_at = time.time() + 1.0  # every writer is started and waiting by then
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.reliability.store_writer",
                str(db),
                str(ROWS_PER_WRITER),
                f"w{n}",
                str(start_at),
            ],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WRITERS)
    ]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        results.append((p.returncode, out, err))
    return results, time.time() - start_at


async def test_processes_sharing_one_database_lose_no_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Several stores in separate processes open one FRESH file at the same moment (so they
    also race to create the schema and the salt), then write concurrently: every row of every
    process is there. Repeated on new files, as the start-up race is a matter of timing."""
    expected = {f"w{n}-{i}" for n in range(WRITERS) for i in range(ROWS_PER_WRITER)}
    for round_ in range(SHARED_ROUNDS):
        db = tmp_path / f"shared-{round_}" / "careerbot.sqlite3"
        results, seconds = await asyncio.to_thread(run_writers, db)
        failed = [err.strip().splitlines()[-1:] for code, _, err in results if code != 0]
        assert not failed, f"round {round_}: writer(s) failed: {failed}"
        assert [out.strip() for _, out, _ in results] == [str(ROWS_PER_WRITER)] * WRITERS
        texts = logged_texts(db)
        with capsys.disabled():
            print(
                f"\nshared db round {round_}: {WRITERS} processes x {ROWS_PER_WRITER} rows in "
                f"{seconds:.2f} s; {len(texts)} rows stored, {len(expected - set(texts))} lost"
            )
        assert len(texts) == len(expected) and set(texts) == expected
        assert integrity(db) == "ok"
        with contextlib.closing(sqlite3.connect(db)) as conn:
            salts = conn.execute("SELECT COUNT(*) FROM meta WHERE key = 'user_salt'").fetchone()
        assert salts == (1,)
