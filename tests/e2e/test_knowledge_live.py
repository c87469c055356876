"""Broken knowledge reaching a RUNNING bot, through ``/kb reload`` and through the file watcher.

For every kind of damage the bot keeps answering from the last good knowledge, tells the
moderator the file and line, never executes a YAML tag, and serves the repaired file once it is
fixed. Everything is asserted on the wire (and, for the watcher, on the bot's log).
"""

from __future__ import annotations

import asyncio
import logging
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from bot.config import CooldownConfig
from tests.e2e.fake_discord import RETRAIN_WITHIN, FakeDiscord
from tests.e2e.test_careerbot import (
    KNOWLEDGE,
    PAY_QUESTION,
    careerbot_running,
    careerbot_settings,
    final,
    visible_text,
)

pytestmark = pytest.mark.e2e

CSR = Path("careers") / "customer-service-representative"
PAY = CSR / "qa" / "pay.yaml"
WORK = CSR / "qa" / "work.yaml"
PAY_FIGURE = "42,830"


def _header(text: str) -> str:
    return text.splitlines()[0]


def _line_of(text: str, needle: str) -> int:
    """1-based line number of the first line containing ``needle``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the file")


def _alias_bomb(text: str) -> tuple[str, int]:
    """A billion-laughs document: nine levels of nine aliases each (9**9 leaves)."""
    lines = [_header(text), "a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        ref = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([ref] * 9)}]")
    lines.append("entries: *a8")
    return "\n".join(lines) + "\n", 2


def _duplicate_id(knowledge: Path) -> tuple[Path, int]:
    """Append pay.yaml's first entry (same id) to work.yaml; returns (file, line of the copy)."""
    first = yaml.safe_load((KNOWLEDGE / PAY).read_text())["entries"][0]
    work = knowledge / WORK
    text = (KNOWLEDGE / WORK).read_text().rstrip("\n") + "\n"
    line = len(text.splitlines()) + 1
    copy = yaml.safe_dump([first], sort_keys=False, allow_unicode=True, width=1000)
    work.write_text(text + "".join("  " + row + "\n" for row in copy.splitlines()))
    return WORK, line


def break_file(kind: str, knowledge: Path, marker: Path) -> tuple[Path, int]:
    """Damage one file of the copy (starting from the pristine file, so damage never stacks);
    returns (path relative to knowledge/, the line the problem is on)."""
    pay = knowledge / PAY
    text = (KNOWLEDGE / PAY).read_text()
    topic = "    topic: salary"
    line = _line_of(text, topic)
    edits: dict[str, Callable[[], tuple[str, int]]] = {
        "syntax": lambda: (text + "  - id: [unclosed\n", len(text.splitlines()) + 1),
        "tab": lambda: (text.replace(topic, "\ttopic: salary", 1), line),
        "empty": lambda: ("", 1),
        "python-tag": lambda: (
            text.replace(
                topic, f"    topic: !!python/object/apply:os.system ['touch {marker}']", 1
            ),
            line,
        ),
        "alias-bomb": lambda: _alias_bomb(text),
        "unknown-field": lambda: (text.replace(topic, topic + "\n    colour: blue", 1), line + 1),
        "unknown-source": lambda: (
            text.replace("    sources: [", "    sources: [no-such-source, ", 1),
            _line_of(text, "    sources: ["),
        ),
    }
    if kind == "non-utf8":
        raw = (KNOWLEDGE / PAY).read_bytes()
        where = _line_of(text, "question: How much")
        pay.write_bytes(raw.replace(b"question: How much", b"question: How \xff\xfe much", 1))
        return PAY, where
    if kind == "duplicate-id":
        return _duplicate_id(knowledge)
    new, where = edits[kind]()
    pay.write_text(new)
    return PAY, where


KINDS = [
    "syntax",
    "tab",
    "non-utf8",
    "empty",
    "python-tag",
    "alias-bomb",
    "unknown-field",
    "duplicate-id",
    "unknown-source",
]


def assert_names_the_problem(text: str, rel: Path, line: int) -> None:
    """``text`` cites ``rel`` (as written under knowledge/) with a line within one of ``line``."""
    found = [int(n) for n in re.findall(re.escape(rel.as_posix()) + r":(\d+)", text)]
    assert found, f"{rel} not cited in:\n{text}"
    assert any(abs(n - line) <= 1 for n in found), f"line {line} not in {found}:\n{text}"


def fixed_with_marker(knowledge: Path, marker_text: str) -> str:
    """Restore the good files, then change the first pay answer; returns its question."""
    for rel in (PAY, WORK):
        shutil.copyfile(KNOWLEDGE / rel, knowledge / rel)
    pay = knowledge / PAY
    text = pay.read_text()
    data = yaml.safe_load(text)
    data["entries"][0]["answer"] += f" {marker_text}"
    pay.write_text(_header(text) + "\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return str(data["entries"][0]["question"])


async def ask_text(fake: FakeDiscord, question: str) -> str:
    inter = await fake.slash("ask", {"question": question})
    return visible_text(await final(fake, inter, within=15))


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    copy = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, copy)
    return copy


