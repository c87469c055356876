"""Public intent benchmarks through the real engine (not a test).

    python bench/intents.py [--dataset clinc150|banking77|all] [--k 10|all] [--limit N]

For CLINC150 and BANKING77 (``../shared/benchmarks`` beside the repository, see its README)
it builds a knowledge folder the way a moderator would write one — one career, one Q&A entry
per intent whose question and phrasings are K training queries (K = 10, or all of them), the
out-of-scope training queries as the folder's ``decline.yaml`` — loads it with the real
loader, builds ``Engine`` and asks the validation queries with ``Engine.ask``, exactly as
members' questions are asked. BANKING77 has no validation part: 20% of each intent's training
queries are held out (fixed seed) and never written into the folder.

Printed per setting:
- in-scope accuracy: share of in-scope validation queries answered with their intent's entry
  (also: answered with another entry, and ranked first = the answered entry or, when unsure,
  the first suggestion);
- out-of-scope recall: share of ``oos_val`` queries NOT answered (declined or unsure);
- build time (write the folder, load it, build the engine) and p50/p99 ``ask`` latency;
beside the papers' figures and the issue's targets.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import gc
import json
import random
import re
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.engine import Engine, EngineSettings  # noqa: E402
from bot.knowledge.base import KnowledgeBase  # noqa: E402
from bot.knowledge.loader import load_knowledge  # noqa: E402
from bot.knowledge.model import FILE_MODELS  # noqa: E402

T = TypeVar("T")
BENCHMARKS = next(
    (b / "shared" / "benchmarks" for b in ROOT.parents if (b / "shared" / "benchmarks").is_dir()),
    ROOT.parent / "shared" / "benchmarks",
)
"""``<repo>/../shared/benchmarks`` in CI and in /work/main, further up in a worktree."""
SEED = 0
HOLDOUT = 0.2
"""Share of each BANKING77 intent's training queries held out as its validation part."""

PAPERS = {
    "clinc150": (
        "paper (Full, 100/intent; in-scope / oos recall): FastText 88.6/28.3, DialogFlow "
        "90.8/26.7, Rasa 90.9/31.2, MLP-USE 93.4/49.1, BERT 96.2/52.3"
    ),
    "banking77": (
        "paper (accuracy): USE+ConveRT 85.19 (10/intent) / 93.36 (full); BERT 83.42 / 93.02"
    ),
}
TARGETS = {
    ("clinc150", "10"): "issue target: in-scope >= 85, oos recall >= 50",
    ("clinc150", "all"): "issue target: in-scope >= 93, oos recall >= 50",
    ("banking77", "10"): "issue target: in-scope >= 82",
    ("banking77", "all"): "issue target: in-scope >= 92",
}


@dataclass(frozen=True)
class Dataset:
    name: str
    train: dict[str, list[str]]
    """Intent -> its training queries, in file order."""
    val: list[tuple[str, str]]
    """(query, intent) asked in scope."""
    oos_train: list[str]
    oos_val: list[str]


def read_clinc(path: Path) -> Dataset:
    data = json.loads(path.read_text(encoding="utf-8"))
    train: dict[str, list[str]] = {}
    for query, intent in data["train"]:
        train.setdefault(intent, []).append(query)
    val = [(q, i) for q, i in data["val"]]
    oos_train = [q for q, _ in data.get("oos_train", [])]
    oos_val = [q for q, _ in data.get("oos_val", [])]
    return Dataset("clinc150", train, val, oos_train, oos_val)


