"""``open_store(settings)``: the configured question log, PostgreSQL or SQLite."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.store import Store


def backend_of(settings: Settings) -> str:
    """ "postgresql" when ``database_url`` is set, else "sqlite" (the embedded default)."""
    return "postgresql" if settings.database_url is not None else "sqlite"


async def open_store(settings: Settings) -> Store:
    """Open the question log ``settings`` name: PostgreSQL at ``database_url`` when set (raises
    ``PostgresUnavailable`` with one line when it cannot be used), else the SQLite file at
    ``database_path``."""
    if settings.database_url is not None:
        from bot.store.postgres import COMMIT_WAIT, PostgresStore

        # ``question_log_wait_ms`` bounds the reply's wait on SQLite too, where it is a setting.
        wait_ms = getattr(settings, "question_log_wait_ms", COMMIT_WAIT * 1000)
        return await PostgresStore.open(
            settings.database_url.get_secret_value(), commit_wait=float(wait_ms) / 1000
        )
    from bot.store.sqlite import SqliteStore

    return await SqliteStore.open(
        settings.database_path, reply_wait=settings.question_log_wait_ms / 1000
    )
