"""Ranking outcomes on the small fixture knowledge."""

from __future__ import annotations

import pytest

from bot.engine import Engine, EngineSettings
from bot.engine.answer import Outcome
from bot.engine.message import question_part, refers_back
from bot.engine.targets import Ranked
from bot.engine.understand import title_keys
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.model import Level, Topic
from bot.render import to_text


def test_detectors(fixture_engine: Engine) -> None:
    e = fixture_engine
    u, _ = e.rank("how much does a front desk clerk make")
    assert (u.career, u.topic) == ("receptionist", Topic.SALARY)
    assert e.rank("3 years experience csr")[0].level is Level.MID
    assert e.rank("csr pay with no experience")[0].level is Level.ENTRY
    assert e.rank("new grad csr")[0].level is Level.ENTRY
    assert e.rank("team lead pay")[0].level is Level.MANAGER
    assert e.rank("how much do dentists make")[0].out_of_scope == "dentist"
    assert e.rank("how much do zookeepers make")[0].out_of_scope == "zookeepers"
    assert e.rank("how much do csrs make")[0].out_of_scope is None
    assert e.rank("how much do you make as a csr")[0].out_of_scope is None


def test_qa_answer_carries_entry_facts_sources_related(fixture_engine: Engine) -> None:
    a = fixture_engine.ask("csr salary")
    assert a.outcome is Outcome.ANSWER and a.entry_id == "csr-pay"
    assert a.title == fixture_engine.kb.entries["csr-pay"].question
    assert "$42,830" in a.fields[0].value and "leading" in a.fields[0].name
    assert [s.id for s in a.sources] == ["profile"]
    assert [r.entry_id for r in a.related] == ["csr-promotion"]
    assert 0.7 <= a.confidence <= 1.0


def test_level_fact_answer(fixture_engine: Engine) -> None:
    a = fixture_engine.ask("senior csr salary")
    assert a.outcome is Outcome.ANSWER
    assert a.entry_id == "fact.salary.customer-service-representative.senior"
    assert "$50,000–$65,000" in to_text(a)
    assert "$30,000" not in to_text(a)


def test_named_unknown_career_never_gets_default_facts(fixture_engine: Engine) -> None:
    for q in ["how much do pilots make", "software engineer salary", "nurse pay"]:
        a = fixture_engine.ask(q)
        assert a.outcome is Outcome.DECLINE, q
        assert "42,830" not in to_text(a)
        assert "/help" in a.body and "Receptionist" in a.body


def test_unsure_offers_three_questions(fixture_kb: KnowledgeBase) -> None:
    engine = Engine(fixture_kb, EngineSettings(answer_threshold=1.01, unsure_threshold=0.2))
    a = engine.ask("customer service representative advancement pay")
    assert a.outcome is Outcome.UNSURE
    assert 1 <= len(a.suggestions) <= 3
    questions = {t.question for t in engine.targets}
    assert all(s.question in questions for s in a.suggestions)


def test_answer_entry_resolves_qa_and_fact_ids(fixture_engine: Engine) -> None:
    qa = fixture_engine.answer_entry("csr-aht")
    assert qa is not None and qa.entry_id == "csr-aht"
    fact = fixture_engine.answer_entry("fact.salary.receptionist")
    assert fact is not None and "$37,230" in to_text(fact)
    assert fixture_engine.answer_entry("fact.salary.nobody") is None
    assert fixture_engine.answer_entry("no-such-entry") is None


def test_complete_and_careers(fixture_engine: Engine) -> None:
    sugg = fixture_engine.complete("promoted", limit=5)
    assert sugg and sugg[0].entry_id == "csr-promotion"
    assert all(len(s.question) <= 100 for s in fixture_engine.complete(""))
    assert fixture_engine.complete_career("recep")[0][0] == "receptionist"
    assert fixture_engine.resolve_career(None) == "customer-service-representative"
    assert fixture_engine.resolve_career("CSR") == "customer-service-representative"
    assert fixture_engine.resolve_career("recepshionist") == "receptionist"
    assert fixture_engine.resolve_career("astronaut") is None


