"""The learned ranking: candidates by similarity, then one fused score per candidate.

For a question, every target (Q&A entry or fact topic of a career) gets per-signal evidence
from its phrasings (bot/engine/features.py): the best and the mean word, character and
embedding similarity, the answer-text evidence (bot/engine/answerindex.py) and whether the
detected career/level/topic slots agree with it. The few best targets by raw similarity are
candidates; a linear utility ``w . f`` over those features ranks them, and a "none of these"
alternative, whose utility grows with the question's similarity to the knowledge's declined
examples (knowledge/decline.yaml), competes with them. A softmax turns utilities into one
probability per candidate: that is the confidence.

The weights are fitted at load time (conditional logit, L-BFGS over ~20 numbers) on the
knowledge's own phrasings, each asked with itself left out (leave-phrasing-out), and on the
declined examples (each left out of the declined set): no per-class model, so the cost does
not grow with the number of classes beyond the sampled training questions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.engine.embed import Embedder
from bot.engine.features import FloatArray, QueryText, SignalIndex
from bot.engine.linear import LinearSignal, design

IntArray = npt.NDArray[np.int64]
AnyArray = npt.NDArray[Any]

KRR_DOCS = 4000
"""Up to this many phrasings (and documents x targets <= KRR_CELLS), a kernel ridge
classifier over the three similarities is fitted too (exact leave-one-out in closed form)."""
KRR_CELLS = 6_000_000
KRR_LAMBDA = 0.05
CANDIDATES = 20
"""Targets scored by the fused model per question (plus slot and answer-text targets)."""
FEATURES = (
    "max_word",
    "max_char",
    "max_emb",
    "mean_word",
    "mean_char",
    "mean_emb",
    "answer_text",
    "career_named",
    "career_other",
    "career_not_default",
    "level_match",
    "level_mismatch",
    "level_unasked",
    "topic_match",
    "topic_mismatch_fact",
    "is_fact",
    "kernel_ridge",
    "legacy",
    "linear",
    "linear_best",
)
NULL_FEATURES = ("bias", "decline_word", "decline_char", "decline_emb", "unknown", "short")
L2 = 1e-4


@dataclass(frozen=True, slots=True)
class Context:
    """What the detectors said about one question, as target codes."""

    careers: tuple[int, ...] = ()
    level: int = -1
    topic: int = -1
    evidence: dict[int, float] = field(default_factory=dict)
    forced: tuple[int, ...] = ()
    """Targets that are candidates whatever their similarity (the detected slots' fact)."""
    unknown: float = 0.0
    """Share of the question's words that no phrasing uses."""
    n_words: int = 1
    legacy: dict[int, float] = field(default_factory=dict)
    """The hand-tuned ranking's scores (bot/engine/legacy.py), one signal among the others."""


@dataclass(frozen=True, slots=True)
class TargetMeta:
    """Per-target codes the slot features compare with (arrays over targets)."""

    career: IntArray
    level: IntArray
    topic: IntArray
    is_fact: npt.NDArray[np.bool_]
    default_career: int


@dataclass(slots=True)
class Scored:
    targets: IntArray
    probs: FloatArray
    null_prob: float


@dataclass(slots=True)
class Sample:
    feats: FloatArray
    null: FloatArray
    targets: IntArray
    label: int
    """Position of the right target in ``targets``; -1: the right answer is "none"; -2: the
    right target was not among the candidates."""


class Ranker:
    """Signals over the documents, fused by fitted weights. Picklable (cached on disk)."""

    def __init__(
        self,
        docs: Sequence[QueryText],
        doc_target: IntArray,
        n_targets: int,
        declined: Sequence[QueryText],
        meta: TargetMeta,
        embedder: Embedder,
    ) -> None:
        order = np.argsort(doc_target, kind="stable")
        if not np.array_equal(order, np.arange(len(order))):
            raise ValueError("documents must be grouped by target")
        self.n_docs = len(docs)
        self.n_targets = n_targets
        self.doc_target = np.asarray(doc_target, dtype=np.int64)
        self.counts = np.bincount(self.doc_target, minlength=n_targets).astype(np.float32)
        if n_targets and (self.counts == 0).any():
            raise ValueError("every target needs at least one document")
        self.starts = np.searchsorted(self.doc_target, np.arange(n_targets)).astype(np.int64)
        self.n_declined = len(declined)
        self.index = SignalIndex([*docs, *declined], embedder)
        self.meta = meta
        self.w = np.zeros(len(FEATURES), dtype=np.float64)
        self.v = np.zeros(len(NULL_FEATURES), dtype=np.float64)
        # A sensible start (also what an unfitted ranker uses).
        self.w[:6] = (2.0, 3.0, 4.0, 1.0, 1.0, 1.0)
        self.w[6:] = (2.0, 1.0, -2.0, -1.0, 0.5, -1.0, -0.2, 0.3, -0.5, 0.0, 2.0, 2.0, 2.0, 0.5)
        self._fit_kernel_ridge()
        self._fit_linear()
        self.v[:4] = (2.5, 1.0, 1.0, 1.0)

    # ------------------------------------------------------------------ linear classifier
    def _fit_linear(self) -> None:
        """The per-target linear classifier (bot/engine/linear.py) while it stays small."""
        self.linear: LinearSignal | None = None
        idx, n = self.index, self.n_docs
        n_features = idx.word_t.shape[0] + idx.char_t.shape[0] + idx.dim
        if n == 0 or not idx.dense or not LinearSignal.feasible(self.n_targets, n_features):
            return
        x = design(idx.word_t[:, :n].T.tocsr(), idx.char_t[:, :n].T.tocsr(), idx.emb[:n])
        self.linear = LinearSignal(x, self.doc_target, self.n_targets)

    def _linear_scores(self, qw: AnyArray, qc: AnyArray, qe: FloatArray) -> FloatArray | None:
        if self.linear is None:
            return None
        return self.linear.scores(design(qw, qc, qe))

    # ------------------------------------------------------------------ kernel ridge
    def _fit_kernel_ridge(self) -> None:
        """A = (K + lambda I)^-1 Y over the phrasings, K = the mean of the three cosine
        kernels; a question's score for each target is k(q, docs) @ A."""
        self.krr: FloatArray | None = None
        self.krr_h = np.zeros(0, dtype=np.float32)
        n = self.n_docs
        if n == 0 or n > KRR_DOCS or n * self.n_targets > KRR_CELLS:
            return
        idx = self.index
        xw = idx.word_t[:, :n].T.tocsr()
        xc = idx.char_t[:, :n].T.tocsr()
        k = np.asarray((xw @ xw.T).toarray(), dtype=np.float64)
        k += np.asarray((xc @ xc.T).toarray(), dtype=np.float64)
        parts = 2.0
        if idx.dense and len(idx.emb):
            e = np.asarray(idx.emb[:n], dtype=np.float64)
            k += e @ e.T
            parts = 3.0
        k /= parts
        k[np.diag_indices(n)] += KRR_LAMBDA
        inv = np.linalg.inv(k)
        y = np.zeros((n, self.n_targets), dtype=np.float64)
        y[np.arange(n), self.doc_target] = 1.0
        self.krr = np.asarray(inv @ y, dtype=np.float32)
        self.krr_h = np.asarray(1.0 - KRR_LAMBDA * np.diag(inv), dtype=np.float32)
        self.krr_parts = parts

    def _krr_scores(
        self, sw: FloatArray, sc: FloatArray, se: FloatArray | None, exclude: int | None
    ) -> FloatArray | None:
        if self.krr is None:
            return None
        n = self.n_docs
        kq = sw[:n] + sc[:n]
        if se is not None and self.krr_parts == 3.0:
            kq = kq + se[:n]
        f = np.asarray((kq / self.krr_parts) @ self.krr, dtype=np.float32)
        if exclude is not None and exclude < n:
            h = float(self.krr_h[exclude])
            f[self.doc_target[exclude]] -= h
            f = f / max(1.0 - h, 1e-3)
        return f

    # ------------------------------------------------------------------ features
    def _target_stats(
        self, s: FloatArray, exclude: int | None
    ) -> tuple[AnyArray, AnyArray, AnyArray]:
        """(max, mean, counts) per target of one similarity row over the real documents."""
        real = s[: self.n_docs]
        counts = self.counts
        sums = np.add.reduceat(real, self.starts) if self.n_targets else real[:0]
        if exclude is not None and exclude < self.n_docs:
            t = int(self.doc_target[exclude])
            real = real.copy()
            sums = sums.copy()
            sums[t] -= real[exclude]
            real[exclude] = -1.0
            counts = counts.copy()
            counts[t] -= 1
        maxes = np.maximum.reduceat(real, self.starts) if self.n_targets else real[:0]
        means = sums / np.maximum(counts, 1.0)
        return maxes, means, counts

    def _declined_max(self, s: FloatArray | None, exclude: int | None) -> float:
        if s is None or self.n_declined == 0:
            return 0.0
        part = s[self.n_docs :]
        if exclude is not None and exclude >= self.n_docs:
            part = np.delete(part, exclude - self.n_docs)
        return float(part.max()) if len(part) else 0.0

    def features(
        self,
        sw: FloatArray,
        sc: FloatArray,
        se: FloatArray | None,
        qe: FloatArray,
        ctx: Context,
        exclude: int | None = None,
        lin: FloatArray | None = None,
    ) -> tuple[IntArray, AnyArray, AnyArray]:
        """(candidate targets, their features, the "none" alternative's features).
        ``lin``: the linear classifier's scores of the question (none: not used)."""
        lr = self.linear
        if lr is not None and exclude is not None and exclude < self.n_docs and len(lr.oof):
            lin = lr.oof[exclude]  # scored by a classifier that never saw it
        max_w, mean_w, counts = self._target_stats(sw, exclude)
        max_c, mean_c, _ = self._target_stats(sc, exclude)
        retrieval = max_w + max_c
        if se is not None:
            max_e, mean_e, _ = self._target_stats(se, exclude)
            retrieval = retrieval + max_e
        krr = self._krr_scores(sw, sc, se, exclude)
        if krr is not None:
            retrieval = retrieval + 2.0 * krr
        if lin is not None:
            retrieval = retrieval + 2.0 * lin
        retrieval = np.where(counts > 0, retrieval, -np.inf)
        k = min(CANDIDATES, self.n_targets)
        if k == 0:
            return (
                np.empty(0, dtype=np.int64),
                np.empty((0, len(FEATURES))),
                self._null(sw, sc, se, qe, ctx, exclude),
            )
        top = np.argpartition(-retrieval, k - 1)[:k] if self.n_targets > k else np.arange(k)
        extra = [t for t in ctx.forced if 0 <= t < self.n_targets]
        extra += sorted(ctx.evidence, key=lambda t: -ctx.evidence[t])[:4]
        extra += sorted(ctx.legacy, key=lambda t: -ctx.legacy[t])[:4]
        cand = np.unique(np.concatenate([top, np.asarray(extra, dtype=np.int64)]))
        cand = cand[counts[cand] > 0]
        if se is None:
            max_e, mean_e = self._emb_stats(cand, qe, exclude)
        else:
            max_e, mean_e = max_e[cand], mean_e[cand]
        m = self.meta
        f = np.zeros((len(cand), len(FEATURES)), dtype=np.float64)
        f[:, 0] = max_w[cand]
        f[:, 1] = max_c[cand]
        f[:, 2] = max_e
        f[:, 3] = mean_w[cand]
        f[:, 4] = mean_c[cand]
        f[:, 5] = mean_e
        f[:, 6] = [ctx.evidence.get(int(t), 0.0) for t in cand]
        career = m.career[cand]
        if ctx.careers:
            named = np.isin(career, np.asarray(ctx.careers))
            f[:, 7] = named
            f[:, 8] = ~named
        else:
            f[:, 9] = career != m.default_career
        level = m.level[cand]
        if ctx.level >= 0:
            f[:, 10] = level == ctx.level
            f[:, 11] = (level >= 0) & (level != ctx.level)
        else:
            f[:, 12] = level >= 0
        if ctx.topic >= 0:
            topic = m.topic[cand]
            f[:, 13] = topic == ctx.topic
            f[:, 14] = (topic != ctx.topic) & m.is_fact[cand]
        f[:, 15] = m.is_fact[cand]
        if krr is not None:
            f[:, 16] = krr[cand]
        f[:, 17] = [ctx.legacy.get(int(t), 0.0) for t in cand]
        if lin is not None:
            f[:, 18] = lin[cand]
            f[:, 19] = lin[cand] >= float(lin.max())
        return cand, f, self._null(sw, sc, se, qe, ctx, exclude)

    def _emb_stats(
        self, cand: IntArray, qe: FloatArray, exclude: int | None
    ) -> tuple[FloatArray, FloatArray]:
        """Embedding max/mean for candidates only (knowledge too large to compare all)."""
        maxes = np.zeros(len(cand), dtype=np.float32)
        means = np.zeros(len(cand), dtype=np.float32)
        for i, t in enumerate(cand.tolist()):
            lo = int(self.starts[t])
            hi = int(self.starts[t + 1]) if t + 1 < self.n_targets else self.n_docs
            docs = np.arange(lo, hi, dtype=np.int64)
            if exclude is not None:
                docs = docs[docs != exclude]
            if len(docs):
                s = self.index.emb_for(docs, qe)
                maxes[i] = s.max()
                means[i] = s.mean()
        return maxes, means

    def _null(
        self,
        sw: FloatArray,
        sc: FloatArray,
        se: FloatArray | None,
        qe: FloatArray,
        ctx: Context,
        exclude: int | None,
    ) -> FloatArray:
        if se is None and self.n_declined:
            se = np.zeros(self.n_docs + self.n_declined, dtype=np.float32)
            decl = np.arange(self.n_docs, self.n_docs + self.n_declined, dtype=np.int64)
            se[self.n_docs :] = self.index.emb_for(decl, qe)
        return np.asarray(
            [
                1.0,
                self._declined_max(sw, exclude),
                self._declined_max(sc, exclude),
                self._declined_max(se, exclude),
                ctx.unknown,
                1.0 / max(ctx.n_words, 1),
            ],
            dtype=np.float64,
        )

    # ------------------------------------------------------------------ scoring
    def score(self, queries: Sequence[QueryText], ctx: Context, embedder: Embedder) -> Scored:
        """One message (``queries``: the whole message, then optionally its question part,
        which weighs more) -> candidates and their probabilities, best first."""
        qw, qc, qe = self.index.vectors(queries, embedder)
        sw, sc, se = self.index.sims_of(qw, qc, qe)
        lin = self._linear_scores(qw, qc, qe)
        if len(queries) > 1:
            mix = np.asarray([0.35, 0.65], dtype=np.float32)[:, None]
            sw_r, sc_r = (mix * sw[:2]).sum(0), (mix * sc[:2]).sum(0)
            se_r = None if se is None else (mix * se[:2]).sum(0)
            lin_r = None if lin is None else (mix * lin[:2]).sum(0)
            qe_r = qe[0] * 0.35 + qe[1] * 0.65
            qe_r = qe_r / max(float(np.linalg.norm(qe_r)), 1e-9)
        else:
            sw_r, sc_r, se_r, qe_r = sw[0], sc[0], None if se is None else se[0], qe[0]
            lin_r = None if lin is None else lin[0]
        cand, f, g = self.features(sw_r, sc_r, se_r, qe_r, ctx, lin=lin_r)
        return self._probs(cand, f, g)

    def _probs(self, cand: IntArray, f: FloatArray, g: FloatArray) -> Scored:
        u = f @ self.w
        un = float(g @ self.v)
        top = max(float(u.max()) if len(u) else un, un)
        e = np.exp(u - top)
        en = float(np.exp(un - top))
        z = float(e.sum()) + en
        probs = (e / z).astype(np.float32)
        order = np.argsort(-probs, kind="stable")
        return Scored(cand[order], probs[order], en / z)

    # ------------------------------------------------------------------ fitting
    def samples(
        self,
        texts: Sequence[QueryText],
        contexts: Sequence[Context],
        exclude: Sequence[int],
        labels: Sequence[int],
        embedder: Embedder,
    ) -> list[Sample]:
        """Features of training questions, each with its own document left out.
        ``labels``: the right target, or -1 for a declined example."""
        out: list[Sample] = []
        chunk = max(1, min(256, 4_000_000 // max(self.n_docs + self.n_declined, 1)))
        for lo in range(0, len(texts), chunk):
            qw, qc, qe = self.index.vectors(texts[lo : lo + chunk], embedder)
            sw, sc, se = self.index.sims_of(qw, qc, qe)
            lin = self._linear_scores(qw, qc, qe)
            for j in range(sw.shape[0]):
                i = lo + j
                cand, f, g = self.features(
                    sw[j],
                    sc[j],
                    None if se is None else se[j],
                    qe[j],
                    contexts[i],
                    exclude[i],
                    None if lin is None else lin[j],
                )
                if labels[i] < 0:
                    label = -1
                else:
                    pos = np.flatnonzero(cand == labels[i])
                    label = int(pos[0]) if len(pos) else -2
                out.append(Sample(f, g, cand, label))
        return out

    def fit(self, samples: Sequence[Sample]) -> None:
        """Conditional logit over each sample's candidates plus "none"."""
        from scipy.optimize import minimize

        usable = [s for s in samples if s.label != -2 and len(s.targets)]
        if len(usable) < 5:
            return
        m = max(len(s.targets) for s in usable)
        n = len(usable)
        nf, ng = len(FEATURES), len(NULL_FEATURES)
        feats = np.zeros((n, m, nf))
        mask = np.zeros((n, m), dtype=bool)
        null = np.zeros((n, ng))
        y = np.zeros(n, dtype=np.int64)
        for i, s in enumerate(usable):
            feats[i, : len(s.targets)] = s.feats
            mask[i, : len(s.targets)] = True
            null[i] = s.null
            y[i] = s.label if s.label >= 0 else m
        rows = np.arange(n)
        # Declined examples are few next to phrasings: weigh both sides alike.
        n_decl = int((y == m).sum())
        weight = np.ones(n)
        if 0 < n_decl < n:
            weight[y == m] = 0.5 * n / n_decl
            weight[y != m] = 0.5 * n / (n - n_decl)
        weight /= weight.sum()

        def loss(params: npt.NDArray[np.float64]) -> tuple[float, npt.NDArray[np.float64]]:
            w, v = params[:nf], params[nf:]
            u = np.where(mask, feats @ w, -np.inf)
            un = null @ v
            allu = np.concatenate([u, un[:, None]], axis=1)
            top = allu.max(axis=1, keepdims=True)
            e = np.exp(allu - top)
            z = e.sum(axis=1, keepdims=True)
            p = e / z
            logp = allu[rows, y] - top[:, 0] - np.log(z[:, 0])
            value = -float((weight * logp).sum()) + L2 * float(params @ params)
            d = p.copy()
            d[rows, y] -= 1.0
            d *= weight[:, None]
            gw = np.einsum("nm,nmf->f", d[:, :m], feats)
            gv = d[:, m] @ null
            grad = np.concatenate([gw, gv]) + 2 * L2 * params
            return value, grad

        x0 = np.concatenate([self.w, self.v])
        res = minimize(loss, x0, jac=True, method="L-BFGS-B", options={"maxiter": 300})
        self.w = np.asarray(res.x[:nf], dtype=np.float64)
        self.v = np.asarray(res.x[nf:], dtype=np.float64)

    def predict(self, sample: Sample) -> Scored:
        return self._probs(sample.targets, sample.feats, sample.null)
