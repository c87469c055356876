"""Pure decisions of the cogs: ids, mentions, cooldown, permissions, fitting text."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.cogs._ask_logic import (
    ASK_TEMPLATE,
    VOTE_TEMPLATE,
    Cooldown,
    addressed,
    ask_custom_id,
    describe_counts,
    fit_lines,
    is_moderator,
    parse_ask,
    parse_vote,
    strip_mention,
    vote_custom_id,
)
from bot.knowledge.model import ID_PATTERN

ids = st.from_regex(ID_PATTERN, fullmatch=True).filter(lambda s: len(s) <= 80)


@given(ids)
def test_custom_ids_round_trip_within_100_chars(entry_id: str) -> None:
    ask = ask_custom_id(entry_id)
    assert ask is not None and len(ask) <= 100
    assert parse_ask(ask) == entry_id
    assert re.fullmatch(ASK_TEMPLATE, ask)
    for vote in ("up", "down"):
        custom = vote_custom_id(vote, entry_id)
        assert custom is not None and len(custom) <= 100
        assert parse_vote(custom) == (vote, entry_id)
        assert re.fullmatch(VOTE_TEMPLATE, custom)


def test_unsafe_ids_are_refused() -> None:
    assert ask_custom_id("x" * 90) is None  # too long for a custom_id
    assert ask_custom_id("Bad:Id") is None
    assert vote_custom_id("sideways", "a.b") is None
    assert parse_ask("careerbot:vote:up:a") is None
    assert parse_vote("careerbot:vote:up:") is None
    assert parse_vote("careerbot:vote:up:a.b") == ("up", "a.b")


def test_mentions_are_stripped_only_for_this_bot() -> None:
    assert strip_mention("<@42> what is the pay?", 42) == "what is the pay?"
    assert strip_mention("hey <@!42>   skills  needed", 42) == "hey skills needed"
    assert strip_mention("<@43> pay?", 42) is None
    assert strip_mention("no mention", 42) is None
    assert strip_mention("<@42>", 42) == ""
    assert strip_mention("<@42> ask <@7> too", 42) == "ask <@7> too"


def test_cooldown_sliding_window() -> None:
    cd = Cooldown(rate=2, per_seconds=10)
    assert cd.hit(1, 0.0) == 0.0
    assert cd.hit(1, 1.0) == 0.0
    wait = cd.hit(1, 2.0)
    assert wait == 8.0  # the first hit leaves the window at t=10
    assert cd.hit(2, 2.0) == 0.0  # other users are not affected
    assert cd.hit(1, 10.0) == 0.0
    assert cd.hit(1, 10.5) > 0


def test_cooldown_notifies_once_per_window() -> None:
    cd = Cooldown(rate=1, per_seconds=10)
    cd.hit(1, 0.0)
    assert cd.hit(1, 1.0) > 0
    assert cd.should_notify(1, 1.0) is True
    assert cd.should_notify(1, 5.0) is False
    assert cd.should_notify(1, 11.5) is True


def test_moderator_check() -> None:
    assert is_moderator(True, [], [])
    assert not is_moderator(False, [5, 6], [])
    assert is_moderator(False, [5, 6], [6])
    assert not is_moderator(False, [5], [6, 7])


@given(st.lists(st.text(max_size=300), max_size=60), st.integers(min_value=40, max_value=2000))
def test_fit_lines_never_exceeds(lines: list[str], limit: int) -> None:
    assert len(fit_lines(lines, limit)) <= limit


def test_fit_lines_says_what_was_left_out() -> None:
    lines = [f"knowledge/x.yaml:{i}: problem" for i in range(100)]
    out = fit_lines(lines, 200)
    assert out.startswith("knowledge/x.yaml:0: problem")
    assert re.search(r"… and (\d+) more$", out)
    shown = out.count("problem")
    assert out.endswith(f"… and {100 - shown} more")
    assert fit_lines(["a", "b"], 200) == "a\nb"


def test_describe_counts() -> None:
    assert describe_counts({"entries": 40, "careers": 8}, {"entries": 42, "careers": 8}) == (
        "entries 40 → 42 (+2), careers 8"
    )


def test_which_messages_are_questions_for_the_bot() -> None:
    def at(content: str, *, dm: bool = False, channel: int = 1) -> tuple[str, str] | None:
        return addressed(content, 42, is_dm=dm, channel_id=channel, passive_channel_ids=[7])

    assert at("<@42> what is the pay?") == ("what is the pay?", "mention")
    assert at("what is the pay?") is None
    assert at("  what is the pay? ", dm=True) == ("what is the pay?", "dm")
    assert at("<@42> pay", dm=True) == ("pay", "mention")
    assert at("what is the pay?", channel=7) == ("what is the pay?", "passive")
    assert at("<@43> pay", channel=1) is None
