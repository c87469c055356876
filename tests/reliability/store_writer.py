"""A separate process writing questions into a shared database (used by test_crash.py).

    python -m tests.reliability.store_writer DB COUNT TAG START_AT

Waits until the unix time START_AT (so several writers open a fresh file at the same moment),
opens its own ``SqliteStore``, logs COUNT questions with text ``TAG-<i>`` (each awaited, like
the bot does), closes, and prints how many it wrote. Any error exits non-zero with the error.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from bot.store import QuestionRecord
from bot.store.sqlite import SqliteStore


async def write(db: Path, count: int, tag: str) -> int:
    store = await SqliteStore.open(db)
    written = 0
    try:
        for i in range(count):
            await store.log_question(
                QuestionRecord(
                    text=f"{tag}-{i}",
                    normalised=f"{tag} {i}",
                    outcome="answer",
                    entry_id="csr-salary-median",
                    score=0.9,
                    latency_ms=1.0,
                    guild_id=1,
                    channel_id=2,
                    user_hash=store.hash_user(i),
                    via="slash",
                )
            )
            written += 1
    finally:
        await store.close()
    return written


def main(argv: list[str]) -> int:
    db, count, tag, start_at = Path(argv[0]), int(argv[1]), argv[2], float(argv[3])
    time.sleep(max(0.0, start_at - time.time()))
    print(asyncio.run(write(db, count, tag)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