@pytest.mark.parametrize("q", ["", "   ", "???", "😀😀", "<@123>", "$", "!!! $ !!!", "$$ 2"])
def test_noise_declines(fixture_engine: Engine, q: str) -> None:
    assert fixture_engine.ask(q).outcome is Outcome.DECLINE


@pytest.mark.parametrize("q", ["lol", "hi", "thanks!", "thank you so much", "heyyy", "gm all"])
def test_small_talk_is_neither_answered_nor_declined(fixture_engine: Engine, q: str) -> None:
    """A greeting or thanks gets a friendly reply without sources (and is not a gap)."""
    a = fixture_engine.ask(q)
    assert a.outcome is Outcome.SMALLTALK
    assert not a.sources and a.entry_id is None


def test_off_topic_words_in_a_story_do_not_decline_its_question(fixture_engine: Engine) -> None:
    """Off-topic phrases ("near me", "walmart": knowledge/synonyms.yaml) are looked for in
    the question part of a long message: the story may name a shop, the question decides."""
    story = (
        "i work the registers at walmart and a clinic near me is hiring, so i keep thinking "
        "about a change. how much do customer service reps make?"
    )
    a = fixture_engine.ask(story)
    assert a.outcome is not Outcome.DECLINE, to_text(a)
    assert "csr-pay" in [a.entry_id, *(s.entry_id for s in a.suggestions)]
    asked = (
        "i have been a customer service rep for a while and i like the job. "
        "anyway, can you help me return my walmart order?"
    )
    assert fixture_engine.ask(asked).outcome is Outcome.DECLINE
    assert fixture_engine.ask("can you help me return my walmart order").outcome is Outcome.DECLINE


def test_the_career_a_question_part_names_is_the_one_asked_about(fixture_engine: Engine) -> None:
    """A story names the member's career first, its question the career asked about."""
    story = (
        "i have been a customer service rep for six years and i want a quieter job at a front "
        "desk somewhere. what education does a receptionist need?"
    )
    u, _ = fixture_engine.rank(story)
    assert u.careers == ("receptionist", "customer-service-representative")
    assert u.career == "receptionist"
    u, _ = fixture_engine.rank("customer service rep or receptionist, which one pays more")
    assert u.careers == ("customer-service-representative", "receptionist")


def test_a_task_for_the_bot_is_declined_whatever_career_words_it_names(
    fixture_engine: Engine,
) -> None:
    """ "Can you write my cover letter for a customer service job" asks the bot to do a task;
    "how do i write my resume" asks about one (knowledge/synonyms.yaml ``off_topic``)."""
    for task in [
        "can you write my cover letter for a customer service job",
        "can u write me a call script for refund requests",
        "what does CSR mean in a corporate social responsibility report",
    ]:
        assert fixture_engine.ask(task).outcome is Outcome.DECLINE, task
    for asked in ["how do i write my resume for a customer service job", "what is AHT"]:
        assert fixture_engine.rank(asked)[0].out_of_scope is None, asked


def test_an_occupation_in_a_story_says_who_asks_unless_the_question_points_back(
    fixture_engine: Engine,
) -> None:
    """Another occupation in the story of a long message is the member's background; the
    question part decides, unless it points back at the story ("how much does that pay?")."""
    story = (
        "i have been a teacher for ten years and my new team lead keeps talking about "
        "handle time in our meetings. what is AHT?"
    )
    u, _ = fixture_engine.rank(story)
    assert u.out_of_scope is None
    a = fixture_engine.ask(story)
    assert "csr-aht" in [a.entry_id, *(s.entry_id for s in a.suggestions)], to_text(a)
    back = "my sister has been a dentist for ten years and she loves it. how much does that pay?"
    assert fixture_engine.rank(back)[0].out_of_scope == "dentist"
    assert fixture_engine.ask(back).outcome is Outcome.DECLINE
    assert fixture_engine.rank("how much do teachers make")[0].out_of_scope == "teacher"


