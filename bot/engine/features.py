"""Similarity signals between a question and every training phrasing.

Three signals, each a cosine similarity in [0, 1] against every phrasing document:

* word TF-IDF over stems, unigrams and bigrams ("career path" is more than "career", "path");
* character TF-IDF over 3-5-grams within words, which absorbs typos and word forms
  ("custmer", "stressfull");
* sentence embeddings (bot/engine/embed.py), which place paraphrases that share few words.

Documents are stored feature-major (CSR of features x documents), so a question costs only
the postings of its own n-grams. Embeddings of every document are compared at once while the
knowledge is small; above ``DENSE_LIMIT`` documents only the candidates' are.
"""

from __future__ import annotations

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
DENSE_LIMIT = 20_000
"""Up to this many documents, every document's embedding is compared with the question."""


@dataclass(frozen=True, slots=True)
class QueryText:
    """One message as the signals see it: stemmed words (word n-grams), normalised words
    (character n-grams and embeddings)."""

    stems: str
    words: str


@dataclass(slots=True)
class Sims:
    """Similarities of one question to every document (``emb`` may cover only some)."""

    word: FloatArray
    char: FloatArray
    emb: FloatArray | None


def _vectorizer(kind: str) -> TfidfVectorizer:
    from sklearn.feature_extraction.text import TfidfVectorizer  # heavy: learned matcher only

    if kind == "word":
        return TfidfVectorizer(
            analyzer="word",
            token_pattern=r"\S+",  # noqa: S106 - a regex, not a password
            ngram_range=(1, 2),
            sublinear_tf=True,
            dtype=np.float32,
            lowercase=False,
        )
    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(3, 5),
        sublinear_tf=True,
        dtype=np.float32,
        lowercase=False,
    )


class SignalIndex:
    """The documents' vectors for the three signals (picklable, cached with the model)."""

    def __init__(self, docs: Sequence[QueryText], embedder: Embedder) -> None:
        from scipy import sparse

        self.word_vec = _vectorizer("word")
        self.char_vec = _vectorizer("char")
        texts_w = [d.stems or "_" for d in docs]
        texts_c = [d.words or "_" for d in docs]
        self.word_t: sparse.csr_matrix = sparse.csr_matrix(
            self.word_vec.fit_transform(texts_w).T, dtype=np.float32
        )
        self.char_t: sparse.csr_matrix = sparse.csr_matrix(
            self.char_vec.fit_transform(texts_c).T, dtype=np.float32
        )
        emb = embedder.embed(texts_c)
        self.n_docs = len(docs)
        self.dense = self.n_docs <= DENSE_LIMIT
        # Large knowledge: half precision (half the memory); rows are gathered per candidate.
        self.emb: npt.NDArray[np.floating] = emb if self.dense else emb.astype(np.float16)
        self.dim = int(emb.shape[1]) if emb.ndim == 2 else 0

    def vectors(
        self, queries: Sequence[QueryText], embedder: Embedder
    ) -> tuple[sparse.csr_matrix, sparse.csr_matrix, FloatArray]:
        from scipy import sparse

        qw = sparse.csr_matrix(self.word_vec.transform([q.stems for q in queries]))
        qc = sparse.csr_matrix(self.char_vec.transform([q.words for q in queries]))
        qe = embedder.embed([q.words for q in queries])
        return qw, qc, qe

    def sims(
        self, queries: Sequence[QueryText], embedder: Embedder
    ) -> tuple[FloatArray, FloatArray, FloatArray | None, FloatArray]:
        """(word, char, emb or None, query embeddings): rows = queries, columns = documents."""
        qw, qc, qe = self.vectors(queries, embedder)
        sw, sc, se = self.sims_of(qw, qc, qe)
        return sw, sc, se, qe

    def sims_of(
        self, qw: sparse.csr_matrix, qc: sparse.csr_matrix, qe: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray | None]:
        """The similarities of already vectorised questions (see ``vectors``)."""
        sw = np.asarray((qw @ self.word_t).toarray(), dtype=np.float32)
        sc = np.asarray((qc @ self.char_t).toarray(), dtype=np.float32)
        se: FloatArray | None = None
        if self.dense and len(self.emb):
            se = np.ascontiguousarray((self.emb @ qe.T).T, dtype=np.float32)
        return sw, sc, se

    def emb_for(self, docs: npt.NDArray[np.int64], qe: FloatArray) -> FloatArray:
        """Embedding similarities of one question (``qe``) to some documents."""
        if len(docs) == 0:
            return np.zeros(0, dtype=np.float32)
        return np.asarray(self.emb[docs].astype(np.float32) @ qe, dtype=np.float32)
