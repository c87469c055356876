"""End-to-end latency bench: careerbot vs a trivial discord.py bot, through the local fake Discord.

Not a test. Both bots run as subprocesses (``python -m bot run`` and the trivial bot), aimed at the
same fake through the tests/e2e/shim sitecustomize. For each: start-to-READY time, then N
concurrent slash commands dispatched over the gateway; latency = INTERACTION_CREATE sent ->
interaction callback received (and -> final message, for answers that defer). Prints p50/p99/max,
RSS, and careerbot's p99 as a multiple of the trivial bot's (the floor; target <= 1.25x).

    .venv/bin/python bench/e2e.py [--n 200] [--knowledge knowledge] [--skip-careerbot]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from dataclasses import dataclass
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


@dataclass
class Figures:
    name: str
    ready_s: float
    callback_ms: list[float]
    final_ms: list[float]
    rss_mb: float
    errors: int

    @staticmethod
    def pct(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    def line(self) -> str:
        cb, fin = self.callback_ms, self.final_ms
        return (
            f"{self.name:<10} ready {self.ready_s * 1000:7.0f} ms | callback p50 "
            f"{self.pct(cb, 0.5):7.1f} p99 {self.pct(cb, 0.99):7.1f} max {max(cb):7.1f} ms | "
            f"final p50 {self.pct(fin, 0.5):7.1f} p99 {self.pct(fin, 0.99):7.1f} ms | "
            f"RSS {self.rss_mb:6.1f} MB | errors {self.errors} | over 3 s: "
            f"{sum(1 for v in fin if v > 3000)}"
        )


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


async def measure(
    name: str, argv: list[str], cwd: Path, n: int, command: str, options: list[dict[str, str]]
) -> Figures:
    async with FakeDiscord() as fake:
        t0 = time.monotonic()
        async with spawned(fake, argv, cwd=cwd) as proc:
            ready_s = time.monotonic() - t0
            await asyncio.sleep(0.5)  # let command sync and setup settle
            await burst(fake, min(n, 20), command, options)  # warm-up
            cbs, finals, errors = await burst(fake, n, command, options)
            rss = psutil.Process(proc.proc.pid).memory_info().rss / 2**20
    return Figures(name, ready_s, cbs, finals, rss, errors)


def careerbot_dir(root: Path, knowledge: Path) -> Path:
    """A working directory with a config.yaml pointing at ``knowledge`` and a tmp database."""
    work = root / "careerbot"
    (work / "data").mkdir(parents=True)
    config = {
        "knowledge_path": str(knowledge.resolve()),
        "database_path": str(work / "data" / "careerbot.sqlite3"),
        "heartbeat_path": str(work / "data" / "heartbeat"),
        "cooldown": {"rate": 1000, "per_seconds": 1.0},
        "log_level": "WARNING",
    }
    (work / "config.yaml").write_text(yaml.safe_dump(config))
    return work


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--knowledge", type=Path, default=REPO / "knowledge")
    parser.add_argument("--skip-careerbot", action="store_true")
    args = parser.parse_args()

    random.seed(7)
    with tempfile.TemporaryDirectory(prefix="careerbot-bench-") as tmp:
        root = Path(tmp)
        (root / "trivial").mkdir()
        floor = await measure(
            "trivial",
            ["-m", "tests.e2e.trivial_bot"],
            root / "trivial",
            args.n,
            "ping",
            [{}],
        )
        print(floor.line())
        if args.skip_careerbot or not (REPO / "bot" / "app.py").exists():
            print("careerbot: skipped (bot/app.py not present or --skip-careerbot)")
            return 0
        asks = [{"question": q} for q in random.sample(questions(), k=min(50, len(questions())))]
        work = careerbot_dir(root, args.knowledge)
        bot = await measure("careerbot", ["-m", "bot", "run"], work, args.n, "ask", asks)
        print(bot.line())
        ratio = Figures.pct(bot.callback_ms, 0.99) / Figures.pct(floor.callback_ms, 0.99)
        final_ratio = Figures.pct(bot.final_ms, 0.99) / Figures.pct(floor.final_ms, 0.99)
        print(f"careerbot p99 / floor p99: callback {ratio:.2f}x, final {final_ratio:.2f}x")
        over = sum(1 for v in bot.final_ms if v > 3000)
        ok = bot.errors == 0 and over == 0
        print("PASS" if ok and ratio <= 1.25 else "CHECK: target is <= 1.25x, none over 3 s")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
