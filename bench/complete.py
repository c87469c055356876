"""Benchmark autocomplete (not a test): milliseconds per keystroke, on the real knowledge and on
synthetic knowledge, against a naive baseline measured in the same run (rapidfuzz
``process.extract(text, every question, scorer=WRatio, limit=25)``).

    python bench/complete.py [--sizes 10000,100000] [--repeat 20]

Every prefix of the issue's list is typed one character at a time (each keystroke is one
autocomplete request, as Discord sends them). Prints p50/p99/max per knowledge, the documents
examined (bounded by MAX_EXAMINED) and the ratio to the naive baseline.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from engine import synthetic  # noqa: E402
from rapidfuzz import fuzz, process  # noqa: E402

from bot.engine import Engine  # noqa: E402
from bot.engine.complete import MAX_EXAMINED  # noqa: E402
from bot.knowledge.loader import load_knowledge  # noqa: E402

PREFIXES = [
    "how much",
    "how much do",
    "how much do tellers",
    "what",
    "how do i",
    "can i",
    "teller",
    "recep",
    "salar",
    "entry lev",
]


def keystrokes() -> list[str]:
    return sorted({p[:i] for p in PREFIXES for i in range(1, len(p) + 1)})


def timed(fn: object, texts: list[str], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        for text in texts:
            t0 = time.perf_counter()
            fn(text)  # type: ignore[operator]
            out.append((time.perf_counter() - t0) * 1000)
    return out


def pct(values: list[float], p: float) -> float:
    return sorted(values)[min(len(values) - 1, int(p * len(values)))]


def run(label: str, engine: Engine, repeat: int) -> None:
    texts = keystrokes()
    t0 = time.perf_counter()
    engine.complete("warm up", 25)  # builds the completer once
    build_ms = (time.perf_counter() - t0) * 1000
    complete = timed(lambda t: engine.complete(t, 25), texts, repeat)
    examined = []
    for text in texts:
        engine.complete(text, 25)
        examined.append(engine._completer.examined)
    questions = [t.question for t in engine.targets]
    naive = timed(
        lambda t: process.extract(t, questions, scorer=fuzz.WRatio, limit=25),
        texts,
        max(1, repeat // 4),
    )
    print(
        f"{label:>16}: build {build_ms:7.1f} ms | complete p50 {statistics.median(complete):6.2f}"
        f" p99 {pct(complete, 0.99):6.2f} max {max(complete):6.2f} ms | examined max"
        f" {max(examined)} (cap {MAX_EXAMINED}) | naive p50 {statistics.median(naive):6.2f} ms"
        f" | ratio complete/naive p50 {statistics.median(complete) / statistics.median(naive):.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    kb = load_knowledge(args.knowledge)
    print(f"{len(keystrokes())} distinct keystrokes of {len(PREFIXES)} prefixes")
    run("real", Engine(kb), args.repeat)
    for size in [int(s) for s in args.sizes.split(",") if s]:
        run(f"synthetic {size:,}", Engine(synthetic(kb, size)), max(1, args.repeat // 10))


if __name__ == "__main__":
    main()
