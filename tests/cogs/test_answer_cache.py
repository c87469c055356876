"""The answer cache: repeated questions skip the engine, a new engine never serves old replies."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from bot.app import CareerBot, build_engine, create_bot
from bot.cogs._ask_logic import LRU
from bot.cogs.ask import prepare, shared_reply
from bot.config import Settings
from bot.engine.answer import Answer, Outcome

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
PAY_QUESTION = "How much do customer service representatives make a year?"


def test_lru_evicts_the_least_recently_used_and_counts() -> None:
    cache: LRU[str, int] = LRU(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # a is now the most recent
    cache.put("c", 3)  # evicts b
    assert cache.get("b") is None
    assert (cache.get("a"), cache.get("c"), len(cache)) == (1, 3, 2)
    assert (cache.hits, cache.misses) == (3, 1)
    cache.clear()
    assert len(cache) == 0 and cache.get("a") is None


def test_lru_of_size_zero_keeps_nothing() -> None:
    cache: LRU[str, int] = LRU(0)
    cache.put("a", 1)
    assert cache.get("a") is None and len(cache) == 0


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    if not (KNOWLEDGE / "sources.yaml").exists():
        pytest.skip("no shipped knowledge in this checkout")
    dest = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, dest)
    return dest


def bot_for(knowledge: Path) -> CareerBot:
    settings = Settings(knowledge_path=knowledge)
    bot = create_bot(settings)
    bot.engine = build_engine(settings)
    return bot


class CountingAsks:
    """Wraps an engine's ``ask`` to count how often the engine really answers."""

    def __init__(self, bot: CareerBot) -> None:
        self.calls = 0
        self._ask = bot.engine.ask
        bot.engine.ask = self  # type: ignore[method-assign]

    def __call__(self, question: str) -> Answer:
        self.calls += 1
        return self._ask(question)


async def test_a_repeated_question_is_answered_once(knowledge_copy: Path) -> None:
    bot = bot_for(knowledge_copy)
    asks = CountingAsks(bot)
    first = prepare(bot, PAY_QUESTION)
    again = prepare(bot, PAY_QUESTION)
    assert asks.calls == 1 and again is first
    assert first.answer.outcome is Outcome.ANSWER and first.reply is not None
    assert first.normalised == bot.engine.normalise(PAY_QUESTION)
    # A different text is a different key, even if it means the same.
    prepare(bot, PAY_QUESTION.lower())
    assert asks.calls == 2


async def test_a_declined_question_has_no_embed_but_keeps_its_normalised_form(
    knowledge_copy: Path,
) -> None:
    bot = bot_for(knowledge_copy)
    question = "How much do nurses make?"
    p = prepare(bot, question)
    assert p.answer.outcome is Outcome.DECLINE and p.reply is None
    assert p.normalised == bot.engine.normalise(question) != ""


async def test_reload_never_serves_the_previous_engines_answer(knowledge_copy: Path) -> None:
    bot = bot_for(knowledge_copy)
    before = prepare(bot, PAY_QUESTION)
    assert before.answer.entry_id == "csr-salary-median"
    pay = knowledge_copy / "careers" / "customer-service-representative" / "qa" / "pay.yaml"
    text = pay.read_text()
    assert "The 2024 median pay for customer service" in text
    pay.write_text(text.replace("The 2024 median pay for", "Changed: the 2024 median pay for", 1))
    assert (await bot.reload_knowledge()).ok
    after = prepare(bot, PAY_QUESTION)
    assert after.answer.body.startswith("Changed:")
    assert after.reply is not None
    assert (after.reply[0].description or "").startswith("Changed:")


async def test_replies_of_one_entry_are_shared_until_the_answer_changes(
    knowledge_copy: Path,
) -> None:
    bot = bot_for(knowledge_copy)
    a = bot.engine.answer_entry("csr-salary-median")
    assert a is not None
    one = shared_reply(bot, a)
    two = shared_reply(bot, dataclasses.replace(a, confidence=0.5))  # not shown: same reply
    assert two[0] is one[0] and two[1] is one[1]
    changed = shared_reply(bot, dataclasses.replace(a, body="Another body"))
    assert changed[0] is not one[0] and changed[0].description == "Another body"
    # Unsure answers (suggestions depend on the question) are never shared by entry.
    unsure = dataclasses.replace(a, outcome=Outcome.UNSURE)
    assert shared_reply(bot, unsure)[0] is not shared_reply(bot, unsure)[0]
