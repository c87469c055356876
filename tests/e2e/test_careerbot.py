"""careerbot end to end: the real bot, the real discord.py client, the local fake Discord.

Every assertion is on what went over the wire (interaction callbacks, followups, channel
messages, multipart files) or on what the bot stored, never on the bot's internals.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import bot.app as app
from bot.config import Settings
from bot.engine import Engine
from bot.knowledge.loader import load_knowledge
from bot.ui import parse_ask
from tests.e2e.conftest import REPO, connected, fake_env, spawned
from tests.e2e.fake_discord import (
    APP_ID,
    CHANNEL_ID,
    DM_CHANNEL_ID,
    EPHEMERAL,
    KIND_CALLBACK,
    MODERATOR_ROLE_ID,
    OWNER_ID,
    RETRAIN_WITHIN,
    FakeDiscord,
    Recorded,
    Sent,
)
from tests.teaching import unsure_question

pytestmark = pytest.mark.e2e

KNOWLEDGE = REPO / "knowledge"

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PAY_QUESTION = "how much does a customer service representative earn"


# ---------------------------------------------------------------------------------- fixtures
@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    """A private copy of knowledge/ (reload tests edit it)."""
    copy = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, copy)
    return copy


def careerbot_settings(tmp_path: Path, knowledge: Path) -> Settings:
    from pydantic import SecretStr

    from tests.e2e.conftest import FAKE_TOKEN

    return Settings(
        knowledge_path=knowledge,
        database_path=tmp_path / "data" / "careerbot.sqlite3",
        heartbeat_path=tmp_path / "data" / "heartbeat",
        moderator_role_ids=[MODERATOR_ROLE_ID],
        owner_ids=[OWNER_ID],
        message_content={"enabled": True},  # type: ignore[arg-type]
        token=SecretStr(FAKE_TOKEN),
    )


@pytest.fixture
def settings(tmp_path: Path, knowledge: Path) -> Settings:
    return careerbot_settings(tmp_path, knowledge)


@contextlib.asynccontextmanager
async def careerbot_running(fake: FakeDiscord, settings: Settings) -> AsyncIterator[Any]:
    bot = app.create_bot(settings)
    # create_bot takes no client options: shorten discord.py's 2 s wait for GUILD_CREATEs.
    bot._connection.guild_ready_timeout = 0.05
    async with connected(bot, fake):
        yield bot


@pytest.fixture
async def bot(fake: FakeDiscord, settings: Settings) -> AsyncIterator[Any]:
    async with careerbot_running(fake, settings) as running:
        yield running


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_knowledge(KNOWLEDGE))


# ----------------------------------------------------------------------------------- helpers
def embeds_of(rec: Recorded) -> list[dict[str, Any]]:
    embeds = rec.data.get("embeds") or []
    assert isinstance(embeds, list)
    return embeds


def custom_ids(rec: Recorded) -> list[str]:
    return [
        comp["custom_id"]
        for row in rec.data.get("components") or []
        for comp in row.get("components", [])
        if "custom_id" in comp
    ]


def visible_text(rec: Recorded) -> str:
    """Everything a user reads in a message: content plus every embed text."""
    parts = [rec.data.get("content") or ""]
    for embed in embeds_of(rec):
        parts += [embed.get("title", ""), embed.get("description", "")]
        parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
        parts.append(embed.get("footer", {}).get("text", ""))
    return "\n".join(parts)


def assert_safe_mentions(fake: FakeDiscord) -> None:
    """Every message the bot sent disallows @everyone/@here and role pings.

    Defers (callback type 5/6) carry no text and autocomplete (8) is no message: skipped."""
    sent = [
        r
        for r in fake.bot_messages()
        if (r.data.get("content") or r.data.get("embeds"))
        and not (r.kind == "callback" and r.body.get("type") not in (4, 7))
    ]
    assert sent, "the bot sent nothing"
    for rec in sent:
        allowed = rec.data.get("allowed_mentions")
        assert allowed is not None, f"no allowed_mentions in {rec.method} {rec.path}"
        assert "everyone" not in allowed.get("parse", []), rec.path
        assert "roles" not in allowed.get("parse", []), rec.path
        assert not allowed.get("roles"), rec.path


async def final(fake: FakeDiscord, inter: Sent, within: float = 10.0) -> Recorded:
    return await fake.final_message(inter, within=within)


def first_qa_entry(knowledge: Path) -> dict[str, Any]:
    path = sorted((knowledge / "careers").glob("*/qa/*.yaml"))[0]
    data = yaml.safe_load(path.read_text())
    entries = data["entries"] if isinstance(data, dict) else data
    return dict(entries[0])


# ------------------------------------------------------------------------------------- tests
async def test_ask_answers_with_sources_in_the_footer(fake: FakeDiscord, bot: Any) -> None:
    inter = await fake.slash("ask", {"question": PAY_QUESTION})
    msg = await final(fake, inter)
    embed = embeds_of(msg)[0]
    assert "42,830" in visible_text(msg)
    footer = embed["footer"]["text"]
    titles = [
        s["title"] for s in yaml.safe_load((KNOWLEDGE / "sources.yaml").read_text())["sources"]
    ]
    assert any(title[:30] in footer for title in titles), footer
    assert_safe_mentions(fake)


@pytest.mark.parametrize("typed", ["how much do customer serv", "salar"])
async def test_ask_autocomplete_fits_discord_limits(
    fake: FakeDiscord, bot: Any, typed: str
) -> None:
    inter = await fake.autocomplete("ask", {"question": typed}, focused="question")
    cb = await fake.response(inter)
    assert cb.body["type"] == 8
    choices = cb.data["choices"]
    assert 1 <= len(choices) <= 25
    for choice in choices:
        assert 1 <= len(choice["name"]) <= 100
        assert 1 <= len(str(choice["value"])) <= 100
    assert any("pay" in c["name"].lower() or "earn" in c["name"].lower() for c in choices)


async def test_did_you_mean_button_answers_the_picked_question(
    fake: FakeDiscord, bot: Any, engine: Engine
) -> None:
    unsure = unsure_question(engine, suggestions=1)
    inter = await fake.slash("ask", {"question": unsure})
    msg = await final(fake, inter)
    asks = [c for c in custom_ids(msg) if c.startswith("careerbot:ask:")]
    assert asks, custom_ids(msg)
    parsed = parse_ask(asks[0])
    assert parsed is not None
    picked = parsed[0]
    assert msg.message is not None
    click = await fake.click(int(msg.message["id"]), asks[0])
    answer = await final(fake, click)
    expected = engine.answer_entry(picked)
    assert expected is not None and expected.answered
    assert expected.title[:50] in visible_text(answer)
    assert_safe_mentions(fake)


async def test_feedback_vote_is_stored(fake: FakeDiscord, bot: Any, settings: Settings) -> None:
    from bot.store.sqlite import SqliteStore

    inter = await fake.slash("ask", {"question": PAY_QUESTION})
    msg = await final(fake, inter)
    ups = [c for c in custom_ids(msg) if c.startswith("careerbot:vote:up:")]
    assert ups, custom_ids(msg)
    entry_id = ups[0].removeprefix("careerbot:vote:up:")
    assert msg.message is not None
    click = await fake.click(int(msg.message["id"]), ups[0])
    await fake.response(click)
    store = await SqliteStore.open(settings.database_path)
    try:
        stats = await store.stats()
    finally:
        await store.close()
    votes = {v.entry_id: (v.up, v.down) for v in stats.votes}
    assert votes.get(entry_id) == (1, 0)
    assert stats.total >= 1


async def test_mention_gets_a_reply(fake: FakeDiscord, bot: Any) -> None:
    mark = fake.mark()
    msg = await fake.message(f"<@{APP_ID}> {PAY_QUESTION}", mention_bot=True)
    reply = await fake.channel_message(CHANNEL_ID, start=mark, within=10)
    assert int(reply.body["message_reference"]["message_id"]) == int(msg["id"])
    assert "42,830" in visible_text(reply)
    assert_safe_mentions(fake)


async def test_dm_is_answered(fake: FakeDiscord, bot: Any) -> None:
    await fake.message(PAY_QUESTION, dm=True)
    reply = await fake.channel_message(DM_CHANNEL_ID, within=10)
    assert "42,830" in visible_text(reply)


async def test_context_menu_answers_the_target_message(fake: FakeDiscord, bot: Any) -> None:
    target = fake.user_message(PAY_QUESTION, user=fake.member)
    mark = fake.mark()
    inter = await fake.context_menu_message("Ask careerbot", target, user=fake.moderator)
    await fake.response(inter)
    answer = await fake.wait_for(
        lambda r: r in fake.bot_messages() and "42,830" in visible_text(r),
        start=mark,
        within=10,
    )
    # The answer goes to the asker's message, so everyone sees what was answered.
    assert answer.kind == "channel_message", answer.kind
    assert int(answer.body["message_reference"]["message_id"]) == int(target["id"])
    assert_safe_mentions(fake)


async def test_salary_attaches_a_png_chart(fake: FakeDiscord, bot: Any) -> None:
    inter = await fake.slash("salary")
    msg = await final(fake, inter, within=20)
    assert msg.files, "no file uploaded"
    png = msg.files[0]
    assert png.data.startswith(PNG_SIGNATURE)
    assert (png.filename or "").endswith(".png")
    image = embeds_of(msg)[0].get("image", {}).get("url", "")
    assert image == f"attachment://{png.filename}" or not image
    assert_safe_mentions(fake)


def _mark_answer(knowledge: Path, marker: str) -> dict[str, Any]:
    """Append ``marker`` to the first Q&A entry's answer in the copy; returns that entry."""
    path = sorted((knowledge / "careers").glob("*/qa/*.yaml"))[0]
    text = path.read_text()
    entry = first_qa_entry(knowledge)
    first_line = entry["answer"].split()[0:4]
    assert first_line
    data = yaml.safe_load(text)
    data["entries"][0]["answer"] = f"{entry['answer']} {marker}"
    header = text.splitlines()[0]
    path.write_text(header + "\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return entry


async def test_kb_reload_by_moderator(
    fake: FakeDiscord, bot: Any, knowledge: Path, engine: Engine
) -> None:
    marker = "ZQXMARKER reloaded"
    entry = _mark_answer(knowledge, marker)
    inter = await fake.slash("kb reload", user=fake.moderator)
    reply = await final(fake, inter, within=RETRAIN_WITHIN)
    assert "error" not in visible_text(reply).lower()
    ask = await fake.slash("ask", {"question": entry["question"]})
    assert marker in visible_text(await final(fake, ask))


async def test_kb_reload_with_a_broken_file_keeps_the_last_good_knowledge(
    fake: FakeDiscord, bot: Any, knowledge: Path
) -> None:
    pay = knowledge / "careers" / "customer-service-representative" / "qa" / "pay.yaml"
    lines = pay.read_text().splitlines()
    broken_line = len(lines) + 1
    pay.write_text("\n".join(lines) + "\n  - id: [unclosed\n")
    inter = await fake.slash("kb reload", user=fake.moderator)
    reply = visible_text(await final(fake, inter, within=20))
    import re

    where = re.search(r"pay\.yaml:(\d+)", reply)
    assert where, reply
    assert abs(int(where.group(1)) - broken_line) <= 1, reply
    ask = await fake.slash("ask", {"question": PAY_QUESTION})
    assert "42,830" in visible_text(await final(fake, ask))


async def test_kb_reload_by_a_plain_member_is_refused(
    fake: FakeDiscord, bot: Any, knowledge: Path
) -> None:
    marker = "ZQXMARKER must not load"
    entry = _mark_answer(knowledge, marker)
    inter = await fake.slash("kb reload", user=fake.member)
    cb = await fake.response(inter)
    flags = int(cb.data.get("flags", 0) or 0)
    assert flags & EPHEMERAL
    ask = await fake.slash("ask", {"question": entry["question"]})
    assert marker not in visible_text(await final(fake, ask))


async def test_gateway_drop_then_another_question(fake: FakeDiscord, bot: Any) -> None:
    await fake.drop(1006)
    await fake.wait_resume_count(1)
    inter = await fake.slash("ask", {"question": PAY_QUESTION})
    assert "42,830" in visible_text(await final(fake, inter))
    assert fake.identify_count == 1


async def test_rate_limited_answer_still_arrives(fake: FakeDiscord, bot: Any) -> None:
    fake.fail_next(KIND_CALLBACK, status=429, count=1, retry_after=0.1)
    inter = await fake.slash("ask", {"question": PAY_QUESTION})
    assert "42,830" in visible_text(await final(fake, inter))
    statuses = [r.status for r in fake.requests if r.interaction_id == inter.id]
    assert statuses[:2] == [429, 200]


# ------------------------------------------------------------------------------- subprocess
def write_config(tmp_path: Path, knowledge: Path) -> Path:
    work = tmp_path / "run"
    (work / "data").mkdir(parents=True)
    config = {
        "knowledge_path": str(knowledge),
        "database_path": str(work / "data" / "careerbot.sqlite3"),
        "heartbeat_path": str(work / "data" / "heartbeat"),
        "moderator_role_ids": [MODERATOR_ROLE_ID],
    }
    (work / "config.yaml").write_text(yaml.safe_dump(config))
    return work


async def test_python_m_bot_run_answers_and_stats_count_it(
    fake: FakeDiscord, tmp_path: Path, knowledge: Path
) -> None:
    work = write_config(tmp_path, knowledge)
    async with spawned(fake, ["-m", "bot", "run"], cwd=work) as proc:
        inter = await fake.slash("ask", {"question": PAY_QUESTION})
        msg = await final(fake, inter, within=20)
        assert "42,830" in visible_text(msg)
        ups = [c for c in custom_ids(msg) if c.startswith("careerbot:vote:up:")]
        assert msg.message is not None and ups
        click = await fake.click(int(msg.message["id"]), ups[0])
        await fake.response(click, within=10)
        await fake.drop(1006)
        await fake.wait_resume_count(1, within=20)
        again = await fake.slash("ask", {"question": PAY_QUESTION})
        assert "42,830" in visible_text(await final(fake, again, within=20))
    assert proc.proc.returncode == 0, proc.output()
    entry_id = ups[0].removeprefix("careerbot:vote:up:")
    stats = await stats_of(work, fake)
    assert stats["total"] >= 2
    assert {"entry_id": entry_id, "up": 1, "down": 0} in stats["votes"]


async def stats_of(work: Path, fake: FakeDiscord) -> dict[str, Any]:
    """``python -m bot stats --json`` run in ``work`` (it reads work/config.yaml)."""
    out = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "stats", "--json"],
        cwd=work,
        env=fake_env(fake),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    result: dict[str, Any] = json.loads(out.stdout)
    return result


