"""A second opinion beside the classifier: the classes of the phrasings nearest a question.

The classifier (bot/engine/classifier.py) weighs every feature against every class; a question
in words the knowledge seldom uses can then lean on a few shared words and land, confidently,
on a neighbour of what was asked (the CRM entry for a question about helpdesk tools). The
nearest phrasings, by the same features (word n-grams, character n-grams and the embedding,
each compared by cosine and the three summed), fail differently. When the classifier's answer
is not among the nearest phrasings' best classes, it is answered only from a higher threshold
fitted on such cases (bot/engine/calibrate.py); below it the member gets did-you-mean
(bot/engine/learned.py).

Like the classifier: ``fit`` on feature rows and labels, then ``top`` for one question.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import sparse

NEIGHBOUR_TOP = 2
"""The nearest phrasings agree with the classifier when its best class is among theirs
``NEIGHBOUR_TOP`` best."""

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]


def _unit_rows(x: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1), dtype=np.float64)).ravel()
    scale = sparse.diags((1.0 / np.maximum(norms, 1e-9)).astype(np.float32))
    return sparse.csr_matrix(scale @ x, dtype=np.float32)


class NearestPhrasings:
    """The phrasings' n-gram rows (columns ``[0, n_word)`` word, ``[n_word, n_ngrams)``
    character) and embeddings (the columns after), each block L2-normalised, grouped by
    class. The n-grams are kept as an inverted index (per column: its phrasings and values)
    in 16-bit numbers, the embeddings in single precision (asking multiplies them)."""

    def __init__(self, n_word: int, n_ngrams: int) -> None:
        self.n_word = n_word
        self.n_ngrams = n_ngrams
        self.indptr: npt.NDArray[np.int32] = np.zeros(n_ngrams + 1, dtype=np.int32)
        """Column ``c``'s phrasings are ``phrasing[indptr[c]:indptr[c + 1]]``."""
        self.phrasing: npt.NDArray[np.uint16] | IntArray = np.zeros(0, dtype=np.uint16)
        self.value: npt.NDArray[np.float16] = np.zeros(0, dtype=np.float16)
        self.embeddings: FloatArray = np.zeros((0, 0), dtype=np.float32)
        self.starts: IntArray = np.zeros(0, dtype=np.int64)
        """Index of each class's first phrasing (phrasings are sorted by class)."""
        self.classes: IntArray = np.zeros(0, dtype=np.int64)

    def _blocks(self, x: sparse.csr_matrix) -> tuple[sparse.csr_matrix, FloatArray]:
        """Rows of ``x`` -> (n-grams with each block unit length, unit embeddings)."""
        word = _unit_rows(x[:, : self.n_word])
        char = _unit_rows(x[:, self.n_word : self.n_ngrams])
        ngrams = sparse.hstack([word, char], format="csr", dtype=np.float32)
        emb = np.asarray(x[:, self.n_ngrams :].todense(), dtype=np.float32)
        emb /= np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-9)
        return ngrams, emb

    def fit(self, x: sparse.csr_matrix, y: IntArray) -> NearestPhrasings:
        """``x``: the phrasings' feature rows (as TextFeatures builds them); ``y``: classes."""
        order = np.argsort(y, kind="stable")
        ngrams, self.embeddings = self._blocks(x[order])
        by_column = ngrams.tocsc()
        by_column.sort_indices()
        self.indptr = by_column.indptr.astype(np.int32)
        small = x.shape[0] <= np.iinfo(np.uint16).max
        self.phrasing = by_column.indices.astype(np.uint16 if small else np.int64)
        self.value = by_column.data.astype(np.float16)
        self.classes, self.starts = np.unique(y[order], return_index=True)
        return self

    def _best(self, sims: FloatArray, k: int) -> IntArray:
        """Per row of phrasing similarities: the ``k`` classes of the nearest, best first."""
        best = np.maximum.reduceat(sims, self.starts, axis=1)
        k = min(k, best.shape[1])
        order = np.argpartition(-best, k - 1, axis=1)[:, :k]
        ranks = np.argsort(-np.take_along_axis(best, order, axis=1), axis=1)
        return np.asarray(self.classes[np.take_along_axis(order, ranks, axis=1)], dtype=np.int64)

    def top(self, cols: IntArray, vals: FloatArray, embedding: FloatArray, k: int) -> list[int]:
        """The ``k`` classes with the phrasing nearest the question (best first), given its
        n-gram columns and values (ascending columns) and its embedding."""
        if not len(self.classes):
            return []
        n = len(self.embeddings)
        e = np.asarray(embedding, dtype=np.float32)
        sims = self.embeddings @ (e / max(float(np.linalg.norm(e)), 1e-9))
        for block in (cols < self.n_word, cols >= self.n_word):
            c, v = cols[block], vals[block]
            norm = float(np.linalg.norm(v))
            if not len(c) or norm == 0:
                continue
            begin, end = self.indptr[c].astype(np.int64), self.indptr[c + 1].astype(np.int64)
            lengths = end - begin
            # Every phrasing entry of the question's columns, gathered at once.
            at = np.repeat(begin - np.cumsum(lengths) + lengths, lengths)
            at += np.arange(int(lengths.sum()), dtype=np.int64)
            weights = self.value[at].astype(np.float32) * np.repeat(v / norm, lengths)
            sims += np.bincount(self.phrasing[at], weights=weights, minlength=n)[:n].astype(
                np.float32
            )
        return [int(c) for c in self._best(sims[None, :], k)[0]]

    def top_many(self, x: sparse.csr_matrix, k: int, chunk: int = 1000) -> IntArray:
        """``top`` for every row of the feature matrix ``x`` (one row of ``k`` classes each)."""
        out = np.zeros((x.shape[0], min(k, len(self.classes))), dtype=np.int64)
        if not len(self.classes):
            return out
        by_column = sparse.csr_matrix(
            (self.value.astype(np.float32), self.phrasing.astype(np.int32), self.indptr),
            shape=(self.n_ngrams, len(self.embeddings)),
        )
        for start in range(0, x.shape[0], chunk):
            ngrams, emb = self._blocks(x[start : start + chunk])
            sims = np.asarray((ngrams @ by_column).toarray(), dtype=np.float32)
            sims += emb @ self.embeddings.T
            out[start : start + chunk] = self._best(sims, k)
        return out
