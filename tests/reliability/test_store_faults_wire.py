"""A question log that cannot be opened does not stop the bot (real bot process, fake Discord).

The bot is started on a broken database file; members still get answers, moderators are
told (ephemerally) that the log is unavailable, the log says so once, and the file is left
exactly as it was.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.e2e.conftest import spawned
from tests.e2e.fake_discord import EPHEMERAL, KIND_CALLBACK, MODERATOR_ROLE_ID, FakeDiscord
from tests.e2e.test_careerbot import PAY_QUESTION, embeds_of, final, visible_text
from tests.paths import KNOWLEDGE

pytestmark = pytest.mark.e2e


def random_bytes(path: Path) -> None:
    path.write_bytes(os.urandom(8192))


def newer_schema(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")


BROKEN: dict[str, tuple[Callable[[Path], object], str]] = {
    "random bytes": (random_bytes, "is not a SQLite database"),
    "newer schema": (newer_schema, "schema version 99, newer than this bot"),
    "directory": (Path.mkdir, "is a directory"),
}


@pytest.mark.parametrize("kind", list(BROKEN))
async def test_a_broken_log_file_still_answers_and_kb_says_the_log_is_unavailable(
    tmp_path: Path, kind: str
) -> None:
    make, reason = BROKEN[kind]
    work = tmp_path / "run"
    shutil.copytree(KNOWLEDGE, work / "knowledge")
    (work / "data").mkdir()
    db = work / "data" / "careerbot.sqlite3"
    make(db)
    before = hashlib.sha256(db.read_bytes()).hexdigest() if db.is_file() else "dir"
    config = {
        "knowledge_path": str(work / "knowledge"),
        "database_path": str(db),
        "heartbeat_path": str(work / "data" / "heartbeat"),
        "moderator_role_ids": [MODERATOR_ROLE_ID],
    }
    (work / "config.yaml").write_text(yaml.safe_dump(config))

    async with FakeDiscord() as fake, spawned(fake, ["-m", "bot", "run"], cwd=work) as bot:
        answer = await final(fake, await fake.slash("ask", {"question": PAY_QUESTION}), 20)
        assert "42,830" in visible_text(answer) and embeds_of(answer)
        for command in ("kb stats", "kb gaps"):
            inter = await fake.slash(command, user=fake.moderator)
            reply = await fake.response(inter, within=10)
            assert reply.kind == KIND_CALLBACK and reply.body["type"] == 4, reply.body
            assert int(reply.data.get("flags", 0) or 0) & EPHEMERAL
            text = visible_text(reply)
            assert "question log is unavailable" in text and reason in text, text
            assert str(db) not in text  # the path is for the operator's log, not Discord
        again = await final(fake, await fake.slash("ask", {"question": "csr career path"}), 20)
        assert embeds_of(again)
        assert await bot.stop() == 0, bot.output()
    output = bot.output()
    errors = [line for line in output.splitlines() if "[ERROR" in line]
    assert len(errors) == 1, output
    assert str(db) in errors[0] and reason in errors[0] and "NOT be logged" in errors[0]
    assert "Traceback" not in output
    assert "2 question(s) and 0 pick(s) were not stored" in output
    after = hashlib.sha256(db.read_bytes()).hexdigest() if db.is_file() else "dir"
    assert after == before
