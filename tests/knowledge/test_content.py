"""Structural truths about the shipped knowledge that moderators and the engine rely on.

Every assertion is computed from the files in ``knowledge/``: nothing here repeats a figure.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.consistency import amounts, mismatches
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import Fact, Metric
from tests.paths import KNOWLEDGE, ROOT, SEEDS

DEFAULT_CAREER = "customer-service-representative"

GroupKey = tuple[str, str, Metric, str | None, int | None, str | None, str | None, str | None]


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge(KNOWLEDGE)


def _facts(kb: KnowledgeBase) -> Iterator[tuple[str, Fact]]:
    for slug, career in kb.careers.items():
        for fact in career.facts:
            yield slug, fact


def _group(slug: str, fact: Fact) -> GroupKey:
    """Facts in one group are versions of the same figure (e.g. median pay by source)."""
    return (
        "group",
        slug,
        fact.metric,
        fact.level.value if fact.level else None,
        fact.percentile,
        fact.dimension,
        fact.qualifier,
        fact.region,
    )


def _groups(kb: KnowledgeBase) -> dict[GroupKey, list[Fact]]:
    groups: dict[GroupKey, list[Fact]] = defaultdict(list)
    for slug, fact in _facts(kb):
        groups[_group(slug, fact)].append(fact)
    return groups


def _leading(kb: KnowledgeBase, slug: str, metric: Metric) -> Fact:
    leads = [f for f in kb.careers[slug].facts if f.metric is metric and f.leading]
    unqualified = [f for f in leads if f.level is None and f.qualifier is None]
    assert len(unqualified) == 1, (slug, metric, [f.id for f in leads])
    return unqualified[0]


def test_every_file_starts_with_the_schema_modeline() -> None:
    files = sorted(KNOWLEDGE.rglob("*.yaml"))
    assert files
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        kind = "qa" if path.parent.name == "qa" else path.stem
        schema = Path("schema") / f"{kind}.schema.json"
        depth = len(path.relative_to(KNOWLEDGE).parts) - 1
        expected = "/".join([".."] * depth + list(schema.parts))
        assert first == f"# yaml-language-server: $schema={expected}", path


def test_contract_sources_and_careers_exist(kb: KnowledgeBase) -> None:
    assert set(kb.sources) == {
        "csr-profile",
        "csr-salary-levels",
        "jobicy-guide",
        "unsung-heroes-2023",
        "soc-report",
    }
    default = kb.careers[DEFAULT_CAREER].career
    assert set(default.related) == set(kb.careers) - {DEFAULT_CAREER}
    for slug in default.related:
        assert DEFAULT_CAREER in kb.careers[slug].career.related


def test_source_seed_files_exist() -> None:
    if SEEDS is None:
        pytest.skip("shared/seeds is not next to this checkout")
    kb = load_knowledge(KNOWLEDGE)
    for source in kb.sources.values():
        assert (SEEDS / source.seed).is_file(), source.seed


def test_ids_are_unique_across_files(kb: KnowledgeBase) -> None:
    fact_ids = Counter(f.id for _, f in _facts(kb))
    assert [i for i, n in fact_ids.items() if n > 1] == []
    entry_ids = Counter(e.id for c in kb.careers.values() for e in c.entries)
    assert [i for i, n in entry_ids.items() if n > 1] == []
    assert not set(fact_ids) & set(entry_ids)


def test_every_reference_resolves(kb: KnowledgeBase) -> None:
    fact_ids = {f.id for _, f in _facts(kb)}
    cited: list[str] = []
    for career in kb.careers.values():
        cited += career.career.sources
        cited += [s for f in career.facts for s in f.sources]
        cited += [s for lv in career.levels for s in lv.sources]
        cited += [s for lv in career.levels if lv.salary for s in lv.salary.sources]
        cited += [s for ld in career.ladders for s in ld.sources]
        for items in (career.lists.skills, career.lists.tools, career.lists.certifications):
            cited += [s for item in items for s in item.sources]
        for entry in career.entries:
            cited += entry.sources
            assert set(entry.facts) <= fact_ids, entry.id
            assert set(entry.related) <= set(kb.entries), entry.id
            assert entry.id not in entry.related, entry.id
    assert set(cited) <= set(kb.sources)


def test_every_source_is_cited_by_a_fact_and_an_entry(kb: KnowledgeBase) -> None:
    by_facts = {s for _, f in _facts(kb) for s in f.sources}
    by_entries = {s for e in kb.entries.values() for s in e.sources}
    assert set(kb.sources) <= by_facts
    assert set(kb.sources) <= by_entries


def test_each_group_of_versions_has_exactly_one_leading_fact(kb: KnowledgeBase) -> None:
    groups = _groups(kb)
    assert any(len(facts) > 1 for facts in groups.values())
    for key, facts in groups.items():
        leading = [f.id for f in facts if f.leading]
        if len(facts) > 1:
            assert len(leading) == 1, (key, [f.id for f in facts])
        else:
            assert len(leading) <= 1, key


def test_leading_csr_pay_and_growth_come_from_the_2024_profile(kb: KnowledgeBase) -> None:
    profile = kb.sources["csr-profile"]
    for metric in (Metric.MEDIAN_PAY_ANNUAL, Metric.MEDIAN_PAY_HOURLY, Metric.GROWTH):
        lead = _leading(kb, DEFAULT_CAREER, metric)
        assert "csr-profile" in lead.sources
        if metric is not Metric.GROWTH:
            assert lead.period == profile.period
    others = [
        f
        for f in kb.careers[DEFAULT_CAREER].facts
        if f.metric is Metric.MEDIAN_PAY_ANNUAL and not f.leading
    ]
    assert {s for f in others for s in f.sources} >= {"jobicy-guide", "unsung-heroes-2023"}


def test_leading_education_is_shared_by_most_sources(kb: KnowledgeBase) -> None:
    facts = [f for f in kb.careers[DEFAULT_CAREER].facts if f.metric is Metric.EDUCATION]
    lead = _leading(kb, DEFAULT_CAREER, Metric.EDUCATION)
    assert lead.text is not None and "high school" in lead.text.lower()
    assert all(len(lead.sources) > len(f.sources) for f in facts if f is not lead)


def test_each_related_career_has_pay_and_education_from_the_profile(kb: KnowledgeBase) -> None:
    related = kb.careers[DEFAULT_CAREER].career.related
    assert len(related) == 7
    for slug in related:
        for metric in (Metric.MEDIAN_PAY_ANNUAL, Metric.EDUCATION):
            fact = _leading(kb, slug, metric)
            assert fact.sources == ["csr-profile"], (slug, metric)
        pay = _leading(kb, slug, Metric.MEDIAN_PAY_ANNUAL)
        assert pay.value is not None and pay.value > 0


def test_level_salaries_rise_with_level(kb: KnowledgeBase) -> None:
    levels = {lv.level.value: lv for lv in kb.careers[DEFAULT_CAREER].levels}
    assert {"entry", "mid", "senior"} <= set(levels)
    ranges = [levels[n].salary for n in ("entry", "mid", "senior")]
    assert all(r is not None for r in ranges)
    lows = [r.low for r in ranges if r is not None]
    assert lows == sorted(lows) and len(set(lows)) == 3
    top = ranges[-1]
    assert top is not None and top.open_ended
    manager = levels.get("manager")
    if manager is not None:
        assert manager.salary is None or manager.salary.sources


def test_level_pay_facts_match_the_level_salary_ranges(kb: KnowledgeBase) -> None:
    career = kb.careers[DEFAULT_CAREER]
    for lv in career.levels:
        if lv.salary is None:
            continue
        leads = [
            f
            for f in career.facts
            if f.metric is Metric.PAY_BY_LEVEL and f.level is lv.level and f.leading
        ]
        assert len(leads) == 1, lv.level
        assert (leads[0].low, leads[0].high) == (lv.salary.low, lv.salary.high)
        assert leads[0].open_ended == lv.salary.open_ended


def test_certifications_name_an_issuer_where_a_source_does(kb: KnowledgeBase) -> None:
    certs = kb.careers[DEFAULT_CAREER].lists.certifications
    assert certs
    with_issuer = [c for c in certs if c.issuer]
    assert len(with_issuer) >= len(certs) // 2
    for cert in certs:
        match = re.search(r"\(([A-Z]{2,})\)", cert.name)
        if match and cert.issuer:
            assert match.group(1) not in cert.issuer, cert.name


def test_entries_use_the_id_scheme_and_distinct_phrasings(kb: KnowledgeBase) -> None:
    seen: dict[str, str] = {}
    questions: set[str] = set()
    for entry in kb.careers[DEFAULT_CAREER].entries:
        topic = entry.topic.replace("_", "-")
        assert entry.id.startswith(f"csr-{topic}-"), entry.id
        assert len(entry.phrasings) >= 2, entry.id
        key = entry.question.casefold()
        assert key not in questions, entry.question
        questions.add(key)
        for phrasing in [entry.question, *entry.phrasings]:
            norm = " ".join(phrasing.casefold().split())
            assert seen.setdefault(norm, entry.id) == entry.id, (phrasing, seen[norm], entry.id)


def test_entry_figures_are_backed_by_a_fact_or_level(kb: KnowledgeBase) -> None:
    """Every dollar amount an answer names is a figure of its career or a related one. The
    product runs this check (bot/knowledge/consistency.py) in every load, so ``check`` and
    ``/kb reload`` refuse a figure changed without its answers; this calls the same code."""
    assert [f"{m.entry_id}: {m.message()}" for m in mismatches(kb)] == []
    assert sum(1 for _ in amounts(" ".join(e.answer for e in kb.entries.values()))) > 50


def test_leveled_entries_exist_for_each_level(kb: KnowledgeBase) -> None:
    levels = {lv.level for lv in kb.careers[DEFAULT_CAREER].levels}
    by_level = {e.level for e in kb.careers[DEFAULT_CAREER].entries if e.level}
    assert levels <= by_level


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]", "", text.casefold()).split())


def test_phrasings_do_not_copy_the_evaluation_set(kb: KnowledgeBase) -> None:
    """The eval set measures generalisation, so no entry may repeat one of its questions."""
    questions = ROOT / "tests" / "eval" / "questions.yaml"
    if not questions.is_file():
        pytest.skip("tests/eval/questions.yaml is not in this checkout")
    import yaml

    data = yaml.safe_load(questions.read_text(encoding="utf-8"))
    asked = {_words(item["q"]) for part in data.values() for item in part}
    copied = [
        (entry.id, text)
        for entry in kb.entries.values()
        for text in (entry.question, *entry.phrasings)
        if _words(text) in asked
    ]
    assert copied == []
