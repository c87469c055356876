"""Hostile questions: whatever a member types, the engine answers (never raises) and what the
renderer makes of it stays inside Discord's limits and cannot ping anyone.

How long hostile questions take is measured, not asserted, here: ``bench/hostile.py`` times the
pathological inputs against an ordinary question in the same run (a wall-clock limit in a test
fails at random on a loaded machine).

* Hypothesis strategies: any Unicode (astral, lone surrogates), up to Discord's 6,000-character
  option limit, mentions (``@everyone``, ``<@&id>``, ``<@id>``), markdown, code blocks,
  zero-width and right-to-left characters, zalgo, long repeats of one piece (regex blow-ups).
* A seeded soak mixing real-looking questions (typos, noise around them) and noise.
* Every answer the knowledge can give renders within limits and without a ping.

Short runs by default; ``CAREERBOT_SOAK=1`` runs the full size (100k soak questions).
The wire-level check (allowed_mentions on what is sent) is the e2e suite's job; here the pure
renderer's output is checked, which must not contain a ping even if allowed_mentions failed.
"""

from __future__ import annotations

import os
import random
import re
import statistics
import time
from collections import Counter
from collections.abc import Iterator
from typing import Final

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine import Engine
from bot.engine.answer import Answer, Outcome
from bot.knowledge.loader import load_knowledge
from bot.render import (
    DESCRIPTION_MAX,
    EMBED_TOTAL_MAX,
    FIELD_NAME_MAX,
    FIELD_VALUE_MAX,
    FIELDS_MAX,
    FOOTER_MAX,
    MESSAGE_MAX,
    TITLE_MAX,
    embed_size,
    to_embed,
    to_message,
    to_text,
)
from tests.paths import KNOWLEDGE, ROOT

FULL: Final = os.environ.get("CAREERBOT_SOAK") == "1"
SOAK_QUESTIONS: Final = 100_000 if FULL else 5_000
HYPOTHESIS_EXAMPLES: Final = 20_000 if FULL else 500
OPTION_MAX: Final = 6000
"""Discord's limit on a string option (/ask declares less; the engine must cope with it all)."""
GUARD_BODY: Final = "Something went wrong reading that question."
"""The body of Engine.ask's catch-all decline: seeing it means _ask raised."""

PING: Final = re.compile(r"@(?:everyone|here)|<@[!&]?\d+>")
"""Anything Discord would turn into a ping if mentions were allowed."""

EVAL: Final = ROOT / "tests" / "eval" / "questions.yaml"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_knowledge(KNOWLEDGE))


# ------------------------------------------------------------------------------ checking
def timed_ask(engine: Engine, question: str) -> tuple[Answer, float]:
    """Ask; the seconds are reported by the soak, never asserted."""
    started = time.perf_counter()
    answer = engine.ask(question)
    return answer, time.perf_counter() - started


def rendered_problems(answer: Answer) -> list[str]:
    """Every way the rendered answer would be refused by Discord or could ping someone."""
    problems: list[str] = []
    embed = to_embed(answer)
    fields = embed.get("fields", [])
    limits = [
        ("title", len(embed.get("title", "")), TITLE_MAX),
        ("description", len(embed.get("description", "")), DESCRIPTION_MAX),
        ("fields", len(fields), FIELDS_MAX),
        ("footer", len(embed.get("footer", {}).get("text", "")), FOOTER_MAX),
        ("embed total", embed_size(embed), EMBED_TOTAL_MAX),
        ("message", len(to_message(answer)), MESSAGE_MAX),
    ]
    for f in fields:
        limits.append(("field name", len(f["name"]), FIELD_NAME_MAX))
        limits.append(("field value", len(f["value"]), FIELD_VALUE_MAX))
        if not f["name"].strip() or not f["value"].strip():
            problems.append(f"empty field {f!r}")
    problems += [f"{what} {size} > {limit}" for what, size, limit in limits if size > limit]
    if not embed.get("title", "").strip():
        problems.append("empty title")
    texts = [
        embed.get("title", ""),
        embed.get("description", ""),
        embed.get("footer", {}).get("text", ""),
        *(f["name"] for f in fields),
        *(f["value"] for f in fields),
        to_message(answer),
        to_text(answer),
    ]
    pings = sorted({m for t in texts for m in PING.findall(t)})
    if pings:
        problems.append(f"rendered text would ping: {pings}")
    return problems


