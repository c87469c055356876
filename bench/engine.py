"""Benchmark the answer engine against the naive rapidfuzz baseline (not a test).

    python bench/engine.py [--knowledge knowledge] [--sizes 1000,10000,100000]

For the real knowledge and for synthetic knowledge of each size (the real knowledge plus
generated entries) it measures build time, p50/p99 latency of ``Engine.ask`` over >= 1,000
questions, RSS, and — on the same entries — the naive baseline
``process.extractOne(q, all_phrasings, scorer=fuzz.WRatio)``: its latency, and on the real
knowledge the accuracy of both on tests/eval/questions.yaml.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import psutil
from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.engine import Engine  # noqa: E402
from bot.knowledge.base import KnowledgeBase  # noqa: E402
from bot.knowledge.loader import load_knowledge  # noqa: E402
from bot.knowledge.model import Entry, Topic  # noqa: E402
from bot.render import to_text  # noqa: E402
from tests.scoring import load_eval, score  # noqa: E402

EVAL = ROOT / "tests" / "eval" / "questions.yaml"
NAIVE_ANSWER = 0.7
"""The naive baseline's answer threshold (WRatio / 100): the engine's fitted one is on another
scale (a probability) and the configured one is usually unset."""
TOPICS = list(Topic)


def rss_mb() -> float:
    return float(psutil.Process().memory_info().rss) / 2**20


def synthetic(kb: KnowledgeBase, n: int, seed: int = 7) -> KnowledgeBase:
    """``kb`` plus ``n`` generated entries (question + 2 phrasings each) of the default career."""
    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ner", "tor", "sa", "vi", "den", "pra", "qu", "zel", "fo"]
    words = list({"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(6000)})
    common = ["customer", "service", "call", "center", "team", "work", "job", "pay", "skills"]
    entries = dict(kb.entries)
    entry_career = dict(kb.entry_career)
    career = "customer-service-representative"
    for i in range(n):
        topic_words = rng.sample(words, 4)

        def phrase(topic_words: list[str] = topic_words) -> str:
            picked = rng.sample(topic_words, 3) + rng.sample(common, 1)
            rng.shuffle(picked)
            return " ".join(picked)

        eid = f"syn-{i}"
        entries[eid] = Entry.model_construct(
            id=eid,
            topic=rng.choice(TOPICS),
            question=f"what about {' '.join(topic_words)}?",
            phrasings=[phrase(), phrase()],
            answer=f"Synthetic answer {i}.",
            level=None,
            facts=[],
            sources=["x"],
            related=[],
        )
        entry_career[eid] = career
    return dataclasses.replace(kb, entries=entries, entry_career=entry_career)


def questions_for(kb: KnowledgeBase, count: int, seed: int = 11) -> list[str]:
    """Phrasings of random entries, some with a typo or a dropped word, plus eval questions."""
    rng = random.Random(seed)
    ids = list(kb.entries)
    out: list[str] = []
    if EVAL.exists():
        data = load_eval(EVAL)
        out += [str(i["q"]) for i in data["in_scope"] + data["decline"]]
    while len(out) < count:
        e = kb.entries[rng.choice(ids)]
        words = rng.choice([e.question, *e.phrasings]).split()
        if len(words) > 3 and rng.random() < 0.3:
            words.pop(rng.randrange(len(words)))
        if rng.random() < 0.3:
            j = rng.randrange(len(words))
            w = words[j]
            if len(w) > 4:
                k = rng.randrange(1, len(w) - 1)
                words[j] = w[:k] + w[k + 1 :]
        out.append(" ".join(words))
    rng.shuffle(out)
    return out[:count]


class Naive:
    """The baseline: best WRatio over every phrasing, answer that entry if the score is high."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.phrasings: list[str] = []
        self.owner: list[str] = []
        for eid, e in kb.entries.items():
            for text in (e.question, *e.phrasings):
                self.phrasings.append(text)
                self.owner.append(eid)

    def ask(self, q: str) -> tuple[str | None, float]:
        hit = process.extractOne(q, self.phrasings, scorer=fuzz.WRatio)
        if hit is None:
            return None, 0.0
        return self.owner[hit[2]], float(hit[1]) / 100.0


