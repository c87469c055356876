"""Reading the SQLite question log: the stats/gaps queries, and ``SqliteReader``, which opens
the file read-only (``mode=ro``) for ``python -m bot stats|gaps``.

The reader never migrates, never switches the journal mode and never inserts the salt, so it
works on a read-only copy and never writes a schema into an empty or foreign file.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import aiosqlite

from bot.store import (
    GAP_OUTCOMES,
    EntryCount,
    EntryVotes,
    Gap,
    Stats,
    StoreUnavailable,
    Teaching,
)
from bot.store.sqlite_schema import SCHEMA_VERSION, check_file, connect, problem, unusable

GAPS_QUERY: Final = (
    # SQLite returns the bare column from the row holding MAX(): the latest example.
    "SELECT normalised, COUNT(*) AS n, text, MAX(asked_at) FROM questions"
    " WHERE outcome IN (?, ?) AND normalised != ''"  # GAP_OUTCOMES
    " GROUP BY normalised ORDER BY n DESC, MAX(asked_at) DESC LIMIT ?"
)


async def read_stats(db: aiosqlite.Connection, limit: int) -> Stats:
    counts: dict[str, int] = {}
    async with db.execute("SELECT outcome, COUNT(*) FROM questions GROUP BY outcome") as cur:
        async for outcome, n in cur:
            counts[str(outcome)] = int(n)
    async with db.execute(
        "SELECT entry_id, COUNT(*) AS n FROM questions"
        " WHERE outcome = 'answer' AND entry_id IS NOT NULL"
        " GROUP BY entry_id ORDER BY n DESC, entry_id LIMIT ?",
        (limit,),
    ) as cur:
        top = [EntryCount(str(e), int(n)) async for e, n in cur]
    async with db.execute(
        "SELECT entry_id, SUM(vote = 'up') AS up, SUM(vote = 'down') AS down FROM votes"
        " GROUP BY entry_id ORDER BY up + down DESC, entry_id LIMIT ?",
        (limit,),
    ) as cur:
        votes = [EntryVotes(str(e), int(u), int(d)) async for e, u, d in cur]
    return Stats(
        total=sum(counts.values()),
        answered=counts.get("answer", 0),
        unsure=counts.get("unsure", 0),
        declined=counts.get("decline", 0),
        top_entries=top,
        votes=votes,
    )


async def read_gaps(db: aiosqlite.Connection, limit: int) -> list[Gap]:
    async with db.execute(GAPS_QUERY, (*GAP_OUTCOMES, limit)) as cur:
        gaps = [Gap(str(k), int(n), str(t), float(at)) async for k, n, t, at in cur]
    return [await _with_picks(db, gap) for gap in gaps]


async def _with_picks(db: aiosqlite.Connection, gap: Gap) -> Gap:
    async with db.execute(
        "SELECT entry_id, COUNT(*) AS n FROM picks WHERE normalised = ?"
        " GROUP BY entry_id ORDER BY n DESC, entry_id",
        (gap.normalised,),
    ) as cur:
        picks = tuple([EntryCount(str(e), int(n)) async for e, n in cur])
    if not picks:
        return gap
    marks = ",".join("?" * len(picks))
    async with db.execute(
        f"SELECT COUNT(*) FROM votes WHERE vote = 'down' AND entry_id IN ({marks})",  # noqa: S608 - placeholders only
        [p.entry_id for p in picks],
    ) as cur:
        row = await cur.fetchone()
    return dataclasses.replace(gap, picks=picks, down_votes=int(row[0]) if row else 0)


_TEACHING_COLUMNS: Final = (
    "id, taught_at, moderator, question, entry_id, file, line, text, written, undone_at"
)


def _teaching(row: Sequence[Any]) -> Teaching:
    ident, at, moderator, question, entry_id, file, line, text, written, undone = row
    return Teaching(
        moderator=str(moderator),
        question=str(question),
        entry_id=None if entry_id is None else str(entry_id),
        file=str(file),
        line=int(line),
        text=str(text),
        written=bool(written),
        taught_at=float(at),
        id=int(ident),
        undone_at=None if undone is None else float(undone),
    )


async def read_teachings(db: aiosqlite.Connection, limit: int) -> list[Teaching]:
    async with db.execute(
        f"SELECT {_TEACHING_COLUMNS} FROM teachings ORDER BY id DESC LIMIT ?",  # noqa: S608
        (limit,),
    ) as cur:
        return [_teaching(row) async for row in cur]


async def read_teaching(db: aiosqlite.Connection, teaching_id: int) -> Teaching | None:
    async with db.execute(
        f"SELECT {_TEACHING_COLUMNS} FROM teachings WHERE id = ?",  # noqa: S608
        (teaching_id,),
    ) as cur:
        row = await cur.fetchone()
    return _teaching(row) if row else None


async def _open_checked(path: Path, query: str) -> tuple[aiosqlite.Connection, int]:
    """A read-only connection to ``path`` (URI ``query``) that passed ``check_file``."""
    target = f"{path.absolute().as_uri()}?{query}"  # noqa: ASYNC240 - a string, one getcwd
    db = await connect(path, target, uri=True, reading=True)
    try:
        return db, await check_file(db, path)
    except BaseException as exc:
        with contextlib.suppress(Exception):
            await db.close()
        if isinstance(exc, Exception) and not isinstance(exc, StoreUnavailable):
            raise unusable(path, exc, reading=True) from exc
        raise


class SqliteReader:
    """Read-only access: ``await SqliteReader.open(path)``, then ``stats``/``gaps``/``close``.

    ``open`` raises ``StoreUnavailable`` (one line naming the file) for a missing file, a
    directory, an empty or foreign file, a newer or older schema, or a corrupt database.
    """

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    @classmethod
    async def open(cls, path: Path | str) -> SqliteReader:
        path = Path(path)
        if not path.exists():
            raise problem(path, "does not exist", "nothing asked yet, or check database_path")
        if path.is_dir():
            raise unusable(path, IsADirectoryError(str(path)))
        if path.stat().st_size == 0:
            raise problem(path, "is empty, not a question log", "check database_path")
        # While a bot has the log open its -wal file exists: read alongside it (mode=ro
        # shares the WAL index). Otherwise no one is writing, and the file is read as
        # immutable: no locks and no -shm/-wal side files left beside it, which also works
        # in a read-only folder (where SQLite cannot create the WAL index a WAL file needs).
        side = (path.with_name(path.name + s) for s in ("-wal", "-journal"))
        live = any(p.exists() for p in side)
        db, version = await _open_checked(path, "mode=ro" if live else "mode=ro&immutable=1")
        if version != SCHEMA_VERSION:
            await db.close()
            if version == 0:
                raise problem(
                    path, "has no question log in it (schema version 0)", "check database_path"
                )
            raise problem(
                path,
                f"has the older schema version {version} (this bot: {SCHEMA_VERSION})",
                "start the bot once to upgrade it, then read it again",
            )
        return cls(db)

    async def stats(self, limit: int = 10) -> Stats:
        return await read_stats(self._db, limit)

    async def gaps(self, limit: int = 20) -> list[Gap]:
        return await read_gaps(self._db, limit)

    async def teachings(self, limit: int = 20) -> list[Teaching]:
        return await read_teachings(self._db, limit)

    async def teaching(self, teaching_id: int) -> Teaching | None:
        return await read_teaching(self._db, teaching_id)

    async def close(self) -> None:
        await self._db.close()
