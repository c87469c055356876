"""Benchmark ``python -m bot check`` against a plain load on large synthetic knowledge (not a test).

    python bench/check.py [--entries 100000] [--per-file 100] [--keep DIR]

Writes a copy of the shipped knowledge plus ``--entries`` generated Q&A entries (``--per-file``
to a file) and measures ``python -m bot check`` end to end, then in one fresh process the
phases it is made of: ``load_knowledge`` (the baseline), an engine build, and the engine
self-test. It prints seconds, each phase's share and peak RSS, and check's time as a multiple
of the load measured in the same run, so the figures compare on any machine.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CAREER = "customer-service-representative"
SYLLABLES = ["ka", "lo", "mi", "ner", "tor", "sa", "vi", "den", "pra", "qu", "zel", "fo"]
COMMON = ["customer", "service", "call", "center", "team", "work", "job", "pay", "skills"]
TOPICS = ["skills", "tools", "advice", "duties", "environment", "schedule", "stress"]


def write_synthetic(root: Path, entries: int, per_file: int, seed: int = 7) -> Path:
    """Copy the shipped knowledge to ``root`` and add ``entries`` generated entries."""
    shutil.copytree(ROOT / "knowledge", root)
    rng = random.Random(seed)
    words = sorted({"".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(6000)})
    qa = root / "careers" / CAREER / "qa"
    header = "# yaml-language-server: $schema=../../../schema/qa.schema.json\nentries:\n"
    for start in range(0, entries, per_file):
        rows = [header]
        for i in range(start, min(start + per_file, entries)):
            topic_words = rng.sample(words, 4)
            phrasings = []
            for _ in range(2):
                picked = rng.sample(topic_words, 3) + rng.sample(COMMON, 1)
                rng.shuffle(picked)
                phrasings.append(" ".join(picked))
            rows.append(
                f"  - id: syn-{i}\n"
                f"    topic: {rng.choice(TOPICS)}\n"
                f"    question: what about {' '.join(topic_words)}?\n"
                f"    phrasings: [{', '.join(phrasings)}]\n"
                f"    answer: Synthetic answer {i}.\n"
                f"    sources: [csr-profile]\n"
            )
        (qa / f"syn-{start // per_file:06d}.yaml").write_text("".join(rows), encoding="utf-8")
    return root


PHASES = """
import resource, sys, time
from pathlib import Path
t = time.perf_counter()
from bot.knowledge.loader import load_knowledge
kb = load_knowledge(Path(sys.argv[1]))
load = time.perf_counter() - t
load_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
from bot.engine import Engine
t = time.perf_counter()
Engine(kb)
build = time.perf_counter() - t
from bot.engine.selftest import self_test
t = time.perf_counter()
problems = self_test(kb)
selftest = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(len(kb.entries), load, load_mb, build, selftest, peak, len(problems))
"""


def timed(args: list[str]) -> tuple[float, int, str]:
    """(seconds, peak RSS MB of the largest child so far, last output line) of a process."""
    started = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    lines = (done.stdout + done.stderr).strip().splitlines()
    return seconds, peak // 1024, lines[-1] if lines else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--per-file", type=int, default=100)
    parser.add_argument("--keep", type=Path, help="write the knowledge here and keep it")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="careerbot-bench-"))
    root = base / "knowledge"
    if not root.exists():
        t = time.perf_counter()
        write_synthetic(root, args.entries, args.per_file)
        print(f"wrote {args.entries:,} entries in {time.perf_counter() - t:.1f} s to {root}")
    py = sys.executable
    check_s, check_mb, last = timed([py, "-m", "bot", "check", str(root)])
    print(f"python -m bot check: {check_s:.2f} s, peak RSS {check_mb} MB")
    done = subprocess.run(
        [py, "-c", PHASES, str(root)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    entries, load, load_mb, build, selftest, peak, _ = done.stdout.split()
    load_s, build_s, self_s = float(load), float(build), float(selftest)
    phases = load_s + build_s + self_s
    print(f"{entries} entries in {args.per_file}-entry files")
    print(f"{'phase':<36}{'seconds':>9}{'share':>8}")
    print(f"{'load_knowledge (the baseline)':<36}{load_s:>9.2f}{load_s / phases:>8.0%}")
    print(f"{'engine build (inside the self-test)':<36}{build_s:>9.2f}{build_s / phases:>8.0%}")
    print(f"{'self-test (builds its own engine)':<36}{self_s:>9.2f}{self_s / phases:>8.0%}")
    print(f"peak RSS: after load {load_mb} MB, after self-test {peak} MB")
    print(f"python -m bot check: {check_s:.2f} s = {check_s / load_s:.1f}x the load ({last})")
    if args.keep is None:
        shutil.rmtree(base)
    return 0


if __name__ == "__main__":
    sys.exit(main())
