"""Pure decisions of the cogs: mentions, fitting text, reload counts, compare."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.cogs._ask_logic import addressed, describe_counts, fit_lines, same_career, strip_mention


def test_mentions_are_stripped_only_for_this_bot() -> None:
    assert strip_mention("<@42> what is the pay?", 42) == "what is the pay?"
    assert strip_mention("hey <@!42>   skills  needed", 42) == "hey skills needed"
    assert strip_mention("<@43> pay?", 42) is None
    assert strip_mention("no mention", 42) is None
    assert strip_mention("<@42>", 42) == ""
    assert strip_mention("<@42> ask <@7> too", 42) == "ask <@7> too"


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


def test_comparing_a_career_with_itself_is_noticed() -> None:
    assert same_career("teller", "teller")
    assert not same_career("teller", "receptionist")
    assert not same_career(None, None)
