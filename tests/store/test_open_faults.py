"""A question log that cannot be opened: one clear error, nothing written, answers go on.

Real files on disk, real sqlite; each bad file is one a host really ends up with.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.store import QuestionRecord, StoreUnavailable, Vote
from bot.store.sqlite import SCHEMA_VERSION, SqliteStore
from bot.store.unavailable import UnavailableStore, open_or_unavailable
from tests.e2e.conftest import REPO
from tests.store.access import unprivileged


def healthy(path: Path, rows: int = 300) -> Path:
    """A real question log with ``rows`` questions (several pages, so corruption can hit one)."""
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=DELETE")
        db.executescript(
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
            "CREATE TABLE questions (id INTEGER PRIMARY KEY, text TEXT NOT NULL);"
            "CREATE INDEX questions_text ON questions (text);"
            f"PRAGMA user_version = {SCHEMA_VERSION};"
        )
        db.executemany(
            "INSERT INTO questions (text) VALUES (?)",
            [(f"question {i} " * 8,) for i in range(rows)],
        )
    return path


def newer_schema(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")


def random_bytes(path: Path) -> None:
    path.write_bytes(os.urandom(8192))


def truncated(path: Path) -> None:
    data = healthy(path).read_bytes()
    path.write_bytes(data[: len(data) // 2])


def corrupt_page(path: Path) -> None:
    """One page in the middle overwritten: the header reads fine, quick_check does not."""
    data = bytearray(healthy(path).read_bytes())
    page = 4096
    data[3 * page : 4 * page] = os.urandom(page)
    path.write_bytes(bytes(data))


def directory(path: Path) -> None:
    path.mkdir()


BAD_FILES: dict[str, tuple[Callable[[Path], object], str]] = {
    "newer schema": (newer_schema, "schema version 99, newer than this bot"),
    "random bytes": (random_bytes, "is not a SQLite database"),
    "truncated": (truncated, "is corrupt"),
    "corrupt page": (corrupt_page, "is corrupt (quick_check"),
    "directory": (directory, "is a directory"),
}


def fingerprint(path: Path) -> str:
    """The file's bytes (or the directory's listing) and the names beside it."""
    body = b"dir:" + repr(sorted(os.listdir(path))).encode() if path.is_dir() else path.read_bytes()
    return hashlib.sha256(body).hexdigest() + repr(sorted(os.listdir(path.parent)))


@pytest.mark.parametrize("kind", list(BAD_FILES))
async def test_a_bad_file_is_one_clear_error_and_is_not_written_to(
    tmp_path: Path, kind: str
) -> None:
    make, expected = BAD_FILES[kind]
    path = tmp_path / "careerbot.sqlite3"
    make(path)
    before = fingerprint(path)
    with pytest.raises(StoreUnavailable) as caught:
        await SqliteStore.open(path)
    message = str(caught.value)
    assert expected in message and str(path) in message
    assert "\n" not in message and ": " in message  # one line: the problem, what to do
    assert fingerprint(path) == before  # no WAL switch, no schema, no salt written


def test_a_path_where_no_file_can_be_created_is_one_clear_error() -> None:
    """A read-only place, even for root: nothing can be created under /proc/self."""
    import asyncio

    path = Path("/proc/self/careerbot.sqlite3")
    with pytest.raises(StoreUnavailable, match="cannot be opened for writing") as caught:
        asyncio.run(SqliteStore.open(path))
    assert str(path) in str(caught.value)


@pytest.fixture
def readonly_copy(tmp_path: Path) -> Iterator[Path]:
    """A valid, migrated log in a folder and a file no one may write (0555/0444)."""
    import asyncio

    folder = tmp_path / "readonly"
    folder.mkdir()
    path = folder / "careerbot.sqlite3"

    async def fill() -> None:
        store = await SqliteStore.open(path)
        await store.log_question(question(store, "how much do tellers make", "decline"))
        await store.close()

    asyncio.run(fill())
    for extra in folder.iterdir():
        if extra != path:
            extra.unlink()
    path.chmod(0o444)
    folder.chmod(0o555)
    try:
        yield path
    finally:
        folder.chmod(0o755)


def as_unprivileged(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # the caller checks returncode
        unprivileged([sys.executable, "-c", code, *args]),
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
    )


OPEN_FOR_WRITING = """
import asyncio, sys
from bot.store import StoreUnavailable
from bot.store.sqlite import SqliteStore
try:
    asyncio.run(SqliteStore.open(sys.argv[1]))
except StoreUnavailable as exc:
    print(exc)
    sys.exit(3)
"""


def test_a_read_only_database_is_one_clear_error(readonly_copy: Path) -> None:
    before = fingerprint(readonly_copy)
    out = as_unprivileged(OPEN_FOR_WRITING, str(readonly_copy))
    assert out.returncode == 3, out.stderr
    assert out.stdout.count("\n") == 1 and not out.stderr
    assert "cannot be opened for writing" in out.stdout and str(readonly_copy) in out.stdout
    assert fingerprint(readonly_copy) == before


def question(store: SqliteStore | UnavailableStore, text: str, outcome: str) -> QuestionRecord:
    return QuestionRecord(
        text=text,
        normalised=text,
        outcome=outcome,
        entry_id=None,
        score=0.1,
        latency_ms=1.0,
        guild_id=1,
        channel_id=2,
        user_hash=store.hash_user(7),
    )


async def test_the_bot_runs_on_with_an_unavailable_log_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "careerbot.sqlite3"
    random_bytes(path)
    with caplog.at_level(logging.WARNING):
        store = await open_or_unavailable(SqliteStore.open(path))
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and not errors[0].exc_info  # one line, no traceback
    line = errors[0].getMessage()
    assert str(path) in line and "not a SQLite database" in line and "move it aside" in line
    assert isinstance(store, UnavailableStore)

    caplog.clear()
    with caplog.at_level(logging.WARNING):
        for i in range(12):
            await store.log_question(question(store, f"q{i}", "answer"))  # never raises
    assert store.dropped == 12
    counts = [r.getMessage() for r in caplog.records]
    assert counts == [
        "question log unavailable: 1 question(s) not stored so far",
        "question log unavailable: 10 question(s) not stored so far",
    ]
    for reader in (store.stats(), store.gaps()):
        with pytest.raises(StoreUnavailable, match="question log is unavailable") as caught:
            await reader
        assert "not a SQLite database" in str(caught.value) and str(path) not in str(caught.value)
    with pytest.raises(StoreUnavailable):
        await store.record_vote(1, store.hash_user(1), "e", Vote.UP)
    assert store.hash_user(1) == store.hash_user(1) != store.hash_user(2)
    await store.record_pick(store.hash_user(1), "q", "q", "e")  # a member's click: no raise
    assert store.picks_dropped == 1
    await store.close()
    assert path.read_bytes()  # still the operator's file, untouched


async def test_a_healthy_log_is_opened_as_before(tmp_path: Path) -> None:
    path = tmp_path / "data" / "careerbot.sqlite3"
    store = await open_or_unavailable(SqliteStore.open(path, reply_wait=1.0))
    try:
        assert isinstance(store, SqliteStore)
        await store.log_question(question(store, "hello", "decline"))
        assert (await store.stats()).total == 1
    finally:
        await store.close()
