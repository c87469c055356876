"""End-to-end latency bench: careerbot vs a trivial discord.py bot, through the local fake Discord.

Not a test. Both bots run as subprocesses (``python -m bot run`` and the trivial bot), aimed at the
same fake through the tests/e2e/shim sitecustomize. For each: start-to-READY time, then N
concurrent slash commands dispatched over the gateway; latency = INTERACTION_CREATE sent ->
interaction callback received (and -> final message, for answers that defer). Prints p50/p99/max,
RSS, and careerbot's p99 as a multiple of the trivial bot's (the floor; target <= 1.25x).

careerbot keeps prepared answers by exact question text, and by default the bench cycles 50
questions (each asked several times per round), so most requests are cache hits; it prints
how many were repeats. ``--distinct`` makes every request's text unique (the letter case of
the question varies, which the engine ignores) so every request goes through the engine.

    .venv/bin/python bench/e2e.py [--n 200] [--knowledge knowledge] [--skip-careerbot]
        [--distinct] [--postgres | --database-url postgresql://…]

``--postgres`` adds a third subject, careerbot with its question log on PostgreSQL (a server
started for the run in a temporary folder, as the tests do; or the one at ``--database-url``),
and prints its p50/p99 next to the SQLite log's and the ratio of the two.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.e2e.conftest import spawned  # noqa: E402
from tests.e2e.fake_discord import FakeDiscord, FakeUser, Recorded, Sent  # noqa: E402

FALLBACK_QUESTIONS = [
    "how much does a customer service representative earn",
    "what skills does a csr need",
    "what certifications help customer service reps",
    "what is the job outlook for customer service",
    "how do i become a customer service representative",
]


def questions() -> list[str]:
    path = REPO / "tests" / "eval" / "questions.yaml"
    if path.exists():
        data = yaml.safe_load(path.read_text())
        found = [item["q"] for item in data.get("in_scope", []) if len(item["q"]) <= 100]
        if found:
            return found
    return FALLBACK_QUESTIONS


async def burst(
    fake: FakeDiscord, n: int, command: str, options: list[dict[str, str]]
) -> tuple[list[float], list[float], int]:
    """Dispatch ``n`` interactions back to back (distinct users: no cooldown); await the answers."""
    sent: list[Sent] = []
    for i in range(n):
        user = FakeUser(1_700_000_000_000_000_000 + i, f"bench{i}")
        sent.append(await fake.slash(command, options[i % len(options)] or None, user=user))

    async def one(inter: Sent) -> tuple[Recorded, Recorded]:
        cb = await fake.response(inter, within=30)
        final = await fake.final_message(inter, within=30)
        return cb, final

    results = await asyncio.gather(*(one(s) for s in sent), return_exceptions=True)
    cbs, finals, errors = [], [], 0
    for inter, res in zip(sent, results, strict=True):
        if isinstance(res, BaseException):
            errors += 1
            continue
        cb, final = res
        cbs.append((cb.at - inter.sent_at) * 1000)
        finals.append((final.at - inter.sent_at) * 1000)
    return cbs, finals, errors


@dataclass
class Subject:
    """One bot under test: its own fake, its subprocess and the command it is asked."""

    name: str
    argv: list[str]
    cwd: Path
    command: str
    options: list[dict[str, str]]
    ready_s: float = 0.0
    callback_ms: list[float] = field(default_factory=list)
    final_ms: list[float] = field(default_factory=list)
    round_p99: list[float] = field(default_factory=list)
    sequential_ms: list[float] = field(default_factory=list)
    errors: int = 0
    rss_mb: float = 0.0
    distinct: bool = False
    sent: int = 0
    repeats: int = 0
    _seen: set[str] = field(default_factory=set)

    def next_options(self, n: int) -> list[dict[str, str]]:
        """The options of the next ``n`` requests (counting how many repeat an earlier text)."""
        out = []
        for _ in range(n):
            option = dict(self.options[self.sent % len(self.options)])
            if self.distinct and "question" in option:
                option["question"] = vary_case(option["question"], self.sent)
            text = option.get("question", "")
            if text in self._seen:
                self.repeats += 1
            self._seen.add(text)
            self.sent += 1
            out.append(option)
        return out


def vary_case(text: str, k: int) -> str:
    """``text`` with the case of its first letters flipped by the bits of ``k`` (unique per k
    below 2**(letters)), e.g. to defeat a cache keyed by exact text without changing meaning."""
    chars = list(text)
    bit = 0
    for i, c in enumerate(chars):
        if bit >= 16:
            break
        if c.isalpha():
            if k >> bit & 1:
                chars[i] = c.swapcase()
            bit += 1
    return "".join(chars)


async def measure(subjects: list[Subject], n: int, rounds: int, sequential: int) -> None:
    """Start every subject, then interleave their bursts round by round, so machine load
    drifting during the run hits careerbot and the floor alike."""
    async with contextlib.AsyncExitStack() as stack:
        fakes, procs = [], []
        for subject in subjects:
            fake = await stack.enter_async_context(FakeDiscord())
            t0 = time.monotonic()
            proc = await stack.enter_async_context(spawned(fake, subject.argv, cwd=subject.cwd))
            subject.ready_s = time.monotonic() - t0
            fakes.append(fake)
            procs.append(proc)
        for fake, subject in zip(fakes, subjects, strict=True):
            warm = min(n, 20)
            await burst(fake, warm, subject.command, subject.next_options(warm))  # warm-up
        for _ in range(sequential):  # one at a time: latency without queueing
            for fake, subject in zip(fakes, subjects, strict=True):
                _, finals, _ = await burst(fake, 1, subject.command, subject.next_options(1))
                subject.sequential_ms += finals
        for _ in range(rounds):
            for fake, subject in zip(fakes, subjects, strict=True):
                options = subject.next_options(n)
                cbs, finals, errors = await burst(fake, n, subject.command, options)
                subject.callback_ms += cbs
                subject.final_ms += finals
                subject.errors += errors
                subject.round_p99.append(pct(cbs, 0.99))
        for proc, subject in zip(procs, subjects, strict=True):
            subject.rss_mb = psutil.Process(proc.proc.pid).memory_info().rss / 2**20


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def line(s: Subject) -> str:
    cb, fin = s.callback_ms, s.final_ms
    return (
        f"{s.name:<10} ready {s.ready_s * 1000:6.0f} ms | callback p50 {pct(cb, 0.5):6.1f} "
        f"p99 {pct(cb, 0.99):6.1f} max {max(cb):6.1f} ms | final p99 {pct(fin, 0.99):6.1f} ms"
        f" | RSS {s.rss_mb:5.1f} MB | errors {s.errors} | over 3 s "
        f"{sum(1 for v in fin if v > 3000)} | p99 per round "
        + " ".join(f"{v:.0f}" for v in s.round_p99)
        + (
            f" | one at a time p50 {pct(s.sequential_ms, 0.5):.1f} "
            f"p99 {pct(s.sequential_ms, 0.99):.1f} ms"
            if s.sequential_ms
            else ""
        )
    )


def careerbot_dir(
    root: Path, knowledge: Path, name: str = "careerbot", database_url: str | None = None
) -> Path:
    """A working directory with a config.yaml pointing at ``knowledge`` and a tmp database
    (the SQLite file, or PostgreSQL at ``database_url``)."""
    work = root / name
    (work / "data").mkdir(parents=True)
    config: dict[str, object] = {
        "knowledge_path": str(knowledge.resolve()),
        "database_path": str(work / "data" / "careerbot.sqlite3"),
        "heartbeat_path": str(work / "data" / "heartbeat"),
        "cooldown": {"rate": 1000, "per_seconds": 1.0},
        "log_level": "WARNING",
    }
    if database_url is not None:
        config["database_url"] = database_url
    (work / "config.yaml").write_text(yaml.safe_dump(config))
    return work


def warm_cache(knowledge: Path) -> None:
    """Train (or load) the knowledge's model into the cache the spawned bots read (the test
    shim passes $XDG_CACHE_HOME/careerbot to them): a bot measured must not train first."""
    from bot.engine import Engine, EngineSettings
    from bot.engine.trained import user_cache_dir
    from bot.knowledge.loader import load_knowledge

    Engine(load_knowledge(knowledge), EngineSettings(cache_dir=user_cache_dir()))


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--knowledge", type=Path, default=REPO / "knowledge")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sequential", type=int, default=50, help="one-at-a-time requests")
    parser.add_argument("--skip-careerbot", action="store_true")
    parser.add_argument(
        "--distinct", action="store_true", help="every question text unique (no cache hits)"
    )
    parser.add_argument(
        "--postgres", action="store_true", help="also run careerbot on a PostgreSQL log"
    )
    parser.add_argument("--database-url", default=None, help="PostgreSQL to use (else started)")
    args = parser.parse_args()

    random.seed(7)
    with contextlib.ExitStack() as servers:
        url = args.database_url
        if args.postgres and url is None:
            url = servers.enter_context(bench_postgres())
        return await run(args, url)


@contextlib.contextmanager
def bench_postgres() -> Iterator[str]:
    """A PostgreSQL server for this run (tests/pg_server.py), with one fresh database."""
    import shutil
    import subprocess

    from tests.pg_server import USER, PgServer, _run_as, free_port, missing_reason

    why = missing_reason()
    if why is not None:
        raise SystemExit(f"--postgres: {why}")
    server = PgServer(Path(tempfile.mkdtemp(prefix="careerbot-bench-pg-")), free_port(), _run_as())
    try:
        server.init()
        server.start()
        create = ["psql", server.url(), "-q", "-c", f"CREATE DATABASE bench OWNER {USER}"]
        subprocess.run(create, check=True, capture_output=True)
        yield server.url("bench")
    finally:
        with contextlib.suppress(Exception):
            server.stop("fast")
        shutil.rmtree(server.folder, ignore_errors=True)


async def run(args: argparse.Namespace, url: str | None) -> int:
    with tempfile.TemporaryDirectory(prefix="careerbot-bench-") as tmp:
        root = Path(tmp)
        (root / "trivial").mkdir()
        floor = Subject("trivial", ["-m", "tests.e2e.trivial_bot"], root / "trivial", "ping", [{}])
        subjects = [floor]
        with_bot = not args.skip_careerbot and (REPO / "bot" / "app.py").exists()
        if with_bot:
            qs = questions()
            asks = [{"question": q} for q in random.sample(qs, k=min(50, len(qs)))]
            argv = ["-m", "bot", "run"]
            warm_cache(args.knowledge)
            work = careerbot_dir(root, args.knowledge)
            subjects.append(Subject("careerbot", argv, work, "ask", asks, distinct=args.distinct))
            if url is not None:
                pg = careerbot_dir(root, args.knowledge, "careerbot-pg", url)
                subjects.append(Subject("postgres", argv, pg, "ask", asks, distinct=args.distinct))
        await measure(subjects, args.n, args.rounds, args.sequential)
        print(f"{args.n} concurrent slash commands per round, {args.rounds} rounds")
        for subject in subjects:
            print(line(subject))
        if not with_bot:
            print("careerbot: skipped (bot/app.py not present or --skip-careerbot)")
            return 0
        bot = subjects[1]
        print(
            f"careerbot questions: {len(bot._seen)} distinct texts over {bot.sent} requests; "
            f"{bot.repeats} ({bot.repeats / bot.sent:.0%}) repeated an earlier text"
            + (" (--distinct)" if bot.distinct else " (use --distinct for no repeats)")
        )
        ratio = pct(bot.callback_ms, 0.99) / pct(floor.callback_ms, 0.99)
        rounds = [b / f for b, f in zip(bot.round_p99, floor.round_p99, strict=True)]
        print(
            f"careerbot p99 / floor p99: {ratio:.2f}x overall, per round "
            + " ".join(f"{r:.2f}x" for r in rounds)
            + f" (median {statistics.median(rounds):.2f}x)"
        )
        if bot.sequential_ms:
            seq = pct(bot.sequential_ms, 0.99) / pct(floor.sequential_ms, 0.99)
            print(f"one at a time: careerbot p99 / floor p99 {seq:.2f}x")
        if url is not None:
            pg_bot = subjects[2]
            print(
                f"question log: SQLite p50 {pct(bot.callback_ms, 0.5):.1f} p99 "
                f"{pct(bot.callback_ms, 0.99):.1f} ms | PostgreSQL p50 "
                f"{pct(pg_bot.callback_ms, 0.5):.1f} p99 {pct(pg_bot.callback_ms, 0.99):.1f} ms"
                f" | final p99 SQLite {pct(bot.final_ms, 0.99):.1f} PostgreSQL "
                f"{pct(pg_bot.final_ms, 0.99):.1f} ms | PostgreSQL / SQLite p99 "
                f"{pct(pg_bot.callback_ms, 0.99) / pct(bot.callback_ms, 0.99):.2f}x"
                f" (final {pct(pg_bot.final_ms, 0.99) / pct(bot.final_ms, 0.99):.2f}x)"
            )
        over = sum(1 for v in bot.final_ms if v > 3000)
        ok = bot.errors == 0 and over == 0 and ratio <= 1.25
        print("PASS" if ok else "CHECK: target is <= 1.25x, no errors, none over 3 s")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