async def test_a_held_write_lock_does_not_hold_up_answers_nor_lose_questions(
    fake: FakeDiscord, tmp_path: Path, knowledge: Path
) -> None:
    """Another process holds the database's write lock (a backup, a slow disk): every answer
    still arrives while the lock is held (replies wait on the log a bounded time only, not
    for the lock), and once it clears every question is stored, so a SIGKILL then loses none.
    (While the lock is held, answered questions are queued in memory: see the store.)
    """
    import sqlite3

    from tests.e2e.fake_discord import FakeUser

    work = write_config(tmp_path, knowledge)
    db_path = work / "data" / "careerbot.sqlite3"
    questions = [f"{PAY_QUESTION} #{i}" for i in range(40)]

    def stored() -> set[str]:
        with contextlib.closing(sqlite3.connect(db_path)) as db:
            return {t for (t,) in db.execute("SELECT text FROM questions WHERE via = 'slash'")}

    async with spawned(fake, ["-m", "bot", "run"], cwd=work) as proc:
        stall = sqlite3.connect(db_path, isolation_level=None)
        try:
            stall.execute("BEGIN IMMEDIATE")
            sent = [
                await fake.slash("ask", {"question": q}, user=FakeUser(9_000_000 + i, f"u{i}"))
                for i, q in enumerate(questions)
            ]
            replies = [await final(fake, inter, within=20) for inter in sent]
            assert all(embeds_of(r) for r in replies)  # answered, not an error
            assert stored() == set()  # every answer arrived while the lock was still held
            stall.execute("COMMIT")
        finally:
            stall.close()
        for _ in range(300):  # the bot retries with backoff (at most 2 s apart)
            if stored() >= set(questions):
                break
            await asyncio.sleep(0.1)
        proc.proc.kill()
        await asyncio.to_thread(proc.proc.wait, 30)
    assert stored() >= set(questions), sorted(set(questions) - stored())
