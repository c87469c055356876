"""Knowledge self-test: every phrasing must find its own entry first.

A phrasing that ranks another entry first is a collision: moderators fix it by rewording
one of the two entries (or adding a distinguishing phrasing). Reported with ``path:line`` of
both entries so ``python -m bot check`` can print it like any other knowledge problem.
"""

from __future__ import annotations

from bot.engine.engine import Engine, EngineSettings
from bot.knowledge.base import KnowledgeBase, Problem


def _where(kb: KnowledgeBase, entry_id: str) -> tuple[str, int | None, str]:
    loc = kb.locations.get(entry_id)
    if loc is not None:
        return loc.path, loc.line, f"{loc.path}:{loc.line}"
    career = kb.entry_career.get(entry_id)
    path = f"knowledge/careers/{career}/qa" if career else "knowledge"
    return path, None, path


TIE = 0.05
"""A phrasing whose own entry scores within this of the first is not reported."""
MISS_PAIRS = 15
"""Pairs of entries listed by ``cross_validation`` (the most confused first)."""


def _shared_texts(kb: KnowledgeBase, engine: Engine) -> list[Problem]:
    """One text (once normalised) in two entries: it cannot be answered both ways."""
    owners: dict[str, list[tuple[str, str]]] = {}
    for entry_id, entry in kb.entries.items():
        for text in dict.fromkeys((entry.question, *entry.phrasings)):
            key = engine.normalise(text)
            if entry_id not in (e for e, _ in owners.get(key, ())):
                owners.setdefault(key, []).append((entry_id, text))
    problems: list[Problem] = []
    for shared in (o for o in owners.values() if len(o) > 1):
        for entry_id, text in shared:
            path, line, _ = _where(kb, entry_id)
            others = ", ".join(
                f"entry {e} ({_where(kb, e)[2]})" for e, _ in shared if e != entry_id
            )
            problems.append(
                Problem(
                    path,
                    line,
                    None,
                    f"{entry_id}: phrasing {text!r} is also a phrasing of {others}; "
                    "keep it in one of them",
                )
            )
    return problems


def self_test(kb: KnowledgeBase, settings: EngineSettings | None = None) -> list[Problem]:
    """Problems for every text in two entries, and every question/phrasing that does not
    rank its own entry first (a near tie excepted)."""
    engine = Engine(kb, settings)
    problems = _shared_texts(kb, engine)
    for entry_id, entry in kb.entries.items():
        path, line, _ = _where(kb, entry_id)
        # A phrasing equal to the question (or to another phrasing once normalised) is one
        # text: report it once.
        seen: set[str] = set()
        for text in (entry.question, *entry.phrasings):
            key = engine.normalise(text)
            if key in seen:
                continue
            seen.add(key)
            _, ranked = engine.rank(text)
            if not ranked:
                problems.append(
                    Problem(path, line, None, f"{entry_id}: phrasing {text!r} matches nothing")
                )
                continue
            top = engine.targets[ranked[0].target]
            if top.id == entry_id:
                continue
            own = next((r.score for r in ranked if engine.targets[r.target].id == entry_id), 0.0)
            if ranked[0].score - own <= TIE:
                continue  # a near tie is no collision (and must not flip on rounding)
            if top.is_fact:
                other = f"the generated fact answer {top.id} (careers/{top.career}/facts.yaml)"
            else:
                other = f"entry {top.id} ({_where(kb, top.id)[2]})"
            problems.append(
                Problem(
                    path,
                    line,
                    None,
                    f"{entry_id}: phrasing {text!r} finds {other} first "
                    f"({ranked[0].score:.2f} vs {own:.2f}); reword one of them",
                )
            )
    return problems


def cross_validation(kb: KnowledgeBase, settings: EngineSettings | None = None) -> list[str]:
    """What the learned matcher does on the knowledge's own phrasings, each scored by a model
    trained without it (cross-validation; a sample at large sizes): the accuracy, then the
    pairs of entries whose phrasings go to each other most, with an example each.
    Information for moderators (entries that overlap), not an error."""
    import dataclasses
    from collections import Counter

    base = settings or EngineSettings()
    engine = Engine(kb, dataclasses.replace(base, matcher="learned"))
    if engine.model is None:
        return []
    r = engine.model.report
    lines = [
        f"cross-validated: {r.accuracy:.1%} of {r.asked} phrasings find their own entry "
        f"when the model never saw them; {r.declined_right:.1%} of {r.declined_asked} declined "
        f"examples are declined (fitted thresholds: answer from {r.answer_threshold:.2f}, "
        f"or {r.held_threshold:.2f} when the nearest phrasings point elsewhere; below it, "
        f"did-you-mean when the three suggestions reach {r.unsure_threshold:.2f})"
    ]
    pairs = Counter((own, went) for _, own, went in r.misses)
    example = {(own, went): text for text, own, went in reversed(r.misses)}
    for (own, went), n in pairs.most_common(MISS_PAIRS):
        lines.append(f"  {n} x {own} -> {went}, e.g. {example[(own, went)]!r}")
    if len(pairs) > MISS_PAIRS:
        rest = sum(n for _, n in pairs.most_common()[MISS_PAIRS:])
        lines.append(f"  ... and {rest} more phrasings in {len(pairs) - MISS_PAIRS} other pairs")
    return lines
