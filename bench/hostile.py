"""How long hostile questions take, against an ordinary question in the same run (not a test).

    python bench/hostile.py [--repeat 5]

The reliability suite checks that hostile input is answered and rendered safely; how long it
takes is measured here, because a wall-clock limit inside a test fails at random on a loaded
machine. For every pathological unit of tests/reliability/test_soak.py (inputs that once made
the normaliser's regexes quadratic) it times ``Engine.ask`` on the unit repeated to 600 and to
6,000 characters (best of ``--repeat``) and prints:

* the time at 6,000 characters and its ratio to an ordinary 6,000-character message (real
  questions run together), the baseline measured in the same run;
* the growth from 600 to 6,000 characters: about 10 when the work is linear, about 100 when it
  is quadratic.

Targets: every unit ≤ 250 ms at 6,000 characters and growth ≤ 20.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.engine import Engine  # noqa: E402
from bot.knowledge.loader import load_knowledge  # noqa: E402
from tests.reliability.test_soak import OPTION_MAX, PATHOLOGICAL  # noqa: E402

LIMIT_MS = 250.0
GROWTH_LIMIT = 20.0


def best_ms(engine: Engine, question: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        engine.ask(question)
        best = min(best, time.perf_counter() - started)
    return best * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    engine = Engine(load_knowledge(ROOT / "knowledge"))
    questions = [e.question for e in engine.kb.entries.values()]
    ordinary = " ".join(questions * (OPTION_MAX // max(1, len(" ".join(questions))) + 1))
    baseline = best_ms(engine, ordinary[:OPTION_MAX], args.repeat)
    print(f"baseline: ordinary {OPTION_MAX:,}-character message {baseline:.2f} ms")
    print(f"{'unit':<12} {'600 ch ms':>10} {'6000 ch ms':>11} {'× baseline':>11} {'growth':>7}")
    failures = 0
    for unit in PATHOLOGICAL:
        short = best_ms(engine, (unit * 600)[:600], args.repeat)
        long = best_ms(engine, (unit * OPTION_MAX)[:OPTION_MAX], args.repeat)
        growth = long / short if short > 0 else float("inf")
        bad = long > LIMIT_MS or growth > GROWTH_LIMIT
        failures += bad
        print(
            f"{unit!r:<12} {short:>10.2f} {long:>11.2f} {long / baseline:>10.2f}× "
            f"{growth:>7.1f}{'  OVER TARGET' if bad else ''}"
        )
    verdict = "PASS" if not failures else f"{failures} over target"
    print(
        f"targets: ≤ {LIMIT_MS:.0f} ms at {OPTION_MAX:,} characters, growth ≤ {GROWTH_LIMIT:.0f}: "
        f"{verdict}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
