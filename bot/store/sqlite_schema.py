"""The SQLite question log's schema and the checks a file passes before it is used.

Shared by the writer (``sqlite.SqliteStore``) and the read-only reader
(``sqlite_read.SqliteReader``). Every problem with the file becomes one ``StoreUnavailable``
whose message names the file and says what to do. Only the writer calls ``prepare``: WAL, the
numbered migrations (``migrate``) and the user salt, safe when several processes open a fresh
file at once.
"""

from __future__ import annotations

import asyncio
import secrets
import sqlite3
import threading
from pathlib import Path
from typing import Final

import aiosqlite

from bot.store import StoreUnavailable

MIGRATIONS: Final[tuple[str, ...]] = (
    # 1: questions, votes, and the salt for user hashes
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        asked_at REAL NOT NULL,
        guild_id INTEGER,
        channel_id INTEGER,
        user_hash TEXT NOT NULL,
        via TEXT NOT NULL,
        text TEXT NOT NULL,
        normalised TEXT NOT NULL,
        entry_id TEXT,
        score REAL NOT NULL,
        outcome TEXT NOT NULL,
        latency_ms REAL NOT NULL
    );
    CREATE INDEX questions_outcome_normalised ON questions (outcome, normalised);
    CREATE INDEX questions_entry ON questions (entry_id);
    CREATE TABLE votes (
        message_id INTEGER NOT NULL,
        user_hash TEXT NOT NULL,
        entry_id TEXT NOT NULL,
        vote TEXT NOT NULL CHECK (vote IN ('up', 'down')),
        voted_at REAL NOT NULL,
        PRIMARY KEY (message_id, user_hash)
    );
    CREATE INDEX votes_entry ON votes (entry_id);
    """,
    # 2: what members picked among the did-you-mean suggestions, and what moderators taught
    """
    CREATE TABLE picks (
        picked_at REAL NOT NULL,
        user_hash TEXT NOT NULL,
        question TEXT NOT NULL,
        normalised TEXT NOT NULL,
        entry_id TEXT NOT NULL
    );
    CREATE INDEX picks_normalised ON picks (normalised);
    CREATE TABLE teachings (
        id INTEGER PRIMARY KEY,
        taught_at REAL NOT NULL,
        moderator TEXT NOT NULL,
        question TEXT NOT NULL,
        entry_id TEXT,
        file TEXT NOT NULL,
        line INTEGER NOT NULL,
        text TEXT NOT NULL,
        written INTEGER NOT NULL,
        undone_at REAL
    );
    """,
)
"""Numbered migrations: index i brings the schema from version i to i + 1. Append only."""

SCHEMA_VERSION: Final = len(MIGRATIONS)

OPEN_BUSY_MS: Final = 5000
"""Lock wait while opening: another process may be creating the schema at the same moment."""

QUICK_CHECK_ERRORS: Final = 3
"""``PRAGMA quick_check(N)`` stops after N problems: enough to know, cheap to print."""

_MOVE_ASIDE: Final = (
    "move it aside (a new log is then created) or set database_path to another file"
)


def problem(path: Path, what: str, advice: str) -> StoreUnavailable:
    return StoreUnavailable(f"question log {path} {what}: {advice}", problem=what)


async def connect(
    path: Path, target: str | Path, *, uri: bool = False, reading: bool = False
) -> aiosqlite.Connection:
    """``aiosqlite.connect`` whose failure is one ``StoreUnavailable`` naming ``path``.

    When the connect fails, aiosqlite stops its worker thread and that thread then calls
    back into the event loop; waiting for it here means the callback never meets a closed
    loop ("Event loop is closed" from a command that exits right after the error)."""
    pending = aiosqlite.connect(target, uri=uri)
    try:
        return await pending
    except Exception as exc:
        thread = getattr(pending, "_thread", None)
        if isinstance(thread, threading.Thread) and thread.is_alive():
            await asyncio.to_thread(thread.join, 5.0)
        raise unusable(path, exc, reading=reading) from exc


async def schema_version(db: aiosqlite.Connection) -> int:
    async with db.execute("PRAGMA user_version") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def check_file(db: aiosqlite.Connection, path: Path) -> int:
    """Read-only checks before anything is written: a SQLite file (reading the version fails
    otherwise), a schema this bot knows, and a ``quick_check`` that passes. Returns the
    schema version."""
    version = await schema_version(db)
    if version > SCHEMA_VERSION:
        raise problem(
            path,
            f"has schema version {version}, newer than this bot ({SCHEMA_VERSION})",
            "run the newer careerbot that wrote it, or set database_path to another file",
        )
    async with db.execute(f"PRAGMA quick_check({QUICK_CHECK_ERRORS})") as cur:
        found = [str(row[0]) for row in await cur.fetchall()]
    if found != ["ok"]:
        first = " ".join(" ".join(found).split())[:160]
        raise problem(
            path,
            f"is corrupt (quick_check: {first})",
            "restore it from a backup (or `sqlite3 FILE .recover`), or " + _MOVE_ASIDE,
        )
    return version


def is_access_error(exc: BaseException | None) -> bool:
    """SQLite could not open or write the file (permissions, read-only place)."""
    name = str(getattr(exc, "sqlite_errorname", ""))
    return name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM"))


def unusable(path: Path, exc: BaseException, *, reading: bool = False) -> StoreUnavailable:
    """The one-line reason for an error met while opening or checking ``path`` (for the
    bot, which writes it, or for a reader)."""
    if isinstance(exc, StoreUnavailable):
        return exc
    name = str(getattr(exc, "sqlite_errorname", ""))
    if path.is_dir():
        return problem(
            path, "is a directory, not a database file", "set database_path to a file path"
        )
    if name == "SQLITE_NOTADB":
        return problem(path, "is not a SQLite database (file is not a database)", _MOVE_ASIDE)
    if name.startswith("SQLITE_CORRUPT"):
        return problem(
            path,
            f"is corrupt ({exc})",
            "restore it from a backup (or `sqlite3 FILE .recover`), or " + _MOVE_ASIDE,
        )
    if reading and (isinstance(exc, OSError) or is_access_error(exc)):
        return problem(
            path, f"cannot be read ({exc})", "give read access to the file and its folder"
        )
    if isinstance(exc, OSError) or name.startswith(
        ("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_IOERR", "SQLITE_FULL")
    ):
        return problem(
            path,
            f"cannot be opened for writing ({exc})",
            "give the bot write access to the file and its folder, or set database_path "
            "to a writable place",
        )
    if isinstance(exc, sqlite3.Error):
        return problem(path, f"cannot be used ({exc})", _MOVE_ASIDE)
    raise exc  # not a problem of the file: a bug, shown as such


async def migrate(db: aiosqlite.Connection) -> int:
    """Apply every migration newer than the file's ``user_version``; return the new version.

    Safe when several processes open a fresh file at once: each step takes the write lock
    (``BEGIN IMMEDIATE``), and a step that fails because another process applied it first
    (e.g. "table meta already exists") is rolled back and the version read again.
    """
    while True:
        version = await schema_version(db)
        if version > SCHEMA_VERSION:
            raise RuntimeError(
                f"database schema version {version} is newer than this bot ({SCHEMA_VERSION})"
            )
        if version == SCHEMA_VERSION:
            return SCHEMA_VERSION
        try:
            # executescript commits first; each migration + its version bump is one transaction.
            await db.executescript(
                f"BEGIN IMMEDIATE; {MIGRATIONS[version]}; PRAGMA user_version = {version + 1};"
                " COMMIT;"
            )
        except sqlite3.OperationalError:
            if db.in_transaction:
                await db.rollback()
            if await schema_version(db) > version:
                continue  # another process migrated meanwhile
            raise


_BUSY_CODES: Final = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


def is_locked(exc: BaseException) -> bool:
    """True for "database is locked"/"busy": another connection holds the lock; retry later."""
    code = getattr(exc, "sqlite_errorcode", None)
    text = str(exc)
    return isinstance(exc, sqlite3.OperationalError) and (
        (code is not None and code & 0xFF in _BUSY_CODES) or "locked" in text or "busy" in text
    )


async def prepare(db: aiosqlite.Connection) -> str:
    """WAL, migrations and the salt; returns the salt.

    Several processes opening one fresh file race here, and SQLite answers some of those races
    with an immediate "database is locked" that no busy_timeout waits out (a deferred
    transaction whose snapshot another process's commit made stale, or the switch to WAL
    while another connection holds the file). Those are retried until OPEN_BUSY_MS passes."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + OPEN_BUSY_MS / 1000
    delay = 0.01
    while True:
        try:
            await db.execute("PRAGMA journal_mode=WAL")
            await db.execute("PRAGMA synchronous=NORMAL")
            await migrate(db)
            return await _salt(db)
        except sqlite3.OperationalError as exc:
            if not is_locked(exc) or loop.time() > deadline:
                raise
            if db.in_transaction:
                await db.rollback()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.2)


async def _salt(db: aiosqlite.Connection) -> str:
    async with db.execute("SELECT value FROM meta WHERE key = 'user_salt'") as cur:
        row = await cur.fetchone()
    if row is not None:
        return str(row[0])
    # OR IGNORE + read back: of two processes creating the salt at once, the first one wins.
    # BEGIN IMMEDIATE takes the write lock first (waiting under busy_timeout), so the insert
    # never has to upgrade a read snapshot another process's commit has made stale.
    await db.execute("BEGIN IMMEDIATE")
    await db.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES ('user_salt', ?)", (secrets.token_hex(16),)
    )
    await db.commit()
    async with db.execute("SELECT value FROM meta WHERE key = 'user_salt'") as cur:
        row = await cur.fetchone()
    if row is None:  # pragma: no cover - the insert above guarantees a row
        raise RuntimeError("could not create the user salt")
    return str(row[0])
