"""The learned matcher's model: one linear classifier over the knowledge's own phrasings.

Features of a text (``TextFeatures``), side by side in one sparse row:

* word TF-IDF over stems, unigrams and bigrams ("career path" is more than "career", "path"),
  plus the detectors' slot tokens (a level said as "3 years in" is the mid level);
* character TF-IDF over 2-5-grams within words, which absorbs typos and word forms
  ("custmer", "stressfull");
* the sentence embedding (bot/engine/embed.py), which places paraphrases that share few words.

``IntentClassifier`` is a multinomial logistic regression over these features (scikit-learn,
L-BFGS) with one class per answer and one more class for "none of these", learned from the
knowledge's declined examples (knowledge/decline.yaml). Its probabilities are the
confidence; ``cross_validate`` scores every phrasing and declined example by a model that
never saw it, which is what the thresholds are fitted on (bot/engine/calibrate.py).

After fitting, only numpy arrays and the two fitted vectorizers are kept (picklable, cached on
disk by bot/engine/trained.py).
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from bot.engine.embed import Embedder

if TYPE_CHECKING:
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]

EMB_SCALE = 2.0
"""Weight of the embedding block next to the two unit-length TF-IDF blocks."""
C = 10.0
"""Inverse L2 strength of the logistic regression (measured on CLINC150/BANKING77 train)."""
MAX_ITER = 300
TOL = 1e-4
TOL_CV = 1e-3
"""The cross-validation folds only estimate the thresholds: a looser tolerance (a third of the
iterations) moves their probabilities little."""
MIN_DF_FROM = 1000
FOLDS = 3
PROJECTION = 2048
"""Dimensions the features are projected to for training (see ``projection``)..."""
PROJECT_ABOVE = 3_000_000
"""...when features x classes pass this (below it, training is fast enough unprojected)."""
PER_FEATURE = 10
"""Non-zero entries of each feature's row of the projection (at most 16: a 64-byte hash)."""
WORD_MEMO = 50_000
"""Words whose character n-gram columns are remembered (then the memo starts over)."""


@dataclass(frozen=True, slots=True)
class QueryText:
    """One message as the features see it: stemmed words plus slot tokens (word n-grams),
    normalised words (character n-grams and the embedding)."""

    stems: str
    words: str
    known: float = 1.0
    """Share of its content words the knowledge uses (confidence is scaled by it)."""
    content: int = 0
    """How many content words it has (not stopwords, not career names)."""


def _vectorizer(kind: str, min_df: int) -> TfidfVectorizer:
    from sklearn.feature_extraction.text import TfidfVectorizer  # heavy: imported on use

    if kind == "word":
        return TfidfVectorizer(
            analyzer="word",
            token_pattern=r"\S+",  # noqa: S106 - a regex, not a password
            ngram_range=(1, 2),
            sublinear_tf=True,
            dtype=np.float32,
            lowercase=False,
            min_df=min_df,
        )
    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 5),
        sublinear_tf=True,
        dtype=np.float32,
        lowercase=False,
        min_df=min_df,
    )