def test_self_test_finds_collisions(fixture_kb: KnowledgeBase) -> None:
    from dataclasses import replace

    from bot.engine.selftest import self_test

    assert self_test(fixture_kb) == []
    pay = fixture_kb.entries["csr-pay"]
    clash = pay.model_copy(update={"id": "csr-pay-copy", "phrasings": list(pay.phrasings)})
    kb = replace(
        fixture_kb,
        entries={**fixture_kb.entries, "csr-pay-copy": clash},
        entry_career={**fixture_kb.entry_career, "csr-pay-copy": pay_career(fixture_kb)},
    )
    problems = self_test(kb)
    assert problems
    assert any("csr-pay" in p.message and "csr-pay-copy" in p.message for p in problems)


def pay_career(kb: KnowledgeBase) -> str:
    return kb.entry_career["csr-pay"]


def test_two_careers_named_compares_their_pay(fixture_engine: Engine) -> None:
    a = fixture_engine.ask("csr vs receptionist pay")
    assert a.outcome is Outcome.ANSWER
    text = to_text(a)
    assert "$42,830" in text and "$37,230" in text
    assert a.entry_id is not None
    again = fixture_engine.answer_entry(a.entry_id)
    assert again is not None and to_text(again) == text


def test_named_career_without_that_topic_never_answers_with_default_career(
    fixture_engine: Engine,
) -> None:
    # The fixture has no receptionist promotion entry nor facts: CSR's must not answer it.
    a = fixture_engine.ask("how do receptionists get promoted")
    assert a.outcome is not Outcome.ANSWER or a.career == "receptionist"
    assert "team lead" not in to_text(a).split("Did you mean")[0]


def test_an_entry_shows_every_fact_it_cites_also_of_related_careers(
    shipped_engine: Engine,
) -> None:
    # The loader lets an entry cite a related career's facts (the CSR's "related careers"
    # entries show each related occupation's pay): every cited fact becomes a field, with
    # its sources cited.
    kb = shipped_engine.kb
    cross = [
        e
        for e in kb.entries.values()
        if set(e.facts) - {f.id for f in kb.careers[kb.entry_career[e.id]].facts}
    ]
    assert cross, "the shipped knowledge has entries citing related careers' facts"
    for entry in cross:
        answer = shipped_engine.answer_entry(entry.id)
        assert answer is not None
        assert len(answer.fields) == len(entry.facts), entry.id
        cited = {r.id for r in answer.sources}
        for fact_id in entry.facts:
            assert set(kb.facts[fact_id].sources) <= cited, fact_id


def test_a_pay_answer_follows_the_level_said_in_years(shipped_engine: Engine) -> None:
    """Years of experience say whose pay is asked: "7 yrs in, what do experienced people
    earn" is the senior figure, though "experienced" alone reads mid level. Only pay follows
    them: "3 years in, how do i become senior" still asks about the senior step."""
    e = shipped_engine
    mid = e._target_index["csr-salary-mid"]
    senior = e._target_index["csr-salary-senior"]
    u = e.rank("been a rep for 7 years, what do experienced people earn")[0]
    assert u.level is Level.SENIOR and u.level_from_years
    assert e._at_level(mid, u) == senior
    assert e._at_level(mid, e.rank("what do senior reps earn")[0]) == mid  # a word, not years
    promotion = e._target_index["csr-advancement-mid"]
    assert e._at_level(promotion, u) == promotion  # not a pay answer
    lead = e._target_index["csr-salary-supervisor"]
    assert e._at_level(lead, u) == lead  # a role they may be stepping up to
    a = e.ask("been a rep for like 7 yrs, what do experienced ppl earn")
    assert a.entry_id == "csr-salary-senior", (a.outcome, a.entry_id)


