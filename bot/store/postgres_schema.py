"""PostgreSQL schema: numbered migrations applied under an advisory lock, the user salt,
and the one-line reasons a server cannot be used (never showing the password)."""

from __future__ import annotations

import secrets
from typing import Any, Final, TypeAlias
from urllib.parse import urlsplit

import asyncpg
from asyncpg.pool import PoolConnectionProxy

Conn: TypeAlias = "asyncpg.Connection[Any] | PoolConnectionProxy[Any]"
"""A connection of its own or one lent by a pool."""

MIGRATIONS: Final[tuple[str, ...]] = (
    # 1: questions, votes, and the salt for user hashes (same tables as the SQLite log)
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE questions (
        id BIGSERIAL PRIMARY KEY,
        uid UUID NOT NULL UNIQUE,
        asked_at DOUBLE PRECISION NOT NULL,
        guild_id BIGINT,
        channel_id BIGINT,
        user_hash TEXT NOT NULL,
        via TEXT NOT NULL,
        text TEXT NOT NULL,
        normalised TEXT NOT NULL,
        entry_id TEXT,
        score DOUBLE PRECISION NOT NULL,
        outcome TEXT NOT NULL,
        latency_ms DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX questions_outcome_normalised ON questions (outcome, normalised);
    CREATE INDEX questions_entry ON questions (entry_id);
    CREATE TABLE votes (
        message_id BIGINT NOT NULL,
        user_hash TEXT NOT NULL,
        entry_id TEXT NOT NULL,
        vote TEXT NOT NULL CHECK (vote IN ('up', 'down')),
        voted_at DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (message_id, user_hash)
    );
    CREATE INDEX votes_entry ON votes (entry_id);
    """,
    # 2: what members picked among the did-you-mean suggestions, and what moderators taught
    """
    CREATE TABLE picks (
        picked_at DOUBLE PRECISION NOT NULL,
        user_hash TEXT NOT NULL,
        question TEXT NOT NULL,
        normalised TEXT NOT NULL,
        entry_id TEXT NOT NULL
    );
    CREATE INDEX picks_normalised ON picks (normalised);
    CREATE TABLE teachings (
        id BIGSERIAL PRIMARY KEY,
        taught_at DOUBLE PRECISION NOT NULL,
        moderator TEXT NOT NULL,
        question TEXT NOT NULL,
        entry_id TEXT,
        file TEXT NOT NULL,
        line INTEGER NOT NULL,
        text TEXT NOT NULL,
        written BOOLEAN NOT NULL,
        undone_at DOUBLE PRECISION
    );
    """,
)
"""Index i brings the schema from version i to i + 1. Append only. ``questions.uid`` is made
by the bot for each question, so a batch retried after a lost acknowledgement is stored once."""

SCHEMA_VERSION: Final = len(MIGRATIONS)
MIGRATION_LOCK: Final = 0x63617265  # "care": pg_advisory_lock key shared by every process


class PostgresUnavailable(RuntimeError):
    """The PostgreSQL log cannot be used. ``str(error)`` is one line: where and why."""


def where(url: str) -> str:
    """``host:port/database`` of a URL, without user or password (safe to print)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or "localhost"
        port = parts.port or 5432
    except ValueError:
        return "(unparsable URL)"
    return f"{host}:{port}/{parts.path.lstrip('/') or '(default database)'}"


def check_url(url: str) -> None:
    """Raise ``PostgresUnavailable`` for a URL that is not a postgresql:// URL."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        raise PostgresUnavailable(f"database_url is not a valid URL: {exc}") from None
    if parts.scheme not in ("postgresql", "postgres") or (not parts.hostname and not parts.query):
        raise PostgresUnavailable(
            "database_url must look like postgresql://user:password@host:5432/database"
        )


def reason(url: str, exc: BaseException) -> PostgresUnavailable:
    """One line saying why the server at ``url`` cannot be used and what to do."""
    at = where(url)
    if isinstance(exc, asyncpg.InvalidAuthorizationSpecificationError):
        why = "the server refused the user name or password in database_url"
    elif isinstance(exc, asyncpg.InvalidCatalogNameError):
        why = "no such database on the server: create it, or fix database_url"
    elif isinstance(exc, ConnectionRefusedError):
        why = "connection refused: is PostgreSQL running and listening there?"
    elif isinstance(exc, TimeoutError):
        why = "no answer from the server in time"
    elif isinstance(exc, OSError):
        why = f"cannot reach the server: {exc.strerror or exc}"
    elif isinstance(exc, asyncpg.ClientConfigurationError | ValueError):
        why = f"database_url is not usable: {exc}"
    else:
        why = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return PostgresUnavailable(f"PostgreSQL at {at}: {why}")


async def migrate(conn: Conn) -> int:
    """Apply every migration newer than the database's version; return the new version.

    The whole check-and-apply runs under one advisory lock, so of several processes starting
    at once the first migrates and the others wait, then find nothing left to do.
    """
    await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
    try:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
            " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        version = int(await conn.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_version"))
        if version > SCHEMA_VERSION:
            raise RuntimeError(
                f"database schema version {version} is newer than this bot ({SCHEMA_VERSION})"
            )
        for number in range(version, SCHEMA_VERSION):
            async with conn.transaction():
                await conn.execute(MIGRATIONS[number])
                await conn.execute("INSERT INTO schema_version (version) VALUES ($1)", number + 1)
        return SCHEMA_VERSION
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)


async def user_salt(conn: Conn) -> str:
    """The salt for user hashes, created once (of two processes creating it, the first wins)."""
    await conn.execute(
        "INSERT INTO meta (key, value) VALUES ('user_salt', $1) ON CONFLICT (key) DO NOTHING",
        secrets.token_hex(16),
    )
    return str(await conn.fetchval("SELECT value FROM meta WHERE key = 'user_salt'"))