class NgramTfidf:
    """A fitted scikit-learn ``TfidfVectorizer`` (as ``_vectorizer`` makes them) reduced to
    what transforming needs: the vocabulary and the idf weights. The same rows (word n-grams
    of whitespace tokens, or character n-grams within words padded by a space; sublinear tf,
    idf, L2 norm), without importing scikit-learn: a warm start never loads it (about 75 MB)."""

    def __init__(
        self, vocabulary: dict[str, int], idf: npt.ArrayLike, ngrams: tuple[int, int], chars: bool
    ) -> None:
        self.vocabulary_ = {str(k): int(v) for k, v in vocabulary.items()}
        self.idf = np.asarray(idf, dtype=np.float32)
        self.ngrams = (int(ngrams[0]), int(ngrams[1]))
        self.chars = chars

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state.pop("_memo", None)  # a cache of this process, not part of the model
        return state

    def _word_columns(self, word: str) -> list[int]:
        """The known character n-grams of one word, as columns (a word's n-grams are the same
        in every text: memoised, up to ``WORD_MEMO`` words)."""
        memo: dict[str, list[int]] | None = self.__dict__.get("_memo")
        if memo is None:
            memo = self.__dict__["_memo"] = {}
        cols = memo.get(word)
        if cols is None:
            lo, hi = self.ngrams
            w = f" {word} "
            grams: list[str] = []
            for n in range(lo, hi + 1):
                grams += [w[i : i + n] for i in range(max(len(w) - n, 0) + 1)]
                if len(w) <= n:
                    break  # a short word counts once, whole
            vocab = self.vocabulary_
            cols = [j for j in map(vocab.get, grams) if j is not None]
            if len(memo) >= WORD_MEMO:
                memo.clear()
            memo[word] = cols
        return cols

    def _columns(self, text: str) -> list[int]:
        """The known n-grams of ``text`` as columns, one per occurrence."""
        if self.chars:
            out: list[int] = []
            for word in text.split():
                out += self._word_columns(word)
            return out
        lo, hi = self.ngrams
        tokens = text.split()
        grams: list[str] = []
        for n in range(lo, hi + 1):
            grams += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
        vocab = self.vocabulary_
        return [j for j in map(vocab.get, grams) if j is not None]

    def row(self, text: str) -> tuple[IntArray, FloatArray]:
        """The row of ``text``: its columns (ascending) and their values."""
        cols, counts = np.unique(
            np.asarray(self._columns(text), dtype=np.int64), return_counts=True
        )
        tf = counts.astype(np.float32)
        vals = (np.float32(1.0) + np.log(tf)) * self.idf[cols]
        norm = float(np.sqrt((vals * vals).sum()))
        if norm > 0:
            vals = vals / np.float32(norm)
        return cols, vals.astype(np.float32, copy=False)

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        from scipy import sparse

        rows = [self.row(t) for t in texts]
        indptr = np.cumsum([0] + [len(c) for c, _ in rows], dtype=np.int64)
        return sparse.csr_matrix(
            (
                np.concatenate([v for _, v in rows] or [np.zeros(0, np.float32)]),
                np.concatenate([c for c, _ in rows] or [np.zeros(0, np.int64)]),
                indptr,
            ),
            shape=(len(texts), len(self.idf)),
        )


@dataclass(frozen=True, slots=True)
class Rows:
    """Feature rows of some texts, as ``TextFeatures.rows`` builds them."""

    ngrams: list[tuple[IntArray, FloatArray]]
    """Per text: its n-gram columns (ascending; word then character) and their values."""
    embeddings: FloatArray | None
    """One scaled embedding row per text; None for no text."""


class TextFeatures:
    """Texts -> feature rows (word TF-IDF | character TF-IDF | scaled embedding)."""

    def __init__(self, texts: Sequence[QueryText], embedder: Embedder) -> None:
        # Large knowledge: n-grams of one text only are dropped (half the features, half the
        # training time, the same accuracy on the intent benchmarks).
        min_df = 2 if len(texts) >= MIN_DF_FROM else 1
        word = _vectorizer("word", min_df).fit([t.stems or "_" for t in texts])
        char = _vectorizer("char", min_df).fit([t.words or "_" for t in texts])
        self.word = NgramTfidf(word.vocabulary_, word.idf_, word.ngram_range, chars=False)
        self.char = NgramTfidf(char.vocabulary_, char.idf_, char.ngram_range, chars=True)
        self.dim = int(embedder.embed(["_"]).shape[1])

    def keys(self) -> list[str]:
        """A name per feature column: the word n-gram, the character n-gram, the embedding
        dimension."""
        names = [f"w {g}" for g, _ in sorted(self.word.vocabulary_.items(), key=lambda x: x[1])]
        names += [f"c {g}" for g, _ in sorted(self.char.vocabulary_.items(), key=lambda x: x[1])]
        return names + [f"e {i}" for i in range(self.dim)]

    def transform(self, texts: Sequence[QueryText], embedder: Embedder) -> sparse.csr_matrix:
        """One CSR matrix built once from its parts (not three blocks stacked: a question is
        asked one at a time, and building and stacking matrices cost more than the n-grams)."""
        from scipy import sparse

        n_word, n_char = len(self.word.idf), len(self.char.idf)
        if not texts:
            return sparse.csr_matrix((0, n_word + n_char + self.dim), dtype=np.float32)
        e = embedder.embed([t.words for t in texts]) * EMB_SCALE
        emb_cols = np.arange(n_word + n_char, n_word + n_char + e.shape[1], dtype=np.int64)
        indices: list[IntArray] = []
        data: list[FloatArray] = []
        for t, emb in zip(texts, e, strict=True):
            cols, vals = self._ngram_row(t)
            indices += [cols, emb_cols]
            data += [vals, emb.astype(np.float32, copy=False)]
        indptr = np.cumsum([0] + [len(c) for c in indices[::2]], dtype=np.int64)
        indptr += np.arange(len(texts) + 1, dtype=np.int64) * e.shape[1]
        return sparse.csr_matrix(
            (np.concatenate(data), np.concatenate(indices), indptr),
            shape=(len(texts), n_word + n_char + e.shape[1]),
        )

    def proba(
        self, texts: Sequence[QueryText], embedder: Embedder, model: IntentClassifier
    ) -> FloatArray:
        """``model.proba(self.transform(texts, embedder))`` without building the matrix: the
        weights of each text's n-grams gathered, the embedding's block multiplied (asking one
        question: a third of the time)."""
        return self.proba_of(self.rows(texts, embedder), model)

    def rows(self, texts: Sequence[QueryText], embedder: Embedder) -> Rows:
        """Each text's n-gram columns and values, and the texts' embeddings (scaled): the
        features of ``transform`` before they are made a matrix."""
        e = embedder.embed([t.words for t in texts]) * EMB_SCALE if texts else None
        return Rows([self._ngram_row(t) for t in texts], e)

    def proba_of(self, rows: Rows, model: IntentClassifier) -> FloatArray:
        """``proba`` of feature rows already built (``rows``)."""
        if rows.embeddings is None:
            return np.zeros((0, len(model.b)), dtype=np.float32)
        w = model.w
        start = len(self.word.idf) + len(self.char.idf)
        z = np.asarray(rows.embeddings, dtype=np.float32) @ model.rows32(start)
        z += model.b
        for r, (cols, vals) in enumerate(rows.ngrams):
            z[r] += vals @ w[cols].astype(np.float32, copy=False)
        return softmax(z)

    def _ngram_row(self, t: QueryText) -> tuple[IntArray, FloatArray]:
        """The word and character n-gram columns of ``t`` (ascending) and their values."""
        wc, wv = self.word.row(t.stems)
        cc, cv = self.char.row(t.words)
        return np.concatenate([wc, cc + len(self.word.idf)]), np.concatenate([wv, cv])