@pytest.mark.parametrize(
    ("story", "entry"),
    [
        (
            "thinking about applying for the team lead opening at my job. whats that usually pay?",
            "csr-salary-supervisor",
        ),
        (
            "i keep seeing customer success manager jobs posted. how do i become one of those?",
            "csr-advancement-customer-success",
        ),
    ],
)
def test_a_short_question_part_that_points_back_leaves_the_story_to_say_what_it_asks(
    shipped_engine: Engine, story: str, entry: str
) -> None:
    """ "whats that usually pay?" alone is the median pay, "how do i become one of those?"
    becoming a CSR: they ask about what the story said (the team lead's pay, customer
    success), so the story decides. A question part that points back but says enough
    ("do i need a degree for that or is my diploma enough?") still weighs."""
    part = question_part(story)
    assert part is not None and refers_back(shipped_engine.norm.words(part))
    assert not refers_back(["how", "much", "does", "a", "csr", "make"])
    a = shipped_engine.ask(story)
    assert a.entry_id == entry, (a.outcome, a.entry_id)


def test_a_question_part_pointing_back_at_a_named_career_asks_about_that_career(
    shipped_engine: Engine,
) -> None:
    """ "what does that pay?" after a story about a teller's job at a credit union asks the
    teller's pay; the story alone read as CSR work in finance."""
    story = (
        "my sister has been a teller at a credit union for years and likes it. what does that pay?"
    )
    a = shipped_engine.ask(story)
    assert (a.outcome, a.entry_id) == (Outcome.ANSWER, "fact.salary.teller"), to_text(a)


def test_an_hourly_question_about_a_career_without_hourly_figures_gets_its_pay(
    shipped_engine: Engine,
) -> None:
    """The sources give a receptionist's pay per year only: "how much does a receptionist
    make an hour" gets that figure, shown per year (none is worked out per hour), not the
    CSR's hourly pay capped into a did-you-mean."""
    a = shipped_engine.ask("how much does a receptionist make an hour")
    assert (a.outcome, a.entry_id) == (Outcome.ANSWER, "fact.salary.receptionist")
    text = to_text(a)
    assert "/year" in text and "/hour" not in text


def test_did_you_mean_for_another_career_offers_its_overview_first(
    fixture_engine: Engine,
) -> None:
    """ "what does a receptionist do", unsure: the knowledge has no receptionist duties, and
    three CSR questions alone would answer about someone else; the receptionist's overview
    (what the knowledge has on them) comes first."""
    e = fixture_engine
    u = e.detector.understand(e.norm.words("what does a receptionist do"), None)
    assert u.careers == ("receptionist",)
    csr_only = [Ranked(e._target_index[i], 0.1) for i in ("csr-promotion", "csr-education")]
    picks = e._suggestions(csr_only, u)
    assert [p.entry_id for p in picks][:2] == ["fact.overview.receptionist", "csr-promotion"]
    own = [Ranked(e._target_index["fact.salary.receptionist"], 0.1), *csr_only]
    assert e._suggestions(own, u)[0].entry_id == "fact.salary.receptionist"


def test_a_one_word_title_part_shares_the_words_before_it() -> None:
    """ "Customer Success Manager / Specialist" names two titles; "specialist" alone is not
    one (it made every "computer support specialist" question a manager-level one)."""
    parts = [("customer", "success", "manager"), ("specialist",), ("team", "lead"), ()]
    assert title_keys(parts) == [
        ("customer", "success", "manager"),
        ("customer", "success", "specialist"),
        ("team", "lead"),
    ]
    assert title_keys([("lead",)]) == [("lead",)]


def test_another_careers_name_says_no_level(shipped_engine: Engine) -> None:
    e = shipped_engine
    assert e.rank("what does a computer support specialist earn")[0].level is None
    assert e.rank("help desk salary")[0].level is None
    assert e.rank("customer success specialist pay")[0].level is Level.MANAGER


def test_an_entry_about_the_career_named_answers_before_its_facts(shipped_engine: Engine) -> None:
    """ "could i move to an it help desk" names the Computer Support Specialist as where the
    member wants to go: the CSR entry written about that move answers, not that career's
    facts. Without such an entry the slot still chooses whose facts answer."""
    e = shipped_engine
    move = e.ask("could i move to an it help desk")
    assert move.entry_id == "csr-related-careers-help-desk", (move.outcome, move.entry_id)
    pay = e.ask("help desk salary")
    assert pay.entry_id == "fact.salary.computer-support-specialist", (pay.outcome, pay.entry_id)
