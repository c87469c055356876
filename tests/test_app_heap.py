"""Settling the heap (gc.freeze) after start and reloads, in a separate process: it is global."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.paths import KNOWLEDGE, ROOT

SCRIPT = """
import asyncio, gc, sys, warnings
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import discord
from bot.app import build_engine, create_bot, settle_heap
from bot.config import Settings

async def main():
    settings = Settings(knowledge_path=sys.argv[1])
    bot = create_bot(settings)
    bot.freeze_heap = True
    bot.engine = build_engine(settings)
    settle_heap()
    started = gc.get_freeze_count()
    print("full collection after settling found", gc.collect())
    counts = []
    for _ in range(3):
        assert (await bot.reload_knowledge()).ok
        counts.append(gc.get_freeze_count())
    print("frozen", started, *counts)

asyncio.run(main())
"""


def test_start_and_reloads_freeze_the_engine_without_keeping_old_ones() -> None:
    knowledge = KNOWLEDGE
    if not (knowledge / "sources.yaml").exists():
        pytest.skip("no shipped knowledge in this checkout")
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(knowledge)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    started, *after = (int(n) for n in lines[-1].split()[1:])
    assert started > 20_000  # the knowledge and the engine are out of the collector's way
    # Each reload replaces the engine: the frozen set stays the size of one engine.
    assert max(after) < started * 1.5
    assert after[-1] < started * 1.5
