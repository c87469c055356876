"""The nine examples of the issue, on the fixture and on the shipped knowledge."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.engine.answer import Outcome
from bot.engine.facts import format_value
from bot.knowledge.model import Metric
from bot.render import to_text

ENGINES = ["fixture_engine", pytest.param("shipped_engine", id="shipped")]

CSR = "customer-service-representative"


def _engine(request: pytest.FixtureRequest, name: str) -> Engine:
    engine: Engine = request.getfixturevalue(name)
    return engine


@pytest.mark.parametrize("name", ENGINES)
@pytest.mark.parametrize(
    "question", ["hw much does a custmer servce rep earn", "csr pay??", "entry level csr salary"]
)
def test_csr_pay_questions_are_answered_about_csr_pay(
    request: pytest.FixtureRequest, name: str, question: str
) -> None:
    a = _engine(request, name).ask(question)
    assert a.outcome is Outcome.ANSWER, to_text(a)
    assert a.career == CSR
    assert a.topic in {"salary", "hourly_pay"}
    if question.startswith("entry"):
        assert a.level in {"entry", None}


@pytest.mark.parametrize("name", ENGINES)
def test_promotion_question(request: pytest.FixtureRequest, name: str) -> None:
    a = _engine(request, name).ask("how do i get promoted from csr")
    assert a.outcome is Outcome.ANSWER, to_text(a)
    assert a.topic == "advancement" and a.career == CSR


@pytest.mark.parametrize("name", ENGINES)
def test_ged_question(request: pytest.FixtureRequest, name: str) -> None:
    a = _engine(request, name).ask("is a GED enough")
    assert a.outcome is Outcome.ANSWER, to_text(a)
    assert a.topic in {"education", "getting_started"}


@pytest.mark.parametrize("name", ENGINES)
def test_aht_question(request: pytest.FixtureRequest, name: str) -> None:
    engine = _engine(request, name)
    if not any("handle time" in e.answer.lower() for e in engine.kb.entries.values()):
        pytest.skip("this knowledge has no entry about average handle time (yet)")
    a = engine.ask("what's AHT")
    assert a.outcome is Outcome.ANSWER, to_text(a)
    assert "handle time" in to_text(a).lower()


@pytest.mark.parametrize("name", ENGINES)
def test_receptionists_get_the_receptionists_figure(
    request: pytest.FixtureRequest, name: str
) -> None:
    engine = _engine(request, name)
    facts = engine.kb.careers["receptionist"].facts
    medians = [f for f in facts if f.metric is Metric.MEDIAN_PAY_ANNUAL and f.value is not None]
    assert medians, "the knowledge has no receptionist median pay"
    leading = next((f for f in medians if f.leading), medians[0])
    assert leading.value is not None
    figure = format_value(leading).split("/")[0].lstrip("$")  # "37,230"
    a = engine.ask("how much do receptionists make")
    assert a.outcome is Outcome.ANSWER, to_text(a)
    assert a.career == "receptionist"
    assert figure in to_text(a)
    csr_medians = [
        f
        for f in engine.kb.careers[CSR].facts
        if f.metric is Metric.MEDIAN_PAY_ANNUAL and f.value is not None
    ]
    for f in csr_medians:
        assert format_value(f).split("/")[0] not in to_text(a)  # "$42,830"


@pytest.mark.parametrize("name", ENGINES)
@pytest.mark.parametrize("question", ["how much do nurses make", "$", "!!! $ !!!"])
def test_declines(request: pytest.FixtureRequest, name: str, question: str) -> None:
    a = _engine(request, name).ask(question)
    assert a.outcome is Outcome.DECLINE, to_text(a)
    assert "/help" in a.body
