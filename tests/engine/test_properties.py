"""Whatever people type, the engine returns one of the three outcomes and never raises."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine import Engine
from bot.engine.answer import Outcome

NOISE = st.sampled_from(
    [
        "<@123456789012345678>",
        "<@!1>",
        "<@&2>",
        "<#3>",
        "@everyone",
        "<a:party:999>",
        "😀",
        "👩🏽‍💻",
        "مرحبا كم الراتب",
        "\u202eevil\u202c",
        "Z̷̢͎a̸̛l̶g̵o̴",
        "```py\nprint(1)\n```",
        "||spoiler||",
        "**bold** __u__ ~~s~~",
        "> quote\n",
        "csr pay",
        "how much do receptionists make",
        "!!!???",
        "\x00\x01",
        "[link](https://example.com)",
    ]
)
TEXT = st.one_of(
    st.text(max_size=4000),
    st.lists(st.one_of(NOISE, st.text(max_size=20)), max_size=60).map(" ".join),
    st.text(alphabet=st.characters(categories=["P", "S", "Z"]), max_size=400),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_any_text_gets_one_outcome(fixture_engine: Engine, text: str) -> None:
    # _ask is what ask() wraps in its never-raise guard: it must not need that guard.
    a = fixture_engine._ask(text)
    assert a.outcome in set(Outcome)
    assert 0.0 <= a.confidence <= 1.0
    if a.outcome is Outcome.UNSURE:
        assert 1 <= len(a.suggestions) <= 3
    assert isinstance(fixture_engine.normalise(text), str)
    assert all(len(s.question) <= 100 for s in fixture_engine.complete(text[:100]))
