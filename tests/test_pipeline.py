"""The reply pipeline's caches: repeated questions skip the engine, a new engine never serves
old replies, public replies of one entry are shared."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from bot.app import CareerBot, build_engine, create_bot
from bot.config import Settings
from bot.cooldown import LRU
from bot.engine.answer import Answer, Outcome
from tests.paths import KNOWLEDGE

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
    first = bot.pipeline.prepare(PAY_QUESTION)
    again = bot.pipeline.prepare(PAY_QUESTION)
    assert asks.calls == 1 and again is first
    assert first.answer.outcome is Outcome.ANSWER
    assert first.normalised == bot.engine.normalise(PAY_QUESTION)
    # A different text is a different key, even if it means the same.
    bot.pipeline.prepare(PAY_QUESTION.lower())
    assert asks.calls == 2


async def test_a_declined_question_is_private_without_buttons_and_keeps_its_normalised_form(
    knowledge_copy: Path,
) -> None:
    bot = bot_for(knowledge_copy)
    question = "How much do nurses make?"
    p = bot.pipeline.prepare(question)
    assert p.answer.outcome is Outcome.DECLINE
    assert p.normalised == bot.engine.normalise(question) != ""
    reply = bot.pipeline.reply_for(p.answer)
    assert not reply.public and reply.view is None
    assert "nurses" in (reply.embed.description or "")  # the engine's own reason


async def test_reload_never_serves_the_previous_engines_answer(knowledge_copy: Path) -> None:
    bot = bot_for(knowledge_copy)
    before = bot.pipeline.prepare(PAY_QUESTION)
    assert before.answer.entry_id == "csr-salary-median"
    pay = knowledge_copy / "careers" / "customer-service-representative" / "qa" / "pay.yaml"
    text = pay.read_text()
    assert "The 2024 median pay for customer service" in text
    pay.write_text(text.replace("The 2024 median pay for", "Changed: the 2024 median pay for", 1))
    assert (await bot.reload_knowledge()).ok
    after = bot.pipeline.prepare(PAY_QUESTION)
    assert after.answer.body.startswith("Changed:")
    assert (bot.pipeline.reply_for(after.answer).embed.description or "").startswith("Changed:")


async def test_replies_of_one_entry_are_shared_until_the_answer_changes(
    knowledge_copy: Path,
) -> None:
    bot = bot_for(knowledge_copy)
    a = bot.engine.answer_entry("csr-salary-median")
    assert a is not None
    one = bot.pipeline.reply_for(a)
    two = bot.pipeline.reply_for(dataclasses.replace(a, confidence=0.5))  # not shown: same reply
    assert two.embed is one.embed and two.view is one.view
    changed = bot.pipeline.reply_for(dataclasses.replace(a, body="Another body"))
    assert changed.embed is not one.embed and changed.embed.description == "Another body"
    # Unsure answers (suggestions depend on the question) are never shared by entry.
    unsure = dataclasses.replace(a, outcome=Outcome.UNSURE)
    assert bot.pipeline.reply_for(unsure).embed is not bot.pipeline.reply_for(unsure).embed
