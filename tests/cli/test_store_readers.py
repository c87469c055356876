"""``python -m bot stats`` / ``gaps``: read-only readers, one line for a bad file.

Each case runs the real command in a subprocess on a real file and checks the file after.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.store import QuestionRecord
from bot.store.sqlite import SqliteStore
from tests.e2e.conftest import REPO
from tests.store.access import unprivileged

OUTCOMES = {"answer": 3, "decline": 2, "unsure": 1, "smalltalk": 4}


def run(
    command: str, path: Path, *extra: str, drop_privileges: bool = False
) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "bot", command, "--database", str(path), *extra]
    return subprocess.run(
        unprivileged(argv) if drop_privileges else argv,
        cwd=path.parent.parent if path.parent.exists() else REPO,
        env={k: v for k, v in os.environ.items() if not k.startswith("CAREERBOT_")}
        | {"PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def fill(path: Path) -> None:
    async def write() -> None:
        store = await SqliteStore.open(path)
        try:
            for outcome, n in OUTCOMES.items():
                for i in range(n):
                    await store.log_question(
                        QuestionRecord(
                            text=f"{outcome} question",
                            normalised=f"{outcome} question",
                            outcome=outcome,
                            entry_id="csr.pay" if outcome == "answer" else None,
                            score=0.5,
                            latency_ms=1.0,
                            guild_id=1,
                            channel_id=2,
                            user_hash=store.hash_user(i),
                        )
                    )
        finally:
            await store.close()

    asyncio.run(write())


def state(folder: Path) -> dict[str, str]:
    """Every file in the folder and a hash of its bytes."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
        for p in sorted(folder.iterdir())
    }


@pytest.fixture
def readonly_log(tmp_path: Path) -> Iterator[Path]:
    """A valid question log copied into a folder and file no one may write (0555/0444)."""
    folder = tmp_path / "copy"
    folder.mkdir()
    path = folder / "careerbot.sqlite3"
    fill(path)
    path.chmod(0o444)
    folder.chmod(0o555)
    try:
        yield path
    finally:
        folder.chmod(0o755)


def test_stats_and_gaps_read_a_read_only_copy_without_writing(readonly_log: Path) -> None:
    before = state(readonly_log.parent)
    stats = run("stats", readonly_log, "--json", drop_privileges=True)
    assert stats.returncode == 0, stats.stderr
    figures = json.loads(stats.stdout)
    assert (figures["total"], figures["answered"]) == (sum(OUTCOMES.values()), 3)
    assert (figures["declined"], figures["unsure"]) == (2, 1)
    gaps = run("gaps", readonly_log, "--json", drop_privileges=True)
    assert gaps.returncode == 0, gaps.stderr
    assert [(g["normalised"], g["count"]) for g in json.loads(gaps.stdout)] == [
        ("decline question", 2),
        ("unsure question", 1),
    ]
    assert state(readonly_log.parent) == before


def test_readers_never_migrate_switch_to_wal_or_add_the_salt(tmp_path: Path) -> None:
    """A writable file in the old rollback-journal mode stays exactly as it was."""
    path = tmp_path / "data" / "careerbot.sqlite3"
    path.parent.mkdir()
    fill(path)
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=DELETE")
        db.execute("DELETE FROM meta")
    before = state(path.parent)
    for command in ("stats", "gaps"):
        out = run(command, path)
        assert out.returncode == 0, out.stderr
    assert state(path.parent) == before
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert db.execute("SELECT COUNT(*) FROM meta").fetchone() == (0,)


def random_bytes(path: Path) -> None:
    path.write_bytes(os.urandom(8192))


def newer_schema(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")


def truncated(path: Path) -> None:
    fill(path)
    data = path.read_bytes()
    for side in path.parent.glob(path.name + "-*"):
        side.unlink()
    path.write_bytes(data[: len(data) // 2])


BAD: dict[str, tuple[Callable[[Path], object], str]] = {
    "directory": (Path.mkdir, "is a directory"),
    "random bytes": (random_bytes, "is not a SQLite database"),
    "empty file": (Path.touch, "is empty"),
    "newer schema": (newer_schema, "schema version 99, newer than this bot"),
    "truncated": (truncated, "is corrupt"),
    "missing": (lambda path: None, "no database at"),
}


@pytest.mark.parametrize("command", ["stats", "gaps"])
@pytest.mark.parametrize("kind", list(BAD))
def test_a_bad_file_is_one_line_and_a_non_zero_exit(
    tmp_path: Path, kind: str, command: str
) -> None:
    make, expected = BAD[kind]
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "careerbot.sqlite3"
    make(path)
    before = state(folder)
    out = run(command, path)
    assert out.returncode == 1
    assert out.stdout == ""
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr, out.stderr
    assert out.stderr.startswith("careerbot: ") and expected in out.stderr
    assert str(path) in out.stderr
    assert state(folder) == before  # an empty file stays empty: no schema written into it
