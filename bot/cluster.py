"""Reloads that reach every process: ``open_cluster(settings, reload)`` and ``Cluster``.

With the question log on PostgreSQL, every process LISTENs on ``careerbot_reload``. A reload
asked in one process (``/kb reload``, the watcher) is a NOTIFY there; each process, the asking
one included, reloads and NOTIFYs on ``careerbot_reload_done`` its shard ids and its result;
the asking process collects those until every shard has answered or ``timeout`` passed. With
SQLite (one host, one process) the cluster is this process alone.

No Discord here: the bot passes its reload function in.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Protocol

if TYPE_CHECKING:
    import asyncpg

    from bot.config import Settings

log = logging.getLogger("bot.cluster")

REQUESTS: Final = "careerbot_reload"
REPLIES: Final = "careerbot_reload_done"
REPLY_TIMEOUT: Final = 15.0
"""How long ``/kb reload`` waits for the other processes' results (seconds)."""
MAX_PROBLEMS: Final = 5
"""Problems carried per reply (a NOTIFY payload holds at most 8000 bytes)."""
RECONNECT_SECONDS: Final = 2.0


class Reloadable(Protocol):
    @property
    def ok(self) -> bool: ...
    @property
    def before(self) -> dict[str, int]: ...
    @property
    def after(self) -> dict[str, int]: ...
    @property
    def problems(self) -> list[str]: ...


Reload = Callable[[], Awaitable[Reloadable]]


@dataclass(frozen=True)
class ProcessReport:
    """One process's reload. ``answered`` False: it gave no answer within the timeout."""

    shards: tuple[int, ...]
    ok: bool
    before: dict[str, int] = field(default_factory=dict)
    after: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    answered: bool = True
    local: bool = False
    """True for the report of the process that asked."""


class Cluster(Protocol):
    async def reload_everywhere(self) -> list[ProcessReport]:
        """Reload in every process; the reports, sorted by shard, missing shards included."""
        ...

    async def close(self) -> None: ...


def own_shards(settings: Settings) -> tuple[int, ...]:
    if settings.shard_ids is not None:
        return tuple(sorted(settings.shard_ids))
    if isinstance(settings.shard_count, int):
        return tuple(range(settings.shard_count))
    return ()


def expected_shards(settings: Settings) -> frozenset[int] | None:
    """Every shard of the bot, or None when Discord picks the count (``auto``)."""
    return frozenset(range(settings.shard_count)) if isinstance(settings.shard_count, int) else None


def report_of(shards: tuple[int, ...], result: Reloadable, *, local: bool) -> ProcessReport:
    return ProcessReport(
        shards, result.ok, dict(result.before), dict(result.after), list(result.problems), True,
        local,
    )  # fmt: skip


class LocalCluster:
    """This process alone (the SQLite log: one host)."""

    def __init__(self, shards: tuple[int, ...], reload: Reload) -> None:
        self._shards = shards
        self._reload = reload

    async def reload_everywhere(self) -> list[ProcessReport]:
        return [report_of(self._shards, await self._reload(), local=True)]

    async def close(self) -> None:
        return None


