"""Embeds and plain messages stay inside Discord's limits for any answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.engine.answer import Answer, AnswerField, Outcome, SourceRef, Suggestion
from bot.render import (
    DESCRIPTION_MAX,
    EMBED_TOTAL_MAX,
    FIELD_NAME_MAX,
    FIELD_VALUE_MAX,
    FIELDS_MAX,
    FOOTER_MAX,
    MESSAGE_MAX,
    TITLE_MAX,
    clip,
    embed_size,
    to_embed,
    to_message,
    to_text,
)

KNOWLEDGE = Path(__file__).resolve().parents[1] / "knowledge"


def assert_within_limits(embed: dict[str, Any]) -> None:
    assert 0 < len(embed["title"]) <= TITLE_MAX
    assert len(embed.get("description", "")) <= DESCRIPTION_MAX
    fields = embed.get("fields", [])
    assert len(fields) <= FIELDS_MAX
    for f in fields:
        assert 0 < len(f["name"]) <= FIELD_NAME_MAX
        assert 0 < len(f["value"]) <= FIELD_VALUE_MAX
        assert f["name"].strip() and f["value"].strip()
    assert len(embed.get("footer", {}).get("text", "")) <= FOOTER_MAX
    assert embed_size(embed) <= EMBED_TOTAL_MAX


text = st.text(min_size=0, max_size=9000)
answers = st.builds(
    Answer,
    outcome=st.sampled_from(list(Outcome)),
    title=text,
    body=text,
    fields=st.lists(
        st.builds(AnswerField, name=st.text(max_size=600), value=text, inline=st.booleans()),
        max_size=40,
    ).map(tuple),
    sources=st.lists(
        st.builds(SourceRef, id=st.just("s"), title=st.text(min_size=1, max_size=400)),
        max_size=12,
    ).map(tuple),
    suggestions=st.lists(
        st.builds(Suggestion, entry_id=st.just("e"), question=st.text(max_size=100)), max_size=3
    ).map(tuple),
    related=st.lists(
        st.builds(Suggestion, entry_id=st.just("e"), question=st.text(max_size=100)), max_size=5
    ).map(tuple),
)


@settings(max_examples=150, deadline=None)
@given(answers)
def test_any_answer_fits_an_embed_and_a_message(answer: Answer) -> None:
    assert_within_limits(to_embed(answer))
    assert len(to_message(answer)) <= MESSAGE_MAX


def test_huge_answer_is_cut_visibly_not_silently() -> None:
    answer = Answer(
        outcome=Outcome.ANSWER,
        title="T" * 1000,
        body="word " * 3000,
        fields=tuple(AnswerField(f"name {i}", "value " * 400) for i in range(30)),
        sources=tuple(SourceRef(f"s{i}", "Source title " * 20) for i in range(20)),
    )
    embed = to_embed(answer)
    assert_within_limits(embed)
    assert embed["title"].endswith("…")
    assert embed["description"].endswith("…")
    assert embed["footer"]["text"].startswith("Sources: ")
    # Fields still get room next to a maximal body.
    assert embed.get("fields")
    assert to_message(answer).endswith("…")


def test_small_answer_is_shown_whole() -> None:
    answer = Answer(
        outcome=Outcome.UNSURE,
        title="Pay",
        body="About $40k.",
        fields=(AnswerField("Median", "$41,000", inline=True),),
        sources=(SourceRef("soc-report", "SOC report", period="2024"),),
        suggestions=(Suggestion("a.b", "What do CSRs earn?"),),
    )
    embed = to_embed(answer)
    assert embed["title"] == "Pay"
    assert embed["description"] == "About $40k."
    names = [f["name"] for f in embed["fields"]]
    assert names == ["Median", "Did you mean"]
    assert "What do CSRs earn?" in embed["fields"][1]["value"]
    assert embed["footer"]["text"] == "Sources: SOC report · 2024"
    assert to_message(answer) == to_text(answer)


@given(st.text(max_size=500), st.integers(min_value=0, max_value=600))
def test_clip_never_exceeds_and_keeps_short_text(value: str, limit: int) -> None:
    out = clip(value, limit)
    assert len(out) <= limit
    if len(value) <= limit:
        assert out == value
    elif limit:
        assert out.endswith("…")


def _engine_answers() -> list[Answer]:
    if not (KNOWLEDGE / "sources.yaml").exists():
        pytest.skip("no shipped knowledge in this checkout")
    from bot.engine import Engine
    from bot.knowledge.loader import load_knowledge

    engine = Engine(load_knowledge(KNOWLEDGE))
    out = [engine.answer_entry(entry_id) for entry_id in engine.kb.entries]
    return [a for a in out if a is not None]


def test_largest_shipped_entries_fit() -> None:
    answers = _engine_answers()
    assert answers
    largest = sorted(answers, key=lambda a: len(to_text(a)), reverse=True)[:20]
    for answer in largest:
        embed = to_embed(answer)
        assert_within_limits(embed)
        # The shipped answers are short enough to be shown whole.
        assert embed.get("description", "") == answer.body.strip()
        assert len(to_message(answer)) <= MESSAGE_MAX
