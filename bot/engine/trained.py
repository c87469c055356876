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
import tempfile
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy import sparse

from bot.engine.calibrate import Outcome, Report, Thresholds, fit_thresholds
from bot.engine.classifier import (
    IntentClassifier,
    QueryText,
    TextFeatures,
    cross_validate,
    folds,
    projection,
)
from bot.engine.embed import Embedder
from bot.engine.neighbours import NEIGHBOUR_TOP, NearestPhrasings

log = logging.getLogger(__name__)

ENGINE_VERSION = "learned-17"
"""Part of the cache key: bump when features, training or the pickled classes change."""
CV_MAX = 6000
"""Examples cross-validated at most (whole classes sampled above it), so that fitting the
thresholds costs at most a few more fits of the classifier."""
DECLINED_MAX = 2000
ANSWER_WEIGHT = 1.0
"""Weight of an answer's text as a training example, next to 1 for a phrasing."""


@dataclass(slots=True)
class TrainedModel:
    features: TextFeatures
    classifier: IntentClassifier
    thresholds: Thresholds
    report: Report
    neighbours: NearestPhrasings


def cache_key(parts: Iterable[str], embedder: Embedder) -> str:
    from importlib.metadata import version

    h = hashlib.sha256()
    from bot.engine import calibrate, classifier

    settings = [
        classifier.C,
        classifier.EMB_SCALE,
        classifier.TOL,
        classifier.TOL_CV,
        classifier.FOLDS,
        classifier.MIN_DF_FROM,
        classifier.PROJECTION,
        classifier.PROJECT_ABOVE,
        classifier.PER_FEATURE,
        calibrate.WRONG_COST,
        calibrate.DECLINE_COST,
        calibrate.COST_TIE,
        ANSWER_WEIGHT,
        calibrate.UNSURE_GAIN,
        calibrate.UNSURE_DECLINE_COST,
    ]
    head = (ENGINE_VERSION, repr(settings), version("scikit-learn"), np.__version__, embedder.name)
    for p in (*head, *parts):
        h.update(p.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def user_cache_dir() -> Path:
    """Where command-line tools without a config keep trained models: $XDG_CACHE_HOME or
    ~/.cache, then careerbot/ (a cache: deleting it only means training again)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "careerbot"


MEMO_SIZE = 4
DISK_KEEP = 3
"""Trained models kept in the disk cache (about 14 MB each for the shipped knowledge)."""
_memo: OrderedDict[str, TrainedModel] = OrderedDict()
"""Models trained or loaded in this process, by key: a second engine on the same knowledge
(``check``, a reload of unchanged files, the teacher's scratch copy) reuses one."""


def load_cached(cache_dir: Path | None, key: str) -> TrainedModel | None:
    """The model for ``key`` from this process's memo, else from ``cache_dir``."""
    model = _memo.get(key)
    if model is not None:
        _memo.move_to_end(key)
        return model
    model = _load(cache_dir, key)
    if model is not None:
        _remember(key, model)
    return model


def _remember(key: str, model: TrainedModel) -> None:
    _memo[key] = model
    _memo.move_to_end(key)
    while len(_memo) > MEMO_SIZE:
        _memo.popitem(last=False)


def _load(cache_dir: Path | None, key: str) -> TrainedModel | None:
    if cache_dir is None:
        return None
    path = Path(cache_dir) / f"engine-{key[:32]}.pickle"
    try:
        with path.open("rb") as fh:
            model = pickle.load(fh)  # noqa: S301 - our own file, keyed by content hash
        with contextlib.suppress(OSError):
            os.utime(path)  # used now: the last to be evicted
    except FileNotFoundError:
        return None
    except Exception as exc:  # a corrupt or incompatible cache: train again
        log.warning("ignoring unreadable engine cache %s: %s", path, exc)
        return None
    return model if isinstance(model, TrainedModel) else None


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def save_cached(cache_dir: Path | None, key: str, model: TrainedModel) -> None:
    _remember(key, model)
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
        # The few most recently used models stay: a reload that is reverted ("git checkout"),
        # or a second process on the knowledge as shipped, starts warm. (Keeping only the
        # newest made a bot process started after an edit-and-revert train cold again.)
        cached = sorted(folder.glob("engine-*.pickle"), key=_mtime, reverse=True)
        for old in cached[DISK_KEEP:]:
            with contextlib.suppress(OSError):
                old.unlink()
    except OSError as exc:
        log.warning("engine cache not written to %s: %s", folder, exc)


def train(
    texts: Sequence[QueryText],
    labels: Sequence[int],
    n_classes: int,
    class_names: Sequence[str],
    raw: Sequence[str],
    declined: Sequence[QueryText],
    answers: Sequence[QueryText],
    answer_labels: Sequence[int],
    embedder: Embedder,
) -> TrainedModel:
    """Fit the features and the classifier on the phrasings (``labels``: their class), the
    declined examples (class ``n_classes``) and the answers' own text (weighing
    ``ANSWER_WEIGHT``: a question naming what only an answer says, "Genesys", finds it), then
    fit the thresholds on out-of-fold predictions of the phrasings and declined examples."""
    x_texts = [*texts, *declined[:DECLINED_MAX]]
    y = np.asarray([*labels, *([n_classes] * len(x_texts[len(texts) :]))], dtype=np.int64)
    features = TextFeatures([*x_texts, *answers], embedder)
    x = features.transform(x_texts, embedder)
    xa = features.transform(answers, embedder) if answers else x[:0]
    ya = np.asarray(answer_labels, dtype=np.int64)
    wa = np.full(len(answers), ANSWER_WEIGHT, dtype=np.float32)
    proj = projection(features.keys(), n_classes + 1)
    classifier = (
        IntentClassifier(n_classes)
        .fit(
            sparse.vstack([x, xa], format="csr"),
            np.concatenate([y, ya]),
            np.concatenate([np.ones(len(y), dtype=np.float32), wa]),
            proj,
        )
        .compact()
    )
    n_word = len(features.word.idf)
    n_ngrams = n_word + len(features.char.idf)
    sample = _sample(y, n_classes)
    oof = cross_validate(x[sample], y[sample], n_classes, extra=(xa, ya, wa), projection=proj)
    near = _near_out_of_fold(x[sample], y[sample], (xa, ya), n_classes, n_word, n_ngrams)
    outcomes: list[Outcome] = []
    misses: list[tuple[str, str, str]] = []
    for row, i, nearest in zip(oof, sample.tolist(), near, strict=True):
        order = np.argsort(-row[:n_classes])[:3]
        top = int(order[0]) if len(order) else -1
        prob = float(row[top]) * x_texts[i].known if top >= 0 else 0.0
        mass = float(row[order].sum()) * x_texts[i].known
        agreed = top in nearest.tolist()
        if y[i] == n_classes:
            outcomes.append(Outcome(prob, False, False, True, mass, agreed))
            continue
        right = top == y[i]
        outcomes.append(Outcome(prob, right, int(y[i]) in order.tolist(), False, mass, agreed))
        if not right and i < len(raw):
            misses.append((raw[i], class_names[y[i]], class_names[top] if top >= 0 else ""))
    fitted = fit_thresholds(outcomes)
    ins = [o for o in outcomes if not o.declined_example]
    outs = [o for o in outcomes if o.declined_example]
    report = Report(
        asked=len(ins),
        accuracy=sum(o.right for o in ins) / len(ins) if ins else 1.0,
        declined_asked=len(outs),
        declined_right=(
            sum(
                o.prob < (fitted.answer if o.agreed else fitted.held) and o.mass < fitted.unsure
                for o in outs
            )
            / len(outs)
            if outs
            else 1.0
        ),
        answer_threshold=fitted.answer,
        unsure_threshold=fitted.unsure,
        held_threshold=fitted.held,
        misses=tuple(misses),
    )
    neighbours = NearestPhrasings(n_word, n_ngrams).fit(
        sparse.vstack([x[: len(texts)], xa], format="csr"), np.concatenate([y[: len(texts)], ya])
    )
    return TrainedModel(features, classifier, fitted, report, neighbours)


def _near_out_of_fold(
    x: sparse.csr_matrix,
    y: npt.NDArray[np.int64],
    extra: tuple[sparse.csr_matrix, npt.NDArray[np.int64]],
    n_classes: int,
    n_word: int,
    n_ngrams: int,
) -> npt.NDArray[np.int64]:
    """Per example, the nearest phrasings' best classes (NEIGHBOUR_TOP) among the phrasings
    of the other folds (the folds ``cross_validate`` scores with) and the answers' own text
    (``extra``: rows and classes, which every fold's classifier learns from too)."""
    out = np.full((x.shape[0], NEIGHBOUR_TOP), -1, dtype=np.int64)
    fold = folds(y)  # cross_validate's own folds: same classes, same seed
    for f in np.unique(fold):
        test = fold == f
        known = ~test & (y < n_classes)
        rows = sparse.vstack([x[known], extra[0]], format="csr")
        labels = np.concatenate([y[known], extra[1]])
        if not len(labels):
            continue
        near = NearestPhrasings(n_word, n_ngrams).fit(rows, labels)
        found = near.top_many(x[test], NEIGHBOUR_TOP)
        out[np.flatnonzero(test)[:, None], np.arange(found.shape[1])] = found
    return out


def _sample(y: npt.NDArray[np.int64], n_classes: int) -> npt.NDArray[np.int64]:
    """The examples cross-validated: all of them, or a stratified sample of about CV_MAX
    (whole classes kept together) when the knowledge is large."""
    idx = np.arange(len(y), dtype=np.int64)
    if len(y) <= CV_MAX:
        return idx
    rng = np.random.default_rng(1234)
    classes = np.unique(y)
    share = CV_MAX / len(y)
    keep = [c for c in classes if c == n_classes or rng.random() < share]
    return idx[np.isin(y, np.asarray(keep, dtype=np.int64))]