def read_banking(path: Path, holdout: float = HOLDOUT, seed: int = SEED) -> Dataset:
    """BANKING77's train.csv split per intent: ``holdout`` of each intent becomes val."""
    by_intent: dict[str, list[str]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            by_intent.setdefault(row["category"], []).append(row["text"])
    train: dict[str, list[str]] = {}
    val: list[tuple[str, str]] = []
    for intent in sorted(by_intent):
        queries = list(by_intent[intent])
        random.Random(f"{seed}:{intent}").shuffle(queries)
        n_val = round(len(queries) * holdout)
        val.extend((q, intent) for q in queries[:n_val])
        train[intent] = queries[n_val:]
    return Dataset("banking77", train, val, [], [])


def entry_id(intent: str) -> str:
    """An intent name as a knowledge id ('pto_request' -> 'pto-request')."""
    return re.sub(r"[^a-z0-9]+", "-", intent.lower()).strip("-") or "intent"


def clean(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters, no control characters."""
    text = "".join(" " if unicodedata.category(c).startswith("C") else c for c in text)
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return text


def pick(dataset: Dataset, intent: str, k: int | None, seed: int = SEED) -> list[str]:
    """K distinct training queries of ``intent`` (a seeded sample; all when k is None)."""
    queries = list(dataset.train[intent])
    if k is not None:
        random.Random(f"{seed}:{intent}:k").shuffle(queries)
    out: list[str] = []
    seen: set[str] = set()
    for q in queries:
        text = clean(q, 300)
        if len(text) >= 2 and text.casefold() not in seen:
            seen.add(text.casefold())
            out.append(text)
        if k is not None and len(out) == k:
            break
    return out


def supports_decline() -> bool:
    """Whether this loader reads ``decline.yaml`` (before issue 9 it rejects the file)."""
    return "decline" in FILE_MODELS


def _dump(path: Path, data: object) -> None:
    path.write_text(
        yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000), encoding="utf-8"
    )


def build_folder(dataset: Dataset, root: Path, k: int | None) -> Path:
    """Write ``dataset`` as a knowledge folder at ``root``; return it."""
    slug = entry_id(dataset.name)
    career = root / "careers" / slug
    (career / "qa").mkdir(parents=True)
    _dump(
        root / "sources.yaml",
        {
            "sources": [
                {
                    "id": slug,
                    "title": f"{dataset.name} training queries",
                    "kind": "report",
                    "seed": f"{dataset.name}",
                }
            ]
        },
    )
    _dump(
        career / "career.yaml",
        {
            "career": {
                "slug": slug,
                "name": f"{dataset.name} benchmark",
                "summary": f"One entry per intent of the {dataset.name} data set.",
                "sources": [slug],
            }
        },
    )
    for intent in sorted(dataset.train):
        queries = pick(dataset, intent, k)
        question = next((q for q in queries if len(q) <= 100), clean(queries[0], 100))
        phrasings = [q for q in queries if q != question]
        if len(phrasings) < 2:
            raise ValueError(f"intent {intent!r} has fewer than 3 distinct training queries")
        eid = entry_id(intent)
        entry = {
            "id": eid,
            "topic": eid,
            "question": question,
            "phrasings": phrasings,
            "answer": f"This is the answer for the '{intent}' intent.",
            "sources": [slug],
        }
        _dump(career / "qa" / f"{eid}.yaml", {"entries": [entry]})
    if dataset.oos_train and supports_decline():
        _dump(root / "decline.yaml", {"examples": [clean(q, 300) for q in dataset.oos_train]})
    return root


@dataclass
class Result:
    dataset: str
    k: str
    entries: int
    phrasings: int
    declined_examples: int
    asked_in_scope: int
    asked_oos: int
    in_scope_accuracy: float
    answered_wrong: float
    ranked_first: float
    oos_recall: float | None
    write_s: float
    load_s: float
    engine_s: float
    p50_ms: float
    p99_ms: float


def _sample(items: Sequence[T], limit: int | None) -> list[T]:
    if limit is None or len(items) <= limit:
        return list(items)
    return random.Random(SEED).sample(list(items), limit)


def evaluate(
    dataset: Dataset,
    k: int | None,
    work: Path,
    limit: int | None = None,
    make_engine: Callable[[KnowledgeBase], Engine] = Engine,
) -> Result:
    """Build the folder for ``dataset`` and K, ask its validation queries, score them."""
    t0 = time.perf_counter()
    root = build_folder(dataset, work / f"{dataset.name}-k{k or 'all'}" / "knowledge", k)
    t1 = time.perf_counter()
    kb = load_knowledge(root)
    t2 = time.perf_counter()
    engine = make_engine(kb)
    t3 = time.perf_counter()

    latencies: list[float] = []

    def ask(question: str) -> tuple[bool, str | None, str | None]:
        start = time.perf_counter_ns()
        answer = engine.ask(question)
        latencies.append((time.perf_counter_ns() - start) / 1e6)
        first = answer.suggestions[0].entry_id if answer.suggestions else None
        if answer.answered:
            first = answer.entry_id
        return answer.answered, answer.entry_id, first

    right = wrong = first_ok = 0
    in_scope = _sample(dataset.val, limit)
    for question, intent in in_scope:
        answered, got, first = ask(question)
        expected = entry_id(intent)
        right += answered and got == expected
        wrong += answered and got != expected
        first_ok += first == expected
    oos = _sample(dataset.oos_val, limit)
    not_answered = sum(not ask(q)[0] for q in oos)
    n = max(len(in_scope), 1)
    return Result(
        dataset=dataset.name,
        k=str(k or "all"),
        entries=len(kb.entries),
        phrasings=sum(len(e.phrasings) + 1 for e in kb.entries.values()),
        declined_examples=len(dataset.oos_train) if supports_decline() else 0,
        asked_in_scope=len(in_scope),
        asked_oos=len(oos),
        in_scope_accuracy=100 * right / n,
        answered_wrong=100 * wrong / n,
        ranked_first=100 * first_ok / n,
        oos_recall=100 * not_answered / len(oos) if oos else None,
        write_s=t1 - t0,
        load_s=t2 - t1,
        engine_s=t3 - t2,
        p50_ms=float(np.percentile(latencies, 50)),
        p99_ms=float(np.percentile(latencies, 99)),
    )


def report(r: Result) -> str:
    oos = f"{r.oos_recall:5.1f}%" if r.oos_recall is not None else "  n/a (no oos set)"
    lines = [
        f"{r.dataset} K={r.k}: {r.entries} entries, {r.phrasings} queries as phrasings, "
        f"{r.declined_examples} declined examples; asked {r.asked_in_scope} in scope "
        f"+ {r.asked_oos} out of scope",
        f"  in-scope accuracy (answered right) {r.in_scope_accuracy:5.1f}%   "
        f"answered wrong {r.answered_wrong:5.1f}%   ranked first {r.ranked_first:5.1f}%",
        f"  out-of-scope recall (not answered) {oos}",
        f"  build {r.write_s + r.load_s + r.engine_s:.2f} s (write {r.write_s:.2f}, "
        f"load {r.load_s:.2f}, engine {r.engine_s:.2f})   "
        f"ask p50 {r.p50_ms:.2f} ms  p99 {r.p99_ms:.2f} ms",
        f"  {PAPERS[r.dataset]}",
        f"  {TARGETS[(r.dataset, r.k)]}",
    ]
    return "\n".join(lines)


def engine_factory(assignments: Sequence[str]) -> Callable[[KnowledgeBase], Engine]:
    """``Engine`` with EngineSettings fields set from ``KEY=VALUE`` strings (typed by the
    field's default value), so one bench run can compare engine options."""
    defaults = EngineSettings()
    known = {f.name: f for f in dataclasses.fields(EngineSettings)}
    changes: dict[str, object] = {}
    for item in assignments:
        key, sep, raw = item.partition("=")
        if not sep or key not in known:
            raise ValueError(f"--set {item!r}: expected KEY=VALUE with KEY one of {sorted(known)}")
        current = getattr(defaults, key)
        value: object = raw
        if isinstance(current, bool):
            value = raw.lower() in ("1", "true", "yes")
        elif isinstance(current, int | float):
            value = type(current)(raw)
        elif raw.lower() == "none":
            value = None
        elif current is None or isinstance(current, Path):
            value = float(raw) if re.fullmatch(r"-?\d+(\.\d*)?", raw) else Path(raw)
        changes[key] = value
    settings = dataclasses.replace(defaults, **changes)
    return lambda kb: Engine(kb, settings)


def load_dataset(name: str, benchmarks: Path) -> Dataset:
    if name == "clinc150":
        return read_clinc(benchmarks / "clinc150" / "train_val.json")
    return read_banking(benchmarks / "banking77" / "train.csv")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", choices=["clinc150", "banking77", "all"], default="all")
    parser.add_argument("--k", choices=["10", "all", "both"], default="both")
    parser.add_argument(
        "--limit", type=int, default=None, help="ask at most N in-scope and N oos queries"
    )
    parser.add_argument("--benchmarks", type=Path, default=BENCHMARKS)
    parser.add_argument("--json", type=Path, default=None, help="also write results here")
    parser.add_argument(
        "--out", type=Path, default=None, help="keep the folders here (default: a temp dir)"
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an EngineSettings field for every engine, e.g. --set matcher=learned",
    )
    args = parser.parse_args(argv)
    if not args.benchmarks.is_dir():
        print(f"benchmarks not found: {args.benchmarks}", file=sys.stderr)
        return 2
    names = ["clinc150", "banking77"] if args.dataset == "all" else [args.dataset]
    ks: list[int | None] = {"10": [10], "all": [None], "both": [10, None]}[args.k]
    if not supports_decline():
        print("note: this loader has no decline.yaml yet; oos_train is not used\n")
    try:
        make_engine = engine_factory(args.set)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="careerbot-intents-") as tmp:
        work = args.out or Path(tmp)
        for name in names:
            dataset = load_dataset(name, args.benchmarks)
            for k in ks:
                result = evaluate(dataset, k, work, args.limit, make_engine)
                results.append(result)
                print(report(result), "\n", flush=True)
                gc.collect()
    print("summary: dataset K  in-scope  wrong  ranked-first  oos-recall  build-s  p50-ms  p99-ms")
    for r in results:
        oos = f"{r.oos_recall:5.1f}" if r.oos_recall is not None else "  n/a"
        print(
            f"  {r.dataset:9} {r.k:>3}  {r.in_scope_accuracy:6.1f}  {r.answered_wrong:5.1f}  "
            f"{r.ranked_first:10.1f}  {oos:>10}  {r.write_s + r.load_s + r.engine_s:7.2f}  "
            f"{r.p50_ms:6.2f}  {r.p99_ms:6.2f}"
        )
    if args.json is not None:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