class PostgresCluster:
    """Every process sharing the PostgreSQL log, through LISTEN/NOTIFY on one connection."""

    def __init__(
        self, url: str, shards: tuple[int, ...], expected: frozenset[int] | None, reload: Reload
    ) -> None:
        self._url = url
        self._shards = shards
        self._expected = expected
        self._reload = reload
        self._conn: asyncpg.Connection[Any] | None = None
        self._waiting: dict[str, list[ProcessReport]] = {}
        self._arrived: dict[str, asyncio.Event] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False
        self.reply_timeout = REPLY_TIMEOUT

    @property
    def connected(self) -> bool:
        """True while the LISTEN connection is up (it reconnects by itself when lost)."""
        return self._conn is not None and not self._conn.is_closed()

    async def connect(self) -> None:
        import asyncpg

        conn = await asyncpg.connect(self._url, timeout=5.0)
        await conn.add_listener(REQUESTS, self._on_request)
        await conn.add_listener(REPLIES, self._on_reply)
        conn.add_termination_listener(self._on_lost)
        self._conn = conn

    def _spawn(self, coro: Awaitable[None], name: str) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        task.set_name(name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _on_lost(self, _conn: Any) -> None:
        if not self._closed:
            log.warning("reload channel lost; reconnecting")
            self._conn = None
            self._spawn(self._reconnect(), "careerbot-cluster-reconnect")

    async def _reconnect(self) -> None:
        while not self._closed and self._conn is None:
            await asyncio.sleep(RECONNECT_SECONDS)
            try:
                await self.connect()
            except Exception as exc:  # the server is still away: try again
                log.debug("reload channel reconnect failed: %s", exc)
            else:
                log.info("reload channel back")

    def _on_request(self, _conn: Any, _pid: int, _channel: str, payload: object) -> None:
        try:
            request = str(json.loads(str(payload))["id"])
        except (ValueError, KeyError, TypeError):
            log.warning("ignored a malformed reload request")
            return
        self._spawn(self._answer(request), "careerbot-cluster-reload")

    async def _answer(self, request: str) -> None:
        result = await self._reload()
        reply = {
            "id": request,
            "shards": list(self._shards),
            "ok": result.ok,
            "before": result.before,
            "after": result.after,
            "problems": [p[:300] for p in result.problems[:MAX_PROBLEMS]],
            "more": max(0, len(result.problems) - MAX_PROBLEMS),
        }
        await self._notify(REPLIES, reply)

    async def _notify(self, channel: str, message: dict[str, Any]) -> None:
        conn = self._conn
        if conn is None:
            raise ConnectionError("the reload channel is down")
        await conn.execute("SELECT pg_notify($1, $2)", channel, json.dumps(message))

    def _on_reply(self, _conn: Any, _pid: int, _channel: str, payload: object) -> None:
        try:
            data = json.loads(str(payload))
            request = str(data["id"])
            problems = [str(p) for p in data["problems"]]
            if data.get("more"):
                problems.append(f"… and {int(data['more'])} more")
            report = ProcessReport(
                tuple(int(s) for s in data["shards"]),
                bool(data["ok"]),
                {str(k): int(v) for k, v in data["before"].items()},
                {str(k): int(v) for k, v in data["after"].items()},
                problems,
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            log.warning("ignored a malformed reload reply")
            return
        if request in self._waiting:
            self._waiting[request].append(report)
            self._arrived[request].set()

    def _complete(self, reports: list[ProcessReport]) -> bool:
        seen = {s for r in reports for s in r.shards}
        return self._expected is not None and self._expected <= seen

    async def reload_everywhere(self) -> list[ProcessReport]:
        request = uuid.uuid4().hex
        reports = self._waiting[request] = []
        arrived = self._arrived[request] = asyncio.Event()
        try:
            try:
                await self._notify(REQUESTS, {"id": request})
            except Exception as exc:  # the server is away: reload here, say who was not reached
                log.warning("reload could not reach the other processes: %s", exc)
                own = report_of(self._shards, await self._reload(), local=True)
                return sorted_reports([own], self._expected, unreachable=True)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + self.reply_timeout
            while not self._complete(reports) and (left := deadline - loop.time()) > 0:
                arrived.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(arrived.wait(), left)
            return sorted_reports(
                [dataclasses.replace(r, local=r.shards == self._shards) for r in reports],
                self._expected,
            )
        finally:
            del self._waiting[request], self._arrived[request]

    async def close(self) -> None:
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._conn is not None:
            conn, self._conn = self._conn, None
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), 5.0)


def sorted_reports(
    reports: list[ProcessReport], expected: frozenset[int] | None, *, unreachable: bool = False
) -> list[ProcessReport]:
    """Reports by first shard, plus one unanswered report per expected shard nobody covered."""
    seen = {s for r in reports for s in r.shards}
    missing = sorted((expected or frozenset()) - seen)
    why = "the log server is unreachable" if unreachable else "no answer in time"
    out = list(reports) + [
        ProcessReport((s,), False, problems=[why], answered=False) for s in missing
    ]
    return sorted(out, key=lambda r: (r.shards[:1] or (-1,), not r.local))


async def open_cluster(settings: Settings, reload: Reload) -> Cluster:
    """The processes a reload must reach: every process on the PostgreSQL log, else this one."""
    shards = own_shards(settings)
    if settings.database_url is None:
        return LocalCluster(shards, reload)
    cluster = PostgresCluster(
        settings.database_url.get_secret_value(), shards, expected_shards(settings), reload
    )
    await cluster.connect()
    return cluster


def describe(reports: list[ProcessReport]) -> list[str]:
    """One line per process: ``shard 0 ✅ 120 entries`` / ``shard 1 ❌ kept …: problem``."""
    lines = []
    for r in reports:
        who = "shard " + ",".join(str(s) for s in r.shards) if r.shards else "process"
        if r.ok:
            lines.append(f"{who} ✅ {r.after.get('entries', 0)} entries")
        elif not r.answered:
            lines.append(f"{who} ⏳ {r.problems[0] if r.problems else 'no answer'}")
        else:
            first = r.problems[0] if r.problems else "unknown problem"
            lines.append(
                f"{who} ❌ kept the old knowledge: {len(r.problems)} problem(s), first: {first}"
            )
    return lines