def projection(keys: Sequence[str], n_classes: int) -> sparse.csr_matrix | None:
    """A sparse random projection of the features named ``keys`` to ``PROJECTION``
    dimensions, or None when features x classes are few already. Training in the projected
    space costs a fraction of the full one (the cost grows with features x classes); inner
    products, and so the classifier, barely move.

    Each feature's row (``PER_FEATURE`` entries of +-1/sqrt(PER_FEATURE)) is drawn from a hash
    of the feature itself (its n-gram), not from its column number: a knowledge edit that adds
    an n-gram renumbers every column after it, and a matrix drawn over column numbers then
    redrew the whole space. One synonym added moved 1,133 of 3,192 cross-validated
    probabilities by more than 0.05 and the fitted answer threshold from 0.25 to 0.19."""
    from scipy import sparse

    k = PROJECTION
    n = len(keys)
    if n <= 2 * k or n * n_classes <= PROJECT_ABOVE:
        return None
    size = 4 * PER_FEATURE
    digests = b"".join(
        hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=size).digest()
        for key in keys
    )
    draws = np.frombuffer(digests, dtype="<u4").reshape(n, PER_FEATURE)
    rows = np.repeat(np.arange(n, dtype=np.int64), PER_FEATURE)
    cols = (draws % k).astype(np.int64).ravel()
    signs = np.where(draws & (1 << 31), -1.0, 1.0).astype(np.float32).ravel()
    vals = signs / np.float32(np.sqrt(PER_FEATURE))
    return sparse.csr_matrix((vals, (rows, cols)), shape=(n, k))


