"""Reading the PostgreSQL question log: the stats, gaps and teachings queries.

Each function runs on one connection that ``postgres.PostgresStore`` lends from its pool
(which turns an unreachable server into one ``PostgresUnavailable`` line); the SQLite
backend's counterparts are in ``sqlite_read``.
"""

from __future__ import annotations

import dataclasses
from typing import Final

import asyncpg

from bot.store import EntryCount, EntryVotes, Gap, Stats, Teaching
from bot.store.postgres_schema import Conn

GAP_OUTCOMES: Final = ("decline", "unsure")
_TEACHING_COLUMNS: Final = (
    "id, taught_at, moderator, question, entry_id, file, line, text, written, undone_at"
)


async def read_stats(c: Conn, limit: int) -> Stats:
    counts = {
        r["outcome"]: int(r["n"])
        for r in await c.fetch("SELECT outcome, COUNT(*) AS n FROM questions GROUP BY 1")
    }
    top = await c.fetch(
        "SELECT entry_id, COUNT(*) AS n FROM questions"
        " WHERE outcome = 'answer' AND entry_id IS NOT NULL"
        " GROUP BY entry_id ORDER BY n DESC, entry_id LIMIT $1",
        limit,
    )
    votes = await c.fetch(
        "SELECT entry_id, COUNT(*) FILTER (WHERE vote = 'up') AS up,"
        " COUNT(*) FILTER (WHERE vote = 'down') AS down FROM votes"
        " GROUP BY entry_id ORDER BY COUNT(*) DESC, entry_id LIMIT $1",
        limit,
    )
    return Stats(
        total=sum(counts.values()),
        answered=counts.get("answer", 0),
        unsure=counts.get("unsure", 0),
        declined=counts.get("decline", 0),
        top_entries=[EntryCount(r["entry_id"], int(r["n"])) for r in top],
        votes=[EntryVotes(r["entry_id"], int(r["up"]), int(r["down"])) for r in votes],
    )


async def read_gaps(c: Conn, limit: int) -> list[Gap]:
    rows = await c.fetch(
        "SELECT normalised, COUNT(*) AS n,"
        " (array_agg(text ORDER BY asked_at DESC, id DESC))[1] AS example,"
        " MAX(asked_at) AS last FROM questions"
        " WHERE outcome = ANY($1::text[]) AND normalised <> ''"
        " GROUP BY normalised ORDER BY n DESC, MAX(asked_at) DESC LIMIT $2",
        list(GAP_OUTCOMES),
        limit,
    )
    gaps = []
    for r in rows:
        gap = Gap(r["normalised"], int(r["n"]), r["example"], float(r["last"]))
        picks = tuple(
            EntryCount(p["entry_id"], int(p["n"]))
            for p in await c.fetch(
                "SELECT entry_id, COUNT(*) AS n FROM picks WHERE normalised = $1"
                " GROUP BY entry_id ORDER BY n DESC, entry_id",
                gap.normalised,
            )
        )
        if picks:
            down = await c.fetchval(
                "SELECT COUNT(*) FROM votes WHERE vote = 'down' AND entry_id = ANY($1::text[])",
                [p.entry_id for p in picks],
            )
            gap = dataclasses.replace(gap, picks=picks, down_votes=int(down))
        gaps.append(gap)
    return gaps


def _teaching(row: asyncpg.Record) -> Teaching:
    return Teaching(
        moderator=row["moderator"],
        question=row["question"],
        entry_id=row["entry_id"],
        file=row["file"],
        line=int(row["line"]),
        text=row["text"],
        written=bool(row["written"]),
        taught_at=float(row["taught_at"]),
        id=int(row["id"]),
        undone_at=None if row["undone_at"] is None else float(row["undone_at"]),
    )


async def read_teachings(c: Conn, limit: int) -> list[Teaching]:
    rows = await c.fetch(
        f"SELECT {_TEACHING_COLUMNS} FROM teachings ORDER BY id DESC LIMIT $1",  # noqa: S608
        limit,
    )
    return [_teaching(r) for r in rows]


async def read_teaching(c: Conn, teaching_id: int) -> Teaching | None:
    row = await c.fetchrow(
        f"SELECT {_TEACHING_COLUMNS} FROM teachings WHERE id = $1",  # noqa: S608
        teaching_id,
    )
    return _teaching(row) if row is not None else None
