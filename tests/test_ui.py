"""Buttons built under answers: ids Discord accepts, that parse back to what was answered."""

from __future__ import annotations

import re

import discord
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.engine.answer import Answer, Outcome, Suggestion
from bot.knowledge.model import ID_PATTERN
from bot.ui import (
    ASK_TEMPLATE,
    MORE_TEMPLATE,
    RELATED_TEMPLATE,
    VOTE_TEMPLATE,
    AskButton,
    MoreButton,
    RelatedButton,
    VoteButton,
    ask_custom_id,
    build_view,
    more_custom_id,
    parse_ask,
    parse_more,
    parse_related,
    parse_vote,
    related_custom_id,
    vote_custom_id,
)
from tests.paths import KNOWLEDGE

ids = st.from_regex(ID_PATTERN, fullmatch=True).filter(lambda s: len(s) <= 80)
USER = 1_400_000_000_000_000_002


def custom_ids(view: discord.ui.View | None) -> list[str]:
    assert view is not None
    out = []
    for child in view.children:
        assert isinstance(child, discord.ui.DynamicItem)
        item = child.item
        assert isinstance(item, discord.ui.Button)
        assert item.custom_id is not None and len(item.custom_id) <= 100
        assert item.label is None or len(item.label) <= 80
        out.append(item.custom_id)
    assert len(out) == len(set(out)), "Discord refuses a message with a repeated custom_id"
    return out


@given(ids, st.one_of(st.none(), st.integers(min_value=0, max_value=2**63 - 1)))
def test_custom_ids_round_trip_within_100_chars(entry_id: str, owner: int | None) -> None:
    ask = ask_custom_id(entry_id, owner)
    assert ask is not None and len(ask) <= 100
    parsed = parse_ask(ask)
    assert parsed is not None and parsed[0] == entry_id
    assert parsed[1] in (owner, None)  # the owner is dropped only when it does not fit
    if len(entry_id) <= 70:
        assert parsed[1] == owner
    assert re.fullmatch(ASK_TEMPLATE, ask)
    for vote in ("up", "down"):
        custom = vote_custom_id(vote, entry_id)
        assert custom is not None and len(custom) <= 100
        assert parse_vote(custom) == (vote, entry_id)
        assert re.fullmatch(VOTE_TEMPLATE, custom)
    rel, more = related_custom_id(entry_id), more_custom_id(entry_id)
    assert rel is not None and parse_related(rel) == entry_id
    assert more is not None and parse_more(more) == entry_id
    assert re.fullmatch(RELATED_TEMPLATE, rel) and re.fullmatch(MORE_TEMPLATE, more)


def test_buttons_posted_before_the_owner_was_carried_still_parse() -> None:
    assert parse_ask("careerbot:ask:csr-salary-median") == ("csr-salary-median", None)


def test_unsafe_ids_are_refused() -> None:
    assert ask_custom_id("x" * 90) is None  # too long for a custom_id
    assert ask_custom_id("Bad:Id") is None
    assert vote_custom_id("sideways", "a.b") is None
    assert parse_ask("careerbot:vote:up:a") is None
    assert parse_vote("careerbot:vote:up:") is None
    assert parse_vote("careerbot:vote:up:a.b") == ("up", "a.b")


async def test_unsure_answer_offers_top_three_did_you_mean_carrying_the_asker() -> None:
    suggestions = tuple(Suggestion(f"csr-q{i}", "How much " * 20 + str(i)) for i in range(5))
    answer = Answer(Outcome.UNSURE, "Did you mean…", "", suggestions=suggestions)
    ids = custom_ids(build_view(answer, owner=USER))
    assert [parse_ask(i) for i in ids] == [(f"csr-q{i}", USER) for i in range(3)]
    assert all(re.fullmatch(ASK_TEMPLATE, i) for i in ids)


async def test_answer_gets_votes_more_and_its_related_questions() -> None:
    related = (
        Suggestion("csr-a", "First related?"),
        Suggestion("csr-a", "First related again?"),  # the same entry once only
        Suggestion("fact.salary.teller.mid", "Self?"),  # never the answer itself
        Suggestion("csr-b", "Second related?"),
    )
    answer = Answer(Outcome.ANSWER, "Pay", "…", entry_id="fact.salary.teller.mid", related=related)
    ids = custom_ids(build_view(answer, more=True))
    assert [parse_vote(i) for i in ids[:2]] == [
        ("up", "fact.salary.teller.mid"),
        ("down", "fact.salary.teller.mid"),
    ]
    assert parse_more(ids[2]) == "fact.salary.teller.mid"
    assert [parse_related(i) for i in ids[3:]] == ["csr-a", "csr-b"]
    no_votes = custom_ids(build_view(answer, votes=False))
    assert not any(parse_vote(i) for i in no_votes) and not any(parse_more(i) for i in no_votes)


async def test_decline_and_idless_answers_have_no_buttons() -> None:
    assert build_view(Answer(Outcome.DECLINE, "No", "")) is None
    assert build_view(Answer(Outcome.ANSWER, "x", "y")) is None


async def test_dynamic_items_rebuild_from_their_custom_id() -> None:
    """After a restart Discord only sends the custom_id back: it must be enough."""
    ask = AskButton("csr-pay-median", "What is the median pay?", owner=USER)
    m = re.fullmatch(ASK_TEMPLATE, ask.custom_id)
    assert m is not None
    assert m["entry_id"] == "csr-pay-median" and int(m["owner"], 36) == USER
    vote = VoteButton("down", "csr-pay-median")
    m = re.fullmatch(VOTE_TEMPLATE, vote.custom_id)
    assert m is not None and (m["vote"], m["entry_id"]) == ("down", "csr-pay-median")
    assert parse_related(RelatedButton("csr-a", "Q?").custom_id) == "csr-a"
    assert parse_more(MoreButton("csr-a").custom_id) == "csr-a"
    with pytest.raises(ValueError):
        AskButton("x" * 95)


async def test_every_shipped_entry_renders_with_votes() -> None:
    if not (KNOWLEDGE / "sources.yaml").exists():
        pytest.skip("no shipped knowledge in this checkout")
    from bot.engine import Engine
    from bot.knowledge.loader import load_knowledge
    from bot.render import to_embed

    engine = Engine(load_knowledge(KNOWLEDGE))
    assert engine.kb.entries
    for entry_id in engine.kb.entries:
        answer = engine.answer_entry(entry_id)
        assert answer is not None
        embed = discord.Embed.from_dict(to_embed(answer))
        assert len(embed) <= 6000
        ids = custom_ids(build_view(answer))
        assert [parse_vote(i) for i in ids[:2]] == [
            ("up", answer.entry_id),
            ("down", answer.entry_id),
        ]
