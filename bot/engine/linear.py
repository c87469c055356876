"""A per-target linear classifier over the phrasings: one more signal for the fused ranker.

Features per phrasing: the word TF-IDF and character TF-IDF vectors of bot/engine/features.py
and the sentence embedding (scaled by ``EMB_SCALE``), side by side. One linear SVM per target
(one-vs-rest, liblinear: about a second for 1,500 phrasings of 150 targets on one core) learns
which n-grams and directions tell a target from the others, which nearest-phrasing similarity
cannot. Its decision values are a feature of every candidate and steer candidate retrieval.

Used only while targets x features stays below ``CELLS`` (the weights are dense); above it the
ranker keeps its similarity candidates alone, so 100k entries stay feasible.

For training the fusion, each phrasing needs the classifier's score *without itself*: the
phrasings are split into ``FOLDS`` folds, stratified by target, and each fold is scored by a
classifier trained on the others (out-of-fold scores, kept only while fitting).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from scipy import sparse

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]

EMB_SCALE = 2.0
C = 0.3
FOLDS = 3
MAX_TARGETS = 5000
CELLS = 12_000_000
"""Targets x features above which no classifier is trained (dense weights: 4 bytes each)."""
FLOOR = -1.5
"""Score of a target a fold's classifier never saw."""


def design(
    word: sparse.spmatrix, char: sparse.spmatrix, emb: npt.NDArray[np.floating]
) -> sparse.csr_matrix:
    """Rows = texts: word TF-IDF | char TF-IDF | scaled embedding."""
    from scipy import sparse

    dense = sparse.csr_matrix(np.asarray(emb, dtype=np.float32) * EMB_SCALE)
    return sparse.csr_matrix(sparse.hstack([word, char, dense], format="csr"), dtype=np.float32)


def _fit(x: sparse.csr_matrix, y: IntArray, n_targets: int) -> tuple[FloatArray, FloatArray]:
    """(weights features x targets, intercepts): targets absent from ``y`` score FLOOR."""
    from sklearn.svm import LinearSVC

    w = np.zeros((x.shape[1], n_targets), dtype=np.float32)
    b = np.full(n_targets, FLOOR, dtype=np.float32)
    classes = np.unique(y)
    if len(classes) < 2:
        if len(classes) == 1:
            b[classes[0]] = 1.0
        return w, b
    model = LinearSVC(C=C, dual=True, max_iter=2000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # liblinear's "did not converge": scores still rank
        model.fit(x, y)
    coef = np.asarray(model.coef_, dtype=np.float32)
    icpt = np.asarray(model.intercept_, dtype=np.float32)
    if len(classes) == 2:  # one row for the second class; the first is its mirror
        coef = np.vstack([-coef, coef])
        icpt = np.concatenate([-icpt, icpt])
    w[:, classes] = coef.T
    b[classes] = icpt
    return w, b


class LinearSignal:
    """The classifier over all phrasings (picklable) and, while fitting, out-of-fold scores."""

    def __init__(self, x: sparse.csr_matrix, doc_target: IntArray, n_targets: int) -> None:
        self.w, self.b = _fit(x, doc_target, n_targets)
        self.oof = np.zeros((x.shape[0], n_targets), dtype=np.float32)
        fold = np.zeros(len(doc_target), dtype=np.int64)
        rng = np.random.default_rng(1234)
        for t in np.unique(doc_target):
            docs = np.flatnonzero(doc_target == t)
            fold[docs] = (np.arange(len(docs)) + int(rng.integers(FOLDS))) % FOLDS
        for k in range(FOLDS):
            test = fold == k
            if not test.any() or test.all():
                continue
            w, b = _fit(x[~test], doc_target[~test], n_targets)
            self.oof[test] = x[test] @ w + b

    @staticmethod
    def feasible(n_targets: int, n_features: int) -> bool:
        return 2 <= n_targets <= MAX_TARGETS and n_targets * n_features <= CELLS

    def scores(self, x: sparse.csr_matrix) -> FloatArray:
        """Decision values, rows = texts, columns = targets."""
        return np.asarray(x @ self.w + self.b, dtype=np.float32)

    def drop_training_state(self) -> None:
        self.oof = np.zeros((0, 0), dtype=np.float32)