class IntentClassifier:
    """Multinomial logistic regression; class ``n_classes`` is "none of these" (declined).

    ``fit(x, y)`` with ``y`` in ``[0, n_classes]``; ``proba(x)`` -> rows of probabilities over
    ``n_classes + 1`` columns. A class with no example gets no probability.
    """

    def __init__(self, n_classes: int, c: float = C, tol: float = TOL) -> None:
        self.n_classes = n_classes
        self.c = c
        self.tol = tol
        self.w = np.zeros((0, n_classes + 1), dtype=np.float32)
        self.b = np.full(n_classes + 1, -np.inf, dtype=np.float32)

    def fit(
        self,
        x: sparse.csr_matrix,
        y: IntArray,
        weight: FloatArray | None = None,
        projection: sparse.csr_matrix | None = None,
    ) -> IntentClassifier:
        """``projection``: features -> the space to train in (see ``projection``); the
        weights are mapped back to one per feature, so asking needs no projection."""
        from sklearn.linear_model import LogisticRegression

        n_out = self.n_classes + 1
        self.w = np.zeros((x.shape[1], n_out), dtype=np.float32)
        self.b = np.full(n_out, -np.inf, dtype=np.float32)
        classes = np.unique(y)
        if len(classes) == 1:
            self.b[classes[0]] = 0.0
            return self
        if len(classes) == 0:
            return self
        z = x if projection is None else np.asarray((x @ projection).toarray(), dtype=np.float64)
        model = LogisticRegression(C=self.c, max_iter=MAX_ITER, tol=self.tol)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # lbfgs "did not converge": the ranking holds
            model.fit(z, y, sample_weight=weight)
        coef = np.asarray(model.coef_, dtype=np.float32)
        icpt = np.asarray(model.intercept_, dtype=np.float32)
        if len(classes) == 2:  # scikit-learn keeps one row for two classes
            coef = np.vstack([-coef / 2, coef / 2])
            icpt = np.concatenate([-icpt / 2, icpt / 2])
        if projection is not None:  # back to one weight per feature: asking needs none
            coef = np.asarray((projection @ coef.T).T, dtype=np.float32)
        self.w[:, classes] = coef.T
        self.b[classes] = icpt
        return self

    def compact(self) -> IntentClassifier:
        """Keep the weights in half precision: a model that is kept (in memory and in the disk
        cache) takes half the room (25 -> 12.5 MB for the shipped knowledge, whose whole bot
        was at 197 of its 200 MB), and a probability moves by about 1e-4."""
        self.w = self.w.astype(np.float16)
        return self

    def rows32(self, start: int) -> FloatArray:
        """The weights of the features from ``start`` on (the embedding's block, used by every
        question) in single precision, converted once and kept (not pickled)."""
        memo = self.__dict__.get("_rows32")
        if memo is None or memo[0] != start:
            memo = (start, np.asarray(self.w[start:], dtype=np.float32))
            self.__dict__["_rows32"] = memo
        rows: FloatArray = memo[1]
        return rows

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state.pop("_rows32", None)  # a copy for this process, not part of the model
        return state

    def logits(self, x: sparse.csr_matrix) -> FloatArray:
        w = self.w if self.w.dtype == np.float32 else self.w.astype(np.float32)
        return np.asarray(x @ w + self.b, dtype=np.float32)

    def proba(self, x: sparse.csr_matrix) -> FloatArray:
        return softmax(self.logits(x))


def softmax(z: npt.NDArray[np.floating]) -> FloatArray:
    z = np.asarray(z, dtype=np.float64)
    top = np.max(z, axis=1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    e = np.exp(z - top)
    s = e.sum(axis=1, keepdims=True)
    return np.asarray(e / np.maximum(s, 1e-300), dtype=np.float32)


def folds(y: IntArray, k: int = FOLDS, seed: int = 1234) -> IntArray:
    """A fold number per example, stratified: each class's examples spread over the folds."""
    fold = np.zeros(len(y), dtype=np.int64)
    rng = np.random.default_rng(seed)
    for c in np.unique(y):
        idx = np.flatnonzero(y == c)
        fold[idx] = (np.arange(len(idx)) + int(rng.integers(k))) % k
    return fold


def cross_validate(
    x: sparse.csr_matrix,
    y: IntArray,
    n_classes: int,
    k: int = FOLDS,
    extra: tuple[sparse.csr_matrix, IntArray, FloatArray] | None = None,
    projection: sparse.csr_matrix | None = None,
) -> FloatArray:
    """Out-of-fold probabilities: each row scored by a classifier that never saw it.
    ``extra`` (rows, classes, weights): training rows every fold learns from and none scores
    (the answers' own text)."""
    from scipy import sparse

    out = np.zeros((x.shape[0], n_classes + 1), dtype=np.float32)
    fold = folds(y, k)
    for f in range(k):
        test = fold == f
        if not test.any() or test.all():
            continue
        xs, ys, ws = x[~test], y[~test], np.ones(int((~test).sum()), dtype=np.float32)
        if extra is not None:
            xs = sparse.vstack([xs, extra[0]], format="csr")
            ys = np.concatenate([ys, extra[1]])
            ws = np.concatenate([ws, extra[2]])
        model = IntentClassifier(n_classes, tol=TOL_CV).fit(xs, ys, ws, projection)
        out[test] = model.proba(x[test])
    return out