def latency(fn: Any, qs: list[str]) -> tuple[float, float]:
    times = []
    for q in qs:
        t = time.perf_counter()
        fn(q)
        times.append(time.perf_counter() - t)
    arr = np.asarray(times) * 1000.0
    return float(np.percentile(arr, 50)), float(np.percentile(arr, 99))


def accuracy(engine: Engine, naive: Naive) -> tuple[float, float] | None:
    """(engine, naive) share of the evaluation set handled correctly (in scope and declines
    together). The engine is scored by the test suite's rule (tests/scoring.py); the naive
    baseline answers its best phrasing's entry when its WRatio reaches ``NAIVE_ANSWER``."""
    if not EVAL.exists():
        return None
    data = load_eval(EVAL)
    ins, outs = data["in_scope"], data["decline"]
    in_acc, out_acc, _ = score(engine, data)
    ok_n = 0
    threshold = NAIVE_ANSWER
    for item in ins:
        expect = [str(x).casefold() for x in item["expect"]]
        eid, naive_score = naive.ask(str(item["q"]))
        na = engine.answer_entry(eid) if eid and naive_score >= threshold else None
        if na is not None and all(x in to_text(na).casefold() for x in expect):
            ok_n += 1
    ok_n += sum(1 for item in outs if naive.ask(str(item["q"]))[1] < threshold)
    total = max(len(ins) + len(outs), 1)
    return (in_acc * len(ins) + out_acc * len(outs)) / total, ok_n / total


def run_one(label: str, kb: KnowledgeBase, n_questions: int, n_naive: int) -> dict[str, Any]:
    gc.collect()
    before = rss_mb()
    t = time.perf_counter()
    engine = Engine(kb)
    build = time.perf_counter() - t
    rss = rss_mb()
    qs = questions_for(kb, n_questions)
    for q in qs[:50]:
        engine.ask(q)  # warm caches (typo corrections) as a running bot would have
    p50, p99 = latency(engine.ask, qs)
    naive = Naive(kb)
    n50, n99 = latency(naive.ask, qs[:n_naive])
    row: dict[str, Any] = {
        "knowledge": label,
        "entries": len(kb.entries),
        "build_s": build,
        "rss_mb": rss,
        "engine_mb": rss - before,
        "p50_ms": p50,
        "p99_ms": p99,
        "naive_p50_ms": n50,
        "naive_p99_ms": n99,
        "ratio_p99": p99 / n99 if n99 else float("nan"),
        "acc": None,
    }
    if label == "real":
        row["acc"] = accuracy(engine, naive)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument(
        "--naive-questions", type=int, default=300, help="Baseline questions (it is slow)."
    )
    args = parser.parse_args()
    kb = load_knowledge(args.knowledge)
    rows = [run_one("real", kb, args.questions, args.questions)]
    for size in [int(s) for s in args.sizes.split(",") if s]:
        rows.append(
            run_one(
                f"synthetic {size:,}", synthetic(kb, size), args.questions, args.naive_questions
            )
        )
    head = (
        f"{'knowledge':<18}{'entries':>9}{'build s':>9}{'RSS MB':>8}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'naive p50':>10}{'naive p99':>10}{'p99 ratio':>10}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r['knowledge']:<18}{r['entries']:>9,}{r['build_s']:>9.2f}{r['rss_mb']:>8.0f}"
            f"{r['p50_ms']:>8.3f}{r['p99_ms']:>8.3f}{r['naive_p50_ms']:>10.3f}"
            f"{r['naive_p99_ms']:>10.3f}{r['ratio_p99']:>10.2f}"
        )
    acc = rows[0]["acc"]
    if acc is not None:
        print(f"\naccuracy on {EVAL.relative_to(ROOT)}: engine {acc[0]:.1%}, naive {acc[1]:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
