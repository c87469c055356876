"""Quick facts on a small tree with disagreeing sources, and on the shipped knowledge."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import facts as F
from bot.engine.answer import Answer, Outcome
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import Level, Metric, Topic
from bot.render import more_embeds, to_embed
from tests.knowledge.conftest import make_tree
from tests.render.test_embed import assert_nothing_lost, assert_short, assert_within_limits

SHIPPED = Path(__file__).resolve().parents[2] / "knowledge"


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    return load_knowledge(make_tree(tmp_path))


def field(answer: Answer, name: str) -> list[str]:
    found = [f for f in answer.fields if f.name == name]
    assert len(found) == 1, [f.name for f in answer.fields]
    return found[0].value.splitlines()


def within_discord_limits(answer: Answer) -> None:
    """What Discord shows of an answer: a short default reply, More pages that fit, all of it."""
    assert_short(to_embed(answer))
    for page in more_embeds(answer):
        assert_within_limits(page)
    assert_nothing_lost(answer)
    assert all(len(s.question) <= 100 for s in answer.related)


def test_salary_lists_every_version_leading_first_with_sources(kb: KnowledgeBase) -> None:
    answer = F.salary(kb, "alpha-rep")
    assert answer.outcome is Outcome.ANSWER and answer.confidence == 1.0
    assert answer.entry_id == "fact.salary.alpha-rep"
    lines = field(answer, "Median pay (yearly)")
    assert lines == [
        "$42,830/year — 2024 · New Profile (leading)",
        "$36,920/year — May 2021 · Old Article",
    ]
    assert "$42,830/year" in answer.body
    assert {s.id for s in answer.sources} == {"src-new", "src-old"}
    titles = {s.id: s.label for s in answer.sources}
    assert titles["src-old"] == "Old Article · May 2021"
    by_level = "\n".join(field(answer, "Pay by level"))
    assert "$28,000–$42,000/year" in by_level and "$60,000–$95,000+/year" in by_level
    within_discord_limits(answer)


def test_salary_for_a_level_focuses_it(kb: KnowledgeBase) -> None:
    answer = F.salary(kb, "alpha-rep", Level.SENIOR)
    assert answer.entry_id == "fact.salary.alpha-rep.senior"
    assert answer.level == "senior"
    assert field(answer, "Senior level pay") == ["$60,000–$95,000+/year — New Profile"]
    assert "$60,000–$95,000+/year" in answer.body
    missing = F.salary(kb, "alpha-rep", Level.MID)
    assert "no pay figure" in missing.body
    assert F.answer_for_topic(kb, "alpha-rep", Topic.SALARY, Level.MID) is None
    assert F.answer_for_topic(kb, "alpha-rep", Topic.SALARY, Level.ENTRY) is not None


def test_chart_data(kb: KnowledgeBase) -> None:
    bars = F.salary_chart_data(kb, "alpha-rep")
    assert bars == [
        F.ChartBar("Entry level", 28000, 42000, False, "src-new", "New Profile", "entry"),
        F.ChartBar("Senior level", 60000, 95000, True, "src-new", "New Profile", "senior"),
    ]
    senior = F.salary_chart_data(kb, "alpha-rep", Level.SENIOR)
    assert [b.highlight for b in senior] == [False, True]


def test_compare_side_by_side(kb: KnowledgeBase) -> None:
    answer = F.compare(kb, "alpha-rep", "beta-clerk")
    assert answer.entry_id == "fact.compare.alpha-rep.beta-clerk"
    names = [f.name for f in answer.fields]
    assert names[:2] == ["Alpha Rep — Median pay (yearly)", "Beta Clerk — Median pay (yearly)"]
    assert answer.fields[1].value.startswith("$37,230/year")
    assert "Alpha Rep earns $5,600 more" in answer.body
    assert all(f.inline for f in answer.fields)


def test_topics_without_data_return_none_and_unknown_career_raises(kb: KnowledgeBase) -> None:
    assert F.answer_for_topic(kb, "alpha-rep", Topic.AUTOMATION, None) is None
    assert F.answer_for_topic(kb, "alpha-rep", Topic.DUTIES, None) is None
    edu = F.answer_for_topic(kb, "alpha-rep", Topic.EDUCATION, None)
    assert edu is not None and edu.body == "Typical education: High school diploma."
    certs = F.answer_for_topic(kb, "alpha-rep", Topic.CERTIFICATIONS, None)
    assert certs is not None and "Example Certificate (Example Body)" in certs.fields[0].value
    path = F.answer_for_topic(kb, "alpha-rep", Topic.ADVANCEMENT, None)
    assert path is not None and any("Associate → Lead" in f.value for f in path.fields)
    with pytest.raises(KeyError):
        F.salary(kb, "nobody")
    with pytest.raises(KeyError):
        F.answer_for_topic(kb, "nobody", Topic.SALARY, None)


def test_fact_ids_round_trip(kb: KnowledgeBase) -> None:
    for topic in Topic:
        for level in (None, *Level):
            answer = F.answer_for_topic(kb, "beta-clerk", topic, level)
            if answer is None:
                continue
            assert answer.entry_id is not None
            again = F.answer_for_fact_id(kb, answer.entry_id)
            assert again == answer
    assert F.answer_for_fact_id(kb, "fact.salary.nobody") is None
    assert F.answer_for_fact_id(kb, "fact.nonsense.alpha-rep") is None
    assert F.answer_for_fact_id(kb, "fact.sources") == F.sources(kb)


def test_fact_id_and_parse_fact_id_are_inverse() -> None:
    for topic in Topic:
        for level in (None, *Level):
            entry_id = F.fact_id(topic, "beta-clerk", level)
            assert F.parse_fact_id(entry_id) == (topic, "beta-clerk", level)
    assert F.parse_fact_id("fact.salary.beta-clerk.wizard") is None
    assert F.parse_fact_id("fact.compare.a.b") is None
    assert F.parse_fact_id("csr-pay") is None


def test_engine_answer_entry_uses_the_facts_answers(kb: KnowledgeBase) -> None:
    from bot.engine import Engine

    engine = Engine(kb)
    for entry_id in ("fact.salary.beta-clerk", "fact.sources"):
        direct = F.answer_for_fact_id(kb, entry_id)
        via_engine = engine.answer_entry(entry_id)
        assert direct is not None and via_engine is not None
        assert (via_engine.title, via_engine.fields) == (direct.title, direct.fields)


def test_huge_career_stays_within_discord_limits(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    folder = root / "careers/alpha-rep"
    lines = ["skills:"]
    for i in range(300):
        lines += [
            f"  - name: Skill number {i} with a deliberately long descriptive name",
            f"    group: Group {i % 40}",
            "    sources: [src-new]",
        ]
    (folder / "lists.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    facts = (folder / "facts.yaml").read_text(encoding="utf-8")
    for i in range(80):
        facts += (
            f"  - id: alpha-rep-region-{i}\n    metric: pay_regional\n"
            f"    label: A long label for region number {i} that goes on and on\n"
            f"    region: Region {i}, Somewhere Far Away With A Long Name\n"
            f"    value: {30000 + i}\n    unit: usd_per_year\n    sources: [src-new, src-old]\n"
        )
    (folder / "facts.yaml").write_text(facts, encoding="utf-8")
    kb = load_knowledge(root)
    for topic in Topic:
        answer = F.answer_for_topic(kb, "alpha-rep", topic, None)
        if answer is not None:
            within_discord_limits(answer)
    # The engine's answer is whole (no second set of limits); render splits it.
    regions = F.answer_for_topic(kb, "alpha-rep", Topic.REGIONS, None)
    assert regions is not None and len(regions.fields[0].value.splitlines()) == 80
    assert not regions.fields[0].value.endswith("…")
    assert len(more_embeds(regions)) >= 2
    many = F.skills(kb, "alpha-rep")
    assert "300 skills" in many.body


# --------------------------------------------------------------------------- shipped


@pytest.fixture(scope="module")
def shipped() -> KnowledgeBase:
    return load_knowledge(SHIPPED)


def test_shipped_answers_fit_discord(shipped: KnowledgeBase) -> None:
    answered = 0
    for slug in shipped.careers:
        for topic in Topic:
            for level in (None, *Level):
                answer = F.answer_for_topic(shipped, slug, topic, level)
                if answer is not None:
                    answered += 1
                    within_discord_limits(answer)
                    assert answer.sources, (slug, topic)
    assert answered > len(shipped.careers)


def test_shipped_salary_shows_all_median_versions(shipped: KnowledgeBase) -> None:
    for slug, ck in shipped.careers.items():
        medians = [f for f in ck.facts if f.metric is Metric.MEDIAN_PAY_ANNUAL]
        if not medians:
            continue
        lines = field(F.salary(shipped, slug), "Median pay (yearly)")
        assert len(lines) == len(medians)
        for fact in medians:
            assert any(line.startswith(F.format_value(fact)) for line in lines)
        leading = [f for f in medians if f.leading]
        if len(medians) > 1:
            assert lines[0].startswith(F.format_value(leading[0]))
            assert lines[0].endswith("(leading)")
            assert sum(line.endswith("(leading)") for line in lines) == 1


def test_certifications_do_not_repeat_listed_ones_and_riasec_names_best_fit(
    tmp_path: Path,
) -> None:
    root = make_tree(tmp_path)
    levels = root / "careers/alpha-rep/levels.yaml"
    levels.write_text(
        levels.read_text(encoding="utf-8").replace(
            "    experience: 0–2 years\n",
            "    experience: 0–2 years\n"
            "    certifications: [Example Certificate (for entry roles), Other Cert]\n"
            "    certifications_note: Optional\n",
        ),
        encoding="utf-8",
    )
    facts = root / "careers/alpha-rep/facts.yaml"
    extra = "".join(
        f"  - id: alpha-rep-riasec-{dim.lower()}\n    metric: riasec\n    dimension: {dim}\n"
        f"    value: {value}\n    unit: score_10\n    sources: [src-new]\n"
        for dim, value in (("Social", 6.2), ("Conventional", 9.2), ("Artistic", 4.0))
    )
    facts.write_text(facts.read_text(encoding="utf-8") + extra, encoding="utf-8")
    kb = load_knowledge(root)
    certs = F.certifications(kb, "alpha-rep")
    assert field(certs, "Entry level (Optional)") == ["Other Cert"]
    assert sum("Example Certificate" in f.value for f in certs.fields) == 1
    fit = F.answer_for_topic(kb, "alpha-rep", Topic.PERSONALITY, None)
    assert fit is not None and fit.body == "Best fit: Conventional 9.2/10."
    assert len(field(fit, "Personality fit (RIASEC)")) == 3


# --------------------------------------------------------------------------- no data, registry


def test_quick_fact_without_data_is_a_decline_naming_who_has_it(shipped: KnowledgeBase) -> None:
    csr = "customer-service-representative"
    empty = 0
    for slug, ck in shipped.careers.items():
        for fn, topic in (
            (F.path, Topic.ADVANCEMENT),
            (F.skills, Topic.SKILLS),
            (F.certifications, Topic.CERTIFICATIONS),
            (F.outlook, Topic.OUTLOOK),
        ):
            answer = fn(shipped, slug)
            has = F.has_data(shipped, slug, topic)
            assert (answer.outcome is Outcome.ANSWER) is has, (slug, topic)
            assert "list no" not in answer.body  # the old empty answers
            if not has:
                empty += 1
                assert answer.confidence == 0.0 and not answer.fields
                assert ck.career.name in answer.body
                others = [shipped.careers[s].career.name for s in F.careers_with(shipped, topic)]
                assert others and all(name in answer.body for name in others)
                assert shipped.careers[csr].career.name in answer.body
    assert empty >= 28


def test_complete_career_offers_only_careers_with_the_topic(shipped: KnowledgeBase) -> None:
    from bot.engine import Engine

    engine = Engine(shipped)
    assert len(engine.complete_career("", 25)) == len(shipped.careers)
    for topic in (Topic.SKILLS, Topic.ADVANCEMENT, Topic.SALARY, Topic.EDUCATION):
        offered = [slug for slug, _ in engine.complete_career("", 25, topic)]
        assert offered == F.careers_with(shipped, topic)
        typed = [slug for slug, _ in engine.complete_career("rec", 25, topic)]
        assert set(typed) <= set(offered)
    skills = F.careers_with(shipped, Topic.SKILLS)
    assert all(s in skills for s, _ in engine.complete_career("teller", 5, Topic.SKILLS))
    assert engine.complete_career("teller", 5, Topic.SALARY)[0][0] == "teller"


def test_engine_decline_promises_only_what_exists(shipped: KnowledgeBase) -> None:
    from bot.engine import Engine

    answer = Engine(shipped).ask("how much do nurses make")
    assert answer.outcome is Outcome.DECLINE
    body = answer.body
    assert body.startswith("I don't have information about nurses.")
    assert "pay and education for: " in body
    teller_part = body[body.index("pay and education for: ") :].split(";")[0]
    assert "Teller" in teller_part and "Receptionist" in teller_part
    assert "Customer Service Representative" not in teller_part
    full = body[body.index("; ") + 2 :]
    assert full.startswith("pay, career path, skills, certifications, education and job outlook")
    assert "Customer Service Representative" in full and "Teller" not in full


def test_compare_the_same_career_says_so(shipped: KnowledgeBase) -> None:
    from bot.engine import Engine

    answer = F.compare(shipped, "teller", "teller")
    assert answer.outcome is Outcome.DECLINE and not answer.fields
    assert "same career" in answer.body
    assert answer.title == "Teller vs Teller"
    other = answer.related[0]
    assert F.answer_for_fact_id(shipped, other.entry_id) is not None
    via_engine = Engine(shipped).answer_entry("fact.compare.teller.teller")
    assert via_engine is not None and via_engine.outcome is Outcome.DECLINE


def test_registry_is_the_one_table(kb: KnowledgeBase) -> None:
    assert frozenset(F.TOPICS) == F.SUPPORTED_TOPICS
    for topic, spec in F.TOPICS.items():
        assert topic in F.wording.TOPIC_WORDS
        assert all(t in F.TOPICS for t in spec.also)
        for slug in kb.careers:
            answer = F.answer_for_topic(kb, slug, topic, None)
            assert (answer is not None) is F.has_data(kb, slug, topic)
            if answer is not None:
                assert answer.entry_id == F.fact_id(topic, slug)
                assert F.ids.parse(answer.entry_id) == F.ids.TopicId(topic, slug)


def test_quick_fact_relates_the_entries_on_its_topic(kb: KnowledgeBase) -> None:
    # Entry.topic is a plain slug (any lowercase slug is valid), compared by value.
    answer = F.answer_for_topic(kb, "alpha-rep", Topic.SALARY, None)
    assert answer is not None
    assert "alpha-rep-pay" in [s.entry_id for s in answer.related]
