"""What members and moderators see, over the wire (issue 10): one test per problem found.

The real bot and discord.py client against the local fake Discord; every assertion is on what
was sent (callbacks, followups, channel messages, synced commands) or on what was stored.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, cast

import pytest
import yaml

from bot.config import CooldownConfig, Settings
from bot.engine import Engine
from bot.engine.answer import Outcome
from tests.e2e import test_careerbot as careerbot
from tests.e2e.fake_discord import (
    CHANNEL_ID,
    EPHEMERAL,
    KIND_CHANNEL_MESSAGE,
    FakeDiscord,
    FakeUser,
    Recorded,
    Sent,
)
from tests.e2e.test_careerbot import (
    PAY_QUESTION,
    careerbot_running,
    custom_ids,
    embeds_of,
    final,
    visible_text,
)
from tests.engine.test_complete import PREFIXES, check_choices
from tests.teaching import unsure_question

pytestmark = pytest.mark.e2e

# The fixtures of the main e2e module: a bot on a private copy of the knowledge.
bot, engine, knowledge, settings = (
    careerbot.bot,
    careerbot.engine,
    careerbot.knowledge,
    careerbot.settings,
)

OTHER = FakeUser(1_400_000_000_000_000_021, "bystander")


# What the buttons' custom ids say, read off the wire (not through the bot's own parsers).
ASK_ID = re.compile(r"careerbot:ask:(?P<entry>[a-z0-9.-]+)(?::(?P<owner>[0-9a-z]+))?")
RELATED_ID = re.compile(r"careerbot:rel:(?P<entry>[a-z0-9.-]+)")
VOTE_ID = re.compile(r"careerbot:vote:(?:up|down):(?P<entry>[a-z0-9.-]+)")


def parse_ask(custom_id: str) -> tuple[str, str | None] | None:
    m = ASK_ID.fullmatch(custom_id)
    return (m["entry"], m["owner"]) if m else None


def parse_related(custom_id: str) -> str | None:
    m = RELATED_ID.fullmatch(custom_id)
    return m["entry"] if m else None


def parse_vote(custom_id: str) -> str | None:
    m = VOTE_ID.fullmatch(custom_id)
    return m["entry"] if m else None


def ephemeral(rec: Recorded) -> bool:
    return bool(int(rec.data.get("flags", 0) or 0) & EPHEMERAL)


def votes_in(rec: Recorded) -> list[str]:
    return [c for c in custom_ids(rec) if parse_vote(c)]


# ------------------------------------------------------------------------------- item 1
@pytest.mark.parametrize("typed", PREFIXES)
async def test_autocomplete_offers_three_distinct_grammatical_choices(
    fake: FakeDiscord, bot: Any, typed: str
) -> None:
    inter = await fake.autocomplete("ask", {"question": typed}, focused="question")
    cb = await fake.response(inter)
    choices = cb.data["choices"]
    assert all(c["name"] == c["value"] for c in choices)  # the choice asks what it shows
    check_choices(typed, [c["name"] for c in choices])


# ------------------------------------------------------------------------------- item 3
async def test_a_quick_fact_without_data_is_private_and_has_no_votes(
    fake: FakeDiscord, bot: Any
) -> None:
    inter = await fake.slash("skills", {"career": "teller"})
    msg = await final(fake, inter)
    assert ephemeral(msg), msg.data
    assert not votes_in(msg)
    assert "no skills" in visible_text(msg).lower()
    with_data = await final(fake, await fake.slash("skills", {}))
    assert not ephemeral(with_data) and votes_in(with_data)


async def test_a_topic_autocomplete_offers_only_careers_with_that_data(
    fake: FakeDiscord, bot: Any
) -> None:
    from bot.engine import facts
    from bot.knowledge.model import Topic

    kb = bot.engine.kb
    inter = await fake.autocomplete("skills", {"career": ""}, focused="career")
    offered = [c["value"] for c in (await fake.response(inter)).data["choices"]]
    expected = [s for s in kb.careers if facts.has_data(kb, s, Topic.SKILLS)]
    assert offered and sorted(offered) == sorted(expected)
    assert len(offered) < len(kb.careers)
    inter = await fake.autocomplete("salary", {"career": ""}, focused="career")
    assert len((await fake.response(inter)).data["choices"]) == len(kb.careers)


# ------------------------------------------------------------------------------- item 4
async def test_ask_careerbot_on_an_off_topic_message_answers_only_the_menu_user(
    fake: FakeDiscord, bot: Any
) -> None:
    target = fake.user_message("what is the weather like on saturday", user=fake.member)
    mark = fake.mark()
    inter = await fake.context_menu_message("Ask careerbot", target, user=fake.moderator)
    msg = await final(fake, inter)
    assert ephemeral(msg), msg.data
    await final(fake, await fake.slash("ask", {"question": PAY_QUESTION}))  # later settled
    posted = [r for r in fake.requests[mark:] if r.kind == KIND_CHANNEL_MESSAGE]
    assert posted == [], [visible_text(r) for r in posted]


# ------------------------------------------------------------------------------- item 5
async def test_the_askers_pick_turns_the_did_you_mean_into_the_answer(
    fake: FakeDiscord, bot: Any, engine: Engine, settings: Settings
) -> None:
    import sqlite3

    question = unsure_question(engine)
    inter = await fake.slash("ask", {"question": question})
    msg = await final(fake, inter)
    picks = [c for c in custom_ids(msg) if parse_ask(c)]
    assert len(picks) >= 2 and msg.message is not None
    message_id = int(msg.message["id"])
    mark = fake.mark()
    click = await fake.click(message_id, picks[0])
    cb = await fake.response(click)
    assert cb.body["type"] == 7, cb.body  # the clicked message is edited, nothing new posted
    parsed = parse_ask(picks[0])
    assert parsed is not None
    expected = engine.answer_entry(parsed[0])
    assert expected is not None and expected.title[:40] in visible_text(cb)
    now = fake.messages[message_id]
    left = [c["custom_id"] for row in now["components"] for c in row["components"]]
    assert not [c for c in left if parse_ask(c)], "did-you-mean buttons still clickable"
    assert votes_in(cb)
    assert [r for r in fake.requests[mark:] if r.kind == KIND_CHANNEL_MESSAGE] == []
    with sqlite3.connect(settings.database_path) as db:  # the gaps report learns the pick
        picks = db.execute("SELECT question, entry_id FROM picks").fetchall()
    assert picks == [(question, parsed[0])]


async def test_someone_elses_pick_is_answered_privately(
    fake: FakeDiscord, bot: Any, engine: Engine
) -> None:
    inter = await fake.slash("ask", {"question": unsure_question(engine)})
    msg = await final(fake, inter)
    picks = [c for c in custom_ids(msg) if parse_ask(c)]
    assert picks and msg.message is not None
    click = await fake.click(int(msg.message["id"]), picks[1], user=OTHER)
    cb = await fake.response(click)
    assert cb.body["type"] == 4 and ephemeral(cb), cb.body
    assert fake.messages[int(msg.message["id"])]["components"] == msg.message["components"]


# ------------------------------------------------------------------------------- item 7
@pytest.fixture
def default_cooldown(settings: Settings) -> Settings:
    return settings.model_copy(update={"cooldown": CooldownConfig()})


async def test_ten_quick_facts_in_a_row_get_no_notice_and_a_flood_is_limited(
    fake: FakeDiscord, default_cooldown: Settings
) -> None:
    cfg = default_cooldown.cooldown
    commands = ["path", "skills", "certs", "outlook", "education", "career", "sources"]
    async with careerbot_running(fake, default_cooldown):
        browsing = [
            await fake.slash(commands[i % len(commands)], {"name": "teller"} if i % 7 == 5 else {})
            for i in range(10)
        ]
        for sent in browsing:
            text = visible_text(await final(fake, sent, within=10))
            assert "try again in" not in text, text
        # Questions have their own bucket: browsing facts did not use it up.
        asked = await final(fake, await fake.slash("ask", {"question": PAY_QUESTION}))
        assert "42,830" in visible_text(asked)
        rate = getattr(cfg, "facts_rate", cfg.rate)  # one bucket for everything before
        flood = [await fake.slash("outlook", {}) for _ in range(rate)]
        replies = [await final(fake, s, within=10) for s in flood]
        notices = [r for r in replies if "try again in" in visible_text(r)]
        assert len(notices) == 10, len(notices)  # 10 browsing + rate flood: 10 over the limit
        assert all(ephemeral(r) for r in notices)


# ------------------------------------------------------------------------------- item 8
@pytest.mark.parametrize("via", ["slash", "mention"])
async def test_the_engines_decline_reason_reaches_discord(
    fake: FakeDiscord, bot: Any, engine: Engine, via: str
) -> None:
    question = "how much do nurses make"
    reason = engine.ask(question).body.split(".")[0]
    assert "nurses" in reason
    if via == "slash":
        msg = await final(fake, await fake.slash("ask", {"question": question}))
        assert ephemeral(msg)
    else:
        mark = fake.mark()
        await fake.message(f"<@{bot.user.id}> {question}", mention_bot=True)
        msg = await fake.channel_message(CHANNEL_ID, start=mark, within=10)
    assert reason in visible_text(msg), visible_text(msg)
    assert not votes_in(msg)


# ------------------------------------------------------------------------------- item 9
async def test_a_bad_salary_level_gets_one_clear_line(fake: FakeDiscord, bot: Any) -> None:
    msg = await final(fake, await fake.slash("salary", {"level": "wizard"}))
    text = visible_text(msg)
    assert ephemeral(msg) and "wizard" in text and "entry" in text and "manager" in text
    assert "went wrong" not in text
    synonym = await final(fake, await fake.slash("salary", {"level": "junior"}), within=20)
    assert not ephemeral(synonym) and "went wrong" not in visible_text(synonym)


async def test_comparing_a_career_with_itself_says_so(fake: FakeDiscord, bot: Any) -> None:
    msg = await final(fake, await fake.slash("compare", {"a": "teller", "b": "teller"}))
    assert ephemeral(msg) and "same career" in visible_text(msg), visible_text(msg)


async def test_related_questions_are_buttons_that_ask_them(
    fake: FakeDiscord, bot: Any, engine: Engine
) -> None:
    msg = await final(fake, await fake.slash("ask", {"question": PAY_QUESTION}))
    related = [c for c in custom_ids(msg) if parse_related(c)]
    assert related and msg.message is not None, custom_ids(msg)
    entry_id = parse_related(related[0])
    assert entry_id is not None
    mark = fake.mark()
    cb = await fake.response(await fake.click(int(msg.message["id"]), related[0]))
    expected = engine.answer_entry(entry_id)
    assert expected is not None and expected.title[:40] in visible_text(cb)
    assert ephemeral(cb) and votes_in(cb)
    assert [r for r in fake.requests[mark:] if r.kind == KIND_CHANNEL_MESSAGE] == []


def removable_entry(knowledge: Path) -> tuple[Path, dict[str, Any]]:
    """A Q&A entry nothing else refers to (so the knowledge stays valid without it)."""
    everything = "\n".join(p.read_text() for p in knowledge.rglob("*.yaml"))
    for path in sorted((knowledge / "careers").glob("*/qa/*.yaml")):
        for entry in yaml.safe_load(path.read_text())["entries"]:
            if len(re.findall(rf"\b{re.escape(entry['id'])}\b", everything)) == 1:
                return path, dict(entry)
    pytest.fail("every entry is referred to; pick another way to remove one")


async def test_a_vote_for_a_removed_entry_is_refused_and_not_stored(
    fake: FakeDiscord, bot: Any, knowledge: Path, settings: Settings
) -> None:
    from bot.store.sqlite import SqliteStore

    path, entry = removable_entry(knowledge)
    msg = await final(fake, await fake.slash("ask", {"question": entry["question"]}))
    ups = [c for c in custom_ids(msg) if c == f"careerbot:vote:up:{entry['id']}"]
    assert ups and msg.message is not None, custom_ids(msg)
    text = path.read_text()
    data = yaml.safe_load(text)
    data["entries"] = [e for e in data["entries"] if e["id"] != entry["id"]]
    path.write_text(text.splitlines()[0] + "\n" + yaml.safe_dump(data, sort_keys=False))
    reload = await final(fake, await fake.slash("kb reload", user=fake.moderator), within=30)
    assert visible_text(reload).startswith("✅"), visible_text(reload)
    cb = await fake.response(await fake.click(int(msg.message["id"]), ups[0]))
    assert ephemeral(cb) and "no longer" in visible_text(cb), visible_text(cb)
    store = await SqliteStore.open(settings.database_path)
    try:
        votes = {v.entry_id for v in (await store.stats()).votes}
    finally:
        await store.close()
    assert entry["id"] not in votes


async def test_an_unknown_career_names_the_known_ones(fake: FakeDiscord, bot: Any) -> None:
    msg = await final(fake, await fake.slash("career", {"name": "wizard"}))
    text = visible_text(msg)
    assert ephemeral(msg)
    for ck in bot.engine.kb.careers.values():
        assert ck.career.name in text, text


# ------------------------------------------------------------------------------- item 10
async def test_kb_is_manage_server_by_default_and_the_refusal_says_how_to_allow_a_role(
    fake: FakeDiscord, bot: Any
) -> None:
    from tests.e2e.fake_discord import MANAGE_GUILD, PLAIN_MEMBER_PERMISSIONS

    await final(fake, await fake.slash("kb sync", user=fake.owner), within=15)
    kb = [c for c in fake.commands[None] if c["name"] == "kb"]
    assert kb and int(kb[0]["default_member_permissions"]) == MANAGE_GUILD
    plain = FakeUser(1_400_000_000_000_000_031, "plain")
    inter: Sent = await fake.slash(
        "kb stats", user=plain, member_permissions=PLAIN_MEMBER_PERMISSIONS
    )
    cb = await fake.response(inter)
    text = visible_text(cb)
    assert ephemeral(cb) and "Integrations" in text and "/kb" in text, text
    assert embeds_of(cb) == []


# ------------------------------------------------------------------------------- small talk
async def test_small_talk_is_a_short_private_reply_without_votes_logged_as_smalltalk(
    fake: FakeDiscord, bot: Any, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine may answer a greeting with small talk: sent as it is, never with votes."""
    import sqlite3

    from bot.engine.answer import Answer

    real_ask = bot.engine.ask
    # Outcome.SMALLTALK once the engine has it; until then the value the pipeline checks.
    smalltalk = cast(Outcome, getattr(Outcome, "SMALLTALK", "smalltalk"))
    hello = Answer(smalltalk, "Hi!", "Hi! Ask me about pay, skills or careers.")
    monkeypatch.setattr(bot.engine, "ask", lambda q: hello if q == "hello there" else real_ask(q))
    msg = await final(fake, await fake.slash("ask", {"question": "hello there"}))
    assert ephemeral(msg) and "Ask me about pay" in visible_text(msg)
    assert custom_ids(msg) == []
    mark = fake.mark()
    await fake.message(f"<@{bot.user.id}> hello there", mention_bot=True)
    reply = await fake.channel_message(CHANNEL_ID, start=mark, within=10)
    assert "Ask me about pay" in visible_text(reply) and custom_ids(reply) == []
    with sqlite3.connect(settings.database_path) as db:
        outcomes = [o for (o,) in db.execute("SELECT outcome FROM questions")]
    assert outcomes == ["smalltalk", "smalltalk"]


