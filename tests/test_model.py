import pytest
from pydantic import ValidationError

from bot.knowledge.model import Entry, Fact, Metric


def test_fact_needs_a_value() -> None:
    with pytest.raises(ValidationError, match="needs 'value'"):
        Fact(id="x", metric=Metric.GROWTH, sources=["s"])


def test_fact_range_must_be_ordered() -> None:
    with pytest.raises(ValidationError, match="greater than"):
        Fact(id="x", metric=Metric.PAY_RANGE_ANNUAL, low=5, high=1, sources=["s"])


def test_entry_rejects_unknown_field_and_bad_id() -> None:
    base = {
        "id": "csr-pay",
        "topic": "salary",
        "question": "How much do CSRs earn?",
        "phrasings": ["csr pay", "csr salary"],
        "answer": "About this much.",
        "sources": ["s"],
    }
    assert Entry.model_validate(base).id == "csr-pay"
    with pytest.raises(ValidationError, match="Extra inputs"):
        Entry.model_validate({**base, "anwser": "typo"})
    with pytest.raises(ValidationError, match="pattern"):
        Entry.model_validate({**base, "id": "Has Spaces"})