def check(engine: Engine, question: str) -> tuple[Answer, float]:
    answer, seconds = timed_ask(engine, question)
    assert answer.outcome in set(Outcome)
    assert answer.body != GUARD_BODY, "Engine._ask raised; ask() fell back to its guard"
    assert 0.0 <= answer.confidence <= 1.0
    problems = rendered_problems(answer)
    assert not problems, problems
    return answer, seconds


# ------------------------------------------------------------------------------ strategies
ZERO_WIDTH_RTL: Final = (
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u061c"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
snowflake = st.integers(min_value=0, max_value=2**64 - 1)
mentions = st.one_of(
    st.sampled_from(["@everyone", "@here", "@ everyone", "@\u200beveryone", "@EVERYONE"]),
    snowflake.map(lambda i: f"<@&{i}>"),
    snowflake.map(lambda i: f"<@{i}>"),
    snowflake.map(lambda i: f"<@!{i}>"),
    snowflake.map(lambda i: f"<#{i}>"),
    snowflake.map(lambda i: f"</ask:{i}>"),
    snowflake.map(lambda i: f"<t:{i}:R>"),
    snowflake.map(lambda i: f"<a:party:{i}>"),
)
markdown = st.sampled_from(
    [
        "**",
        "__",
        "~~",
        "||",
        "`",
        "```",
        "```py\n",
        "\n```\n",
        "> ",
        ">>> ",
        "# ",
        "-# ",
        "[",
        "](",
        ")",
        "[pay](https://example.com/(x))",
        "https://example.com/csr?pay=1",
        "\\",
        "\n",
    ]
)
invisible = st.text(alphabet=ZERO_WIDTH_RTL, min_size=1, max_size=8)
zalgo = st.tuples(
    st.characters(categories=["Ll", "Lu"]),
    st.text(alphabet=st.characters(min_codepoint=0x300, max_codepoint=0x36F), max_size=40),
).map("".join)
astral = st.text(alphabet=st.characters(min_codepoint=0x10000), min_size=1, max_size=10)
any_unicode = st.text(alphabet=st.characters(), max_size=200)  # incl. lone surrogates
words = st.sampled_from(
    [
        "csr",
        "pay",
        "how much",
        "do receptionists make",
        "salary",
        "entry level",
        "teller",
        "career path",
        "certifications",
        "?",
        "$",
        "42,830",
        "vs",
    ]
)
piece = st.one_of(mentions, markdown, invisible, zalgo, astral, any_unicode, words)
mixed = st.lists(piece, max_size=120).map(" ".join)
repeated = st.tuples(
    st.lists(piece, min_size=1, max_size=3).map("".join),
    st.integers(min_value=1, max_value=OPTION_MAX),
).map(lambda t: t[0] * t[1])
hostile = st.one_of(
    mixed, repeated, any_unicode, st.text(max_size=OPTION_MAX), st.just(" " * OPTION_MAX)
).map(lambda s: s[:OPTION_MAX])


@settings(
    max_examples=HYPOTHESIS_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(question=hostile)
@pytest.mark.slow
def test_hostile_questions(engine: Engine, question: str) -> None:
    answer, _ = check(engine, question)
    # Mentions the member typed are never echoed into what the bot shows.
    shown = to_embed(answer)["title"] + to_text(answer)
    for token in PING.findall(question):
        assert token not in shown
    suggestions = engine.complete(question[:100])
    assert len(suggestions) <= 25
    assert all(0 < len(s.question) <= 100 for s in suggestions)


# Inputs that once made the normaliser's regexes quadratic (seconds per question), and their
# relatives: each is retried from every position of a 6,000-character message. bench/hostile.py
# times them; here they must answer like any other question.
PATHOLOGICAL: Final = [
    "[",
    "[a",
    "[a](",
    "\n",
    " \n",
    "\t\n",
    "\n\u200b",
    "\n>",
    "\n#",
    "> \n",
    "<@",
    "<@&1",
    "<t:1",
    "</a:",
    "<a:x:",
    "```",
    "https://",
    "www.",
    "$a",
    "\ufdfa",  # one character, 18 after NFKC
    "a\u0301",
]


@pytest.mark.parametrize("unit", PATHOLOGICAL, ids=[repr(u) for u in PATHOLOGICAL])
def test_pathological_repeats_are_answered(engine: Engine, unit: str) -> None:
    check(engine, (unit * OPTION_MAX)[:OPTION_MAX])


def test_every_answer_in_the_knowledge_renders_within_limits(engine: Engine) -> None:
    """The renderer's half: no entry, fact or comparison breaks a limit or pings."""
    ids = [t.id for t in engine.targets]
    careers = list(engine.kb.careers)
    ids += [f"fact.compare.{a}.{b}" for a in careers for b in careers if a != b]
    checked = 0
    for entry_id in ids:
        answer = engine.answer_entry(entry_id)
        if answer is None:
            continue
        assert not rendered_problems(answer), entry_id
        checked += 1
    assert checked >= len(engine.kb.entries)


# ------------------------------------------------------------------------------ the soak
def real_questions(engine: Engine) -> list[str]:
    data = yaml.safe_load(EVAL.read_text(encoding="utf-8"))
    out = [item["q"] for group in data.values() for item in group]
    for entry in engine.kb.entries.values():
        out.append(entry.question)
        out += list(entry.phrasings)
    return out


NOISE_PIECES: Final = [
    "@everyone",
    "@here",
    "<@&123456789012345678>",
    "<@123456789012345678>",
    "**",
    "```",
    "||",
    "> ",
    "\u202e",
    "\u200b",
    "😀",
    "👩🏽\u200d💻",
    "Z̷̢͎a̸̛l̶g̵o̴",
    "مرحبا",
    "𝕔𝕤𝕣",
    "!!!",
    "???",
    "lol",
    "\n",
]


def typo(rng: random.Random, text: str) -> str:
    if len(text) < 2:
        return text
    i = rng.randrange(len(text) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return text[:i] + text[i + 1 :]  # drop
    if kind == 1:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]  # swap
    if kind == 2:
        return text[:i] + text[i] + text[i:]  # double
    return text[:i] + rng.choice("abcdefghijklmnopqrstuvwxyz") + text[i + 1 :]  # replace


def noise(rng: random.Random) -> str:
    size = min(OPTION_MAX, int(rng.paretovariate(1.2) * 8))
    kind = rng.randrange(4)
    if kind == 0:
        return "".join(chr(rng.randint(0x20, 0x10FFFF)) for _ in range(size))
    if kind == 1:
        return "".join(chr(rng.randint(0x20, 0x7E)) for _ in range(size))
    if kind == 2:
        return " ".join(rng.choice(NOISE_PIECES) for _ in range(max(1, size // 4)))[:OPTION_MAX]
    unit = rng.choice([*NOISE_PIECES, "[", "(", "a", " "])
    return (unit * size)[:OPTION_MAX]


def soak_questions(engine: Engine, count: int, seed: int) -> Iterator[str]:
    """Seeded mix: real questions (some with typos, case games and noise around them), noise."""
    rng = random.Random(seed)
    real = real_questions(engine)
    for _ in range(count):
        roll = rng.random()
        if roll < 0.55:
            q = rng.choice(real)
            for _ in range(rng.choice((0, 0, 1, 2, 3))):
                q = typo(rng, q)
            if rng.random() < 0.2:
                q = q.upper() if rng.random() < 0.5 else q.lower()
            if rng.random() < 0.3:
                q = f"{rng.choice(NOISE_PIECES)} {q} {rng.choice(NOISE_PIECES)}"
            yield q[:OPTION_MAX]
        elif roll < 0.7:
            yield " ".join(rng.sample(real, rng.randint(2, 6)))[:OPTION_MAX]
        else:
            yield noise(rng)


@pytest.mark.slow
def test_soak(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    latencies: list[float] = []
    outcomes: Counter[str] = Counter()
    started = time.perf_counter()
    for question in soak_questions(engine, SOAK_QUESTIONS, seed=20261123):
        answer, seconds = check(engine, question)
        latencies.append(seconds)
        outcomes[answer.outcome.value] += 1
    total = time.perf_counter() - started
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    worst = latencies[-1] * 1000
    with capsys.disabled():
        print(
            f"\nsoak: {len(latencies):,} questions in {total:.1f} s, no exception; "
            f"outcomes {dict(outcomes)}; latency p50 {p50:.2f} ms, p99 {p99:.2f} ms, "
            f"max {worst:.1f} ms (measured, not asserted)"
        )
    assert len(latencies) == SOAK_QUESTIONS
    # The mix is meant to exercise all three outcomes: a generator gone wrong would not.
    assert set(outcomes) == {o.value for o in Outcome}