# ------------------------------------------------------------------------------- "More"
async def test_more_shows_the_details_privately(
    fake: FakeDiscord, bot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When presentation has details beyond the short answer, a "More" button shows them
    to whoever clicks, privately; without details there is no button."""
    import bot.render as render

    first = await final(fake, await fake.slash("ask", {"question": PAY_QUESTION}))
    details = getattr(render, "more_embeds", None)
    more_ids = [c for c in custom_ids(first) if c.startswith("careerbot:more:")]
    assert bool(more_ids) == bool(details and details(bot.engine.ask(PAY_QUESTION)))

    def fake_details(answer: Any) -> list[dict[str, Any]]:
        return [{"title": f"Details of {answer.title}", "description": "x" * 3000}] * 3

    monkeypatch.setattr(render, "more_embeds", fake_details, raising=False)
    bot.pipeline.clear()
    msg = await final(fake, await fake.slash("ask", {"question": PAY_QUESTION}))
    more_ids = [c for c in custom_ids(msg) if c.startswith("careerbot:more:")]
    assert more_ids and msg.message is not None
    click = await fake.click(int(msg.message["id"]), more_ids[0], user=OTHER)
    cb = await fake.response(click)
    assert ephemeral(cb)
    shown = embeds_of(cb)
    assert len(shown) == 1  # two would pass Discord's 6,000 characters a message
    assert shown[0]["title"].startswith("Details of")
    rest = [await fake.followup(click, start=fake.requests.index(cb) + 1)]
    rest.append(await fake.followup(click, start=fake.requests.index(rest[0]) + 1))
    assert all(ephemeral(r) and len(embeds_of(r)) == 1 for r in rest)  # every page arrives


async def test_more_on_a_real_long_answer(fake: FakeDiscord, bot: Any) -> None:
    """/skills is long: the default reply is short, the rest is one click away."""
    msg = await final(fake, await fake.slash("skills", {}))
    embed = embeds_of(msg)[0]
    assert len(embed.get("fields", [])) <= 6
    more_ids = [c for c in custom_ids(msg) if c.startswith("careerbot:more:")]
    assert more_ids and msg.message is not None, custom_ids(msg)
    cb = await fake.response(await fake.click(int(msg.message["id"]), more_ids[0]))
    assert ephemeral(cb) and embeds_of(cb)
    assert sum(len(e.get("fields", [])) for e in embeds_of(cb)) >= 1
