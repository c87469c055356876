"""Teaching over the wire: a member's unsure question and the suggestion they picked show up in
/kb gaps; the moderator picks the entry in the gaps select; the next member asking the same
question gets that answer. A plain member cannot teach, by select or by /kb teach."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import Settings
from bot.engine import Engine
from bot.engine.answer import Outcome
from bot.gaps_ui import NOT_ALLOWED
from bot.ui import parse_ask
from tests.e2e import test_careerbot as careerbot
from tests.e2e.fake_discord import EPHEMERAL, RETRAIN_WITHIN, FakeDiscord
from tests.e2e.test_careerbot import custom_ids, final, visible_text
from tests.teaching import WIDE_UNSURE, Gap, find_gap, gap_engine

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def gap(shipped_engine: Engine) -> Gap:  # shipped_engine: trained (and cached) first
    return find_gap(gap_engine())


# The fixtures of the main e2e module: a bot on a private copy of the knowledge...
bot, knowledge = careerbot.bot, careerbot.knowledge


@pytest.fixture
def settings(tmp_path: Path, knowledge: Path) -> Settings:
    """...with the teaching tests' wide unsure band (tests/teaching.py)."""
    base = careerbot.careerbot_settings(tmp_path, knowledge)
    engine = base.engine.model_copy(update={"unsure_threshold": WIDE_UNSURE})
    return base.model_copy(update={"engine": engine})


def snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.rglob("*.yaml")}


def gap_selects(rec: Any) -> list[str]:
    return [c for c in custom_ids(rec) if c.startswith("careerbot:gap:")]


async def test_a_gap_is_taught_from_the_gaps_select(
    gap: Gap, fake: FakeDiscord, bot: Any, settings: Settings, knowledge: Path
) -> None:
    entry, question = gap.entry_id, gap.question
    before = gap_engine(knowledge).ask(question)
    assert before.outcome is Outcome.UNSURE and entry in [s.entry_id for s in before.suggestions]
    asked = await final(fake, await fake.slash("ask", {"question": question}))
    pick = next(c for c in custom_ids(asked) if (parse_ask(c) or ("",))[0] == entry)
    assert asked.message is not None
    await fake.response(await fake.click(int(asked.message["id"]), pick))

    gaps = await final(fake, await fake.slash("kb gaps", user=fake.moderator))
    assert int(gaps.data.get("flags", 0) or 0) & EPHEMERAL
    assert question in visible_text(gaps)
    assert f"members picked `{entry}` ×1" in visible_text(gaps)
    (select,) = gap_selects(gaps)[:1]
    assert gaps.message is not None
    gaps_id = int(gaps.message["id"])

    refused = await fake.response(await fake.select(gaps_id, select, [entry], user=fake.member))
    assert NOT_ALLOWED in visible_text(refused)
    assert question not in (knowledge / gap.file).read_text()

    inter = await fake.select(gaps_id, select, [entry], user=fake.moderator)
    edited = await fake.final_message(inter, within=RETRAIN_WITHIN)
    text = visible_text(edited)
    assert f"✅ Taught “{question}” → `{entry}` by moderator" in text, text
    assert f"knowledge/{gap.file.as_posix()}:" in text
    assert select not in custom_ids(edited)  # that gap's select is gone

    answer = await final(fake, await fake.slash("ask", {"question": question}))
    assert gap.entry_question in visible_text(answer)
    taught = next(
        e for e in yaml.safe_load((knowledge / gap.file).read_text())["entries"] if e["id"] == entry
    )
    assert taught["phrasings"][-1] == question

    history = await final(fake, await fake.slash("kb history", user=fake.moderator))
    assert f"“{question}” → {entry}" in visible_text(history)


async def test_a_plain_member_cannot_teach(
    gap: Gap, fake: FakeDiscord, bot: Any, knowledge: Path
) -> None:
    before = snapshot(knowledge)
    inter = await fake.slash("kb teach", {"question": gap.question, "entry": gap.entry_id})
    reply = await final(fake, inter)
    assert int(reply.data.get("flags", 0) or 0) & EPHEMERAL
    assert "Taught" not in visible_text(reply)
    assert snapshot(knowledge) == before


async def test_kb_teach_and_untaught(
    gap: Gap, fake: FakeDiscord, bot: Any, knowledge: Path
) -> None:
    work = knowledge / gap.file
    original = work.read_bytes()
    inter = await fake.slash(
        "kb teach", {"question": gap.question, "entry": gap.entry_id}, user=fake.moderator
    )
    reply = await final(fake, inter, within=RETRAIN_WITHIN)
    assert "✅ Taught" in visible_text(reply) and "(#1)" in visible_text(reply)
    assert work.read_bytes() != original
    undo = await final(fake, await fake.slash("kb untaught", {"id": 1}, user=fake.moderator), 60)
    assert "↩️ Undid #1" in visible_text(undo)
    assert work.read_bytes() == original


def immutable(folder: Path, on: bool) -> bool:
    """chattr ±i: an immutable folder refuses new files even to root (a read-only mount)."""
    if shutil.which("chattr") is None:
        return False
    flag = "+i" if on else "-i"
    done = subprocess.run(["chattr", flag, str(folder)], capture_output=True, check=False)
    return done.returncode == 0


async def test_a_read_only_knowledge_folder_gets_a_diff_attachment(
    gap: Gap, fake: FakeDiscord, bot: Any, knowledge: Path
) -> None:
    qa = (knowledge / gap.file).parent
    if not immutable(qa, True):
        pytest.skip("chattr +i is not available here (needs root on ext4)")
    try:
        before = snapshot(knowledge)
        inter = await fake.slash(
            "kb teach", {"question": gap.question, "entry": gap.entry_id}, user=fake.moderator
        )
        reply = await final(fake, inter, within=RETRAIN_WITHIN)
        assert "read-only" in visible_text(reply), visible_text(reply)
        (diff,) = reply.files
        assert diff.filename == "taught.diff"
        text = diff.data.decode()
        assert text.startswith("--- a/knowledge/careers/customer-service-representative/qa/")
        assert f"\n+      - {gap.question}\n" in text
        assert snapshot(knowledge) == before
    finally:
        immutable(qa, False)