@pytest.mark.parametrize("kind", KINDS)
async def test_kb_reload_refuses_broken_knowledge_and_serves_the_fix(
    fake: FakeDiscord, tmp_path: Path, knowledge: Path, kind: str
) -> None:
    marker = tmp_path / "pwned"
    settings = careerbot_settings(tmp_path, knowledge)
    async with careerbot_running(fake, settings):
        rel, line = break_file(kind, knowledge, marker)
        inter = await fake.slash("kb reload", user=fake.moderator)
        reply = await final(fake, inter, within=30)
        text = visible_text(reply)
        assert text.startswith("❌"), text
        assert_names_the_problem(text, rel, line)
        assert PAY_FIGURE in await ask_text(fake, PAY_QUESTION)
        check = visible_text(await final(fake, await fake.slash("kb check", user=fake.moderator)))
        assert_names_the_problem(check, rel, line)
        assert not marker.exists(), "a YAML tag ran a command"

        question = fixed_with_marker(knowledge, "ZQXFIXED")
        again = await fake.slash("kb reload", user=fake.moderator)
        assert visible_text(await final(fake, again, within=RETRAIN_WITHIN)).startswith("✅")
        assert "ZQXFIXED" in await ask_text(fake, question)
    assert not marker.exists()


async def wait_log(
    caplog: pytest.LogCaptureFixture, pattern: str, start: int, within: float
) -> str:
    """The first log message from record ``start`` on that matches ``pattern``."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        for record in caplog.records[start:]:
            message = record.getMessage()
            if re.search(pattern, message):
                return message
        if asyncio.get_running_loop().time() > deadline:
            seen = [r.getMessage() for r in caplog.records[start:]]
            raise AssertionError(f"no log matching {pattern!r}; saw {seen}")
        await asyncio.sleep(0.05)


@pytest.mark.slow
async def test_file_watcher_keeps_the_last_good_knowledge(
    fake: FakeDiscord, tmp_path: Path, knowledge: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """One running bot with ``watch_knowledge``: each kind of damage in turn, then the fix."""
    import os

    kinds = KINDS if os.environ.get("CAREERBOT_SOAK") else ["syntax", "python-tag", "alias-bomb"]
    caplog.set_level(logging.INFO, logger="bot")
    marker = tmp_path / "pwned"
    settings = careerbot_settings(tmp_path, knowledge).model_copy(
        update={"watch_knowledge": True, "cooldown": CooldownConfig(rate=100, per_seconds=60)}
    )
    async with careerbot_running(fake, settings):
        await asyncio.sleep(0.3)  # let the watcher start before the first write
        for number, kind in enumerate(kinds):
            start = len(caplog.records)
            rel, line = break_file(kind, knowledge, marker)
            message = await wait_log(caplog, "kept the last good knowledge", start, within=20)
            assert_names_the_problem(message, rel, line)
            assert PAY_FIGURE in await ask_text(fake, PAY_QUESTION), kind
            assert not marker.exists(), "a YAML tag ran a command"
            start = len(caplog.records)
            question = fixed_with_marker(knowledge, f"ZQXWATCH{number}")
            await wait_log(caplog, "watch reload ok", start, within=RETRAIN_WITHIN)
            assert f"ZQXWATCH{number}" in await ask_text(fake, question), kind


def swap_in(fresh: Path, live: Path, old: Path) -> None:
    """Rename ``live`` away and ``fresh`` into its place (an atomic-ish deploy)."""
    live.rename(old)
    fresh.rename(live)


@pytest.mark.parametrize("how", ["deleted", "renamed"])
async def test_file_watcher_survives_the_folder_being_replaced(
    fake: FakeDiscord,
    tmp_path: Path,
    knowledge: Path,
    caplog: pytest.LogCaptureFixture,
    how: str,
) -> None:
    """A deploy may replace knowledge/ as a whole (rm + copy, or rename a fresh copy into place):
    the watcher must then watch the new folder, not go silent on the old one."""
    caplog.set_level(logging.INFO, logger="bot")
    settings = careerbot_settings(tmp_path, knowledge).model_copy(update={"watch_knowledge": True})
    fresh = tmp_path / "fresh"
    async with careerbot_running(fake, settings):
        await asyncio.sleep(0.3)  # let the watcher start
        shutil.copytree(KNOWLEDGE, fresh)
        question = fixed_with_marker(fresh, "ZQXREPLACED")
        if how == "deleted":
            shutil.rmtree(knowledge)
            await asyncio.sleep(2.5)  # the watcher sees the folder go (and keeps serving)
            assert PAY_FIGURE in await ask_text(fake, PAY_QUESTION)
            fresh.rename(knowledge)
        else:
            swap_in(fresh, knowledge, tmp_path / "old")
        await wait_log(caplog, "knowledge folder replaced", 0, within=20)
        replaced_at = next(
            i for i, r in enumerate(caplog.records) if "folder replaced" in r.getMessage()
        )
        await wait_log(caplog, "watch reload ok", replaced_at, within=RETRAIN_WITHIN)
        assert "ZQXREPLACED" in await ask_text(fake, question)
        # and it keeps watching the new folder
        start = len(caplog.records)
        question = fixed_with_marker(knowledge, "ZQXAFTER")
        await wait_log(caplog, "knowledge reloaded", start, within=RETRAIN_WITHIN)
        assert "ZQXAFTER" in await ask_text(fake, question)
