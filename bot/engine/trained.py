"""Training the ranker from the knowledge at load time, and caching the result on disk.

The trained model (signal index, fusion weights, fitted thresholds, cross-validation report)
is pickled under ``cache_dir`` keyed by a hash of everything it was trained from plus the
engine version, so a restart or a reload of unchanged knowledge skips training. A missing,
unreadable, stale or unwritable cache only means training again: it never fails a build.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import random
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.engine.calibrate import Outcome, Report, fit_thresholds
from bot.engine.embed import Embedder
from bot.engine.features import DENSE_LIMIT, QueryText
from bot.engine.ranker import Context, Ranker, TargetMeta

log = logging.getLogger(__name__)

ENGINE_VERSION = "learned-4"
"""Part of the cache key: bump when features, training or the pickled classes change."""
TRAIN_SMALL = 4000
"""Phrasings asked (each left out) to fit the weights and thresholds, small knowledge."""
TRAIN_LARGE = 800
"""The same above DENSE_LIMIT documents, so training stays about as costly as building."""
DECLINED_MAX = 2000


@dataclass(slots=True)
class TrainedModel:
    ranker: Ranker
    answer_threshold: float
    unsure_threshold: float
    report: Report


def cache_key(parts: Iterable[str], embedder: Embedder) -> str:
    import sklearn

    h = hashlib.sha256()
    for p in (ENGINE_VERSION, sklearn.__version__, np.__version__, embedder.name, *parts):
        h.update(p.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def load_cached(cache_dir: Path | None, key: str) -> TrainedModel | None:
    if cache_dir is None:
        return None
    path = Path(cache_dir) / f"engine-{key[:32]}.pickle"
    try:
        with path.open("rb") as fh:
            model = pickle.load(fh)  # noqa: S301 - our own file, keyed by content hash
    except FileNotFoundError:
        return None
    except Exception as exc:  # a corrupt or incompatible cache: train again
        log.warning("ignoring unreadable engine cache %s: %s", path, exc)
        return None
    return model if isinstance(model, TrainedModel) else None


def save_cached(cache_dir: Path | None, key: str, model: TrainedModel) -> None:
    if cache_dir is None:
        return
    folder = Path(cache_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".engine-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(model, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, folder / f"engine-{key[:32]}.pickle")
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        for old in folder.glob("engine-*.pickle"):
            if old.name != f"engine-{key[:32]}.pickle":
                with contextlib.suppress(OSError):
                    old.unlink()
    except OSError as exc:
        log.warning("engine cache not written to %s: %s", folder, exc)


def train(
    docs: Sequence[QueryText],
    doc_target: Sequence[int],
    doc_text: Sequence[str],
    target_ids: Sequence[str],
    origin: Sequence[Sequence[int]],
    declined: Sequence[QueryText],
    declined_text: Sequence[str],
    meta: TargetMeta,
    context: Callable[[str, Sequence[int]], Context],
    embedder: Embedder,
) -> TrainedModel:
    """Build the signal index, fit the fusion on left-out phrasings, fit the thresholds."""
    targets = np.asarray(doc_target, dtype=np.int64)
    ranker = Ranker(docs, targets, len(target_ids), declined, meta, embedder)
    counts = np.bincount(targets, minlength=len(target_ids))
    askable = [d for d in range(len(docs)) if counts[targets[d]] >= 2]
    limit = TRAIN_SMALL if len(docs) + len(declined) <= DENSE_LIMIT else TRAIN_LARGE
    rng = random.Random(1234)  # noqa: S311 - a reproducible sample, not a secret
    if len(askable) > limit:
        askable = sorted(rng.sample(askable, limit))
    decl = list(range(min(len(declined), DECLINED_MAX)))
    texts = [docs[d] for d in askable] + [declined[i] for i in decl]
    contexts = [context(doc_text[d], origin[d]) for d in askable]
    contexts += [context(declined_text[i], ()) for i in decl]
    exclude = askable + [len(docs) + i for i in decl]
    labels = [int(targets[d]) for d in askable] + [-1] * len(decl)
    samples = ranker.samples(texts, contexts, exclude, labels, embedder)
    ranker.fit(samples)
    if ranker.linear is not None:
        ranker.linear.drop_training_state()  # out-of-fold scores: fitting only, not cached
    outcomes: list[Outcome] = []
    misses: list[tuple[str, str, str]] = []
    for i, s in enumerate(samples):
        scored = ranker.predict(s)
        top = int(scored.targets[0]) if len(scored.targets) else -1
        prob = float(scored.probs[0]) if len(scored.probs) else 0.0
        if labels[i] < 0:
            outcomes.append(Outcome(prob, False, False, True))
            continue
        right = top == labels[i]
        in_top3 = labels[i] in scored.targets[:3].tolist()
        outcomes.append(Outcome(prob, right, in_top3, False))
        if not right:
            d = askable[i]
            misses.append((doc_text[d], target_ids[labels[i]], target_ids[top] if top >= 0 else ""))
    answer, unsure = fit_thresholds(outcomes)
    ins = [o for o in outcomes if not o.declined_example]
    outs = [o for o in outcomes if o.declined_example]
    report = Report(
        asked=len(ins),
        accuracy=sum(o.right for o in ins) / len(ins) if ins else 1.0,
        declined_asked=len(outs),
        declined_right=sum(o.prob < unsure for o in outs) / len(outs) if outs else 1.0,
        answer_threshold=answer,
        unsure_threshold=unsure,
        misses=tuple(misses),
    )
    return TrainedModel(ranker, answer, unsure, report)
