"""Embeds stay inside Discord's limits for any answer; the default reply is short
(≤ 1,200 characters, ≤ 6 fields) and the "More" pages hold the rest, nothing lost."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.engine.answer import Answer, AnswerField, Outcome, SourceRef, Suggestion
from bot.render import (
    DEFAULT_FIELDS,
    DEFAULT_MAX,
    DESCRIPTION_MAX,
    EMBED_TOTAL_MAX,
    FIELD_NAME_MAX,
    FIELD_VALUE_MAX,
    FIELDS_MAX,
    FOOTER_MAX,
    MESSAGE_MAX,
    TITLE_MAX,
    chunks,
    clip,
    embed_size,
    more_embeds,
    to_embed,
    to_message,
    to_text,
)

_TOKEN = re.compile(r"[^\s,;]+")


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


def assert_short(embed: dict[str, Any]) -> None:
    assert_within_limits(embed)
    assert embed_size(embed) <= DEFAULT_MAX
    assert len(embed.get("fields", [])) <= DEFAULT_FIELDS


def shown_text(answer: Answer) -> str:
    """Every text the default reply and its More pages show."""
    parts: list[str] = []
    for embed in (to_embed(answer), *more_embeds(answer)):
        parts += [embed.get("description", ""), embed.get("footer", {}).get("text", "")]
        parts += [x for f in embed.get("fields", []) for x in (f["name"], f["value"])]
    return "\n".join(parts)


def assert_nothing_lost(answer: Answer) -> None:
    """Every word of the body, of every field and of every source is shown somewhere."""
    shown = set(_TOKEN.findall(shown_text(answer)))
    wanted = [answer.body, *(x for f in answer.fields for x in (f.name, f.value))]
    wanted += [s.label for s in answer.sources]
    missing = {t for text in wanted for t in _TOKEN.findall(text)} - shown
    assert not missing, sorted(missing)[:10]


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
def test_any_answer_has_a_short_default_and_loses_nothing(answer: Answer) -> None:
    assert_short(to_embed(answer))
    for page in more_embeds(answer):
        assert_within_limits(page)
    assert_nothing_lost(answer)
    assert len(to_message(answer)) <= MESSAGE_MAX


def test_huge_answer_is_short_by_default_and_whole_behind_more() -> None:
    answer = Answer(
        outcome=Outcome.ANSWER,
        title="T" * 1000,
        body="word. " * 3000,
        fields=tuple(AnswerField(f"name {i}", "value " * 400) for i in range(30)),
        sources=tuple(SourceRef(f"s{i}", f"Source title {i} " * 20) for i in range(20)),
    )
    embed = to_embed(answer)
    assert_short(embed)
    assert embed["title"].endswith("…")
    assert embed["description"].endswith("…")
    assert embed["footer"]["text"].startswith("Sources: ")
    assert "more" in embed["footer"]["text"]
    pages = more_embeds(answer)
    assert len(pages) > 3
    for page in pages:
        assert_within_limits(page)
    # The whole text, every field (split into "(continued)" parts) and every source.
    assert " ".join(p["description"] for p in pages if "description" in p) == answer.body.strip()
    names = [f["name"] for p in pages for f in p.get("fields", [])]
    assert "name 29" in names and "name 29 (continued)" in names
    assert "Sources" in names
    assert_nothing_lost(answer)
    assert to_message(answer).endswith("…")


def test_small_answer_is_shown_whole_without_more() -> None:
    answer = Answer(
        outcome=Outcome.UNSURE,
        title="Pay",
        body="About $40k.",
        fields=(AnswerField("Median", "$41,000", inline=True),),
        sources=(SourceRef("soc-report", "SOC report", period="2024"),),
        suggestions=(Suggestion("a.b", "What do CSRs earn?"),),
        related=(Suggestion("c.d", "How do I start?"),),
    )
    embed = to_embed(answer)
    assert embed["title"] == "Pay"
    assert embed["description"] == "About $40k."
    names = [f["name"] for f in embed["fields"]]
    # Related questions are buttons (the Discord layer), not a field.
    assert names == ["Median", "Did you mean"]
    assert "What do CSRs earn?" in embed["fields"][1]["value"]
    assert embed["footer"]["text"] == "Sources: SOC report · 2024"
    assert more_embeds(answer) == []
    assert to_message(answer) == to_text(answer)


def test_fields_past_six_go_to_more_in_order() -> None:
    fields = tuple(AnswerField(f"F{i}", f"value {i}") for i in range(9))
    answer = Answer(outcome=Outcome.ANSWER, title="T", body="b", fields=fields)
    embed = to_embed(answer)
    assert [f["name"] for f in embed["fields"]] == [f"F{i}" for i in range(6)]
    (page,) = more_embeds(answer)
    assert page["title"] == "T — more"
    assert [f["name"] for f in page["fields"]] == ["F6", "F7", "F8"]


def test_long_lead_is_cut_at_a_sentence_and_continues_on_more() -> None:
    body = " ".join(f"Sentence number {i} says something." for i in range(60))
    embed = to_embed(Answer(outcome=Outcome.ANSWER, title="T", body=body))
    assert embed["description"].endswith("something. …")
    (page,) = more_embeds(Answer(outcome=Outcome.ANSWER, title="T", body=body))
    assert page["description"] == body


@given(st.text(max_size=3000), st.integers(min_value=1, max_value=600))
def test_chunks_fit_and_keep_every_word(value: str, limit: int) -> None:
    pieces = chunks(value, limit)
    assert all(len(p) <= limit for p in pieces)
    if not value.strip():
        return
    joined = " ".join(pieces)
    # Hard splits (a word longer than limit) keep every character, in order.
    assert "".join(joined.split()).replace(",", "").replace(";", "") == "".join(
        value.split()
    ).replace(",", "").replace(";", "")


@given(st.text(max_size=500), st.integers(min_value=0, max_value=600))
def test_clip_never_exceeds_and_keeps_short_text(value: str, limit: int) -> None:
    out = clip(value, limit)
    assert len(out) <= limit
    if len(value) <= limit:
        assert out == value
    elif limit:
        assert out.endswith("…")
