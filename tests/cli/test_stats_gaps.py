"""``python -m bot stats`` / ``gaps`` read what the bot stored."""

from __future__ import annotations

import argparse
import importlib
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.store import QuestionRecord, Vote
from bot.store.sqlite import SqliteStore


def main(argv: Sequence[str]) -> int:
    """Run one command module the way ``python -m bot`` does (``COMMANDS`` -> module)."""
    from bot.__main__ import COMMANDS

    module = importlib.import_module(COMMANDS[argv[0]])
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)
    code: int = module.run(parser.parse_args(argv[1:]))
    return code


async def fill(path: Path) -> None:
    store = await SqliteStore.open(path)
    try:
        for text, outcome, entry in [
            ("what do csrs earn", "answer", "csr-pay"),
            ("what do csrs earn?", "answer", "csr-pay"),
            ("how do I become a pilot", "decline", None),
            ("How do I become a pilot?", "decline", None),
            ("zzz", "unsure", None),
        ]:
            await store.log_question(
                QuestionRecord(
                    text=text,
                    normalised=text.lower().strip("?"),
                    outcome=outcome,
                    entry_id=entry,
                    score=0.9,
                    latency_ms=2.0,
                    guild_id=1,
                    channel_id=2,
                    user_hash=store.hash_user(5),
                )
            )
        await store.record_vote(77, store.hash_user(5), "csr-pay", Vote.UP)
    finally:
        await store.close()


@pytest.fixture
async def db(tmp_path: Path) -> Path:
    path = tmp_path / "bot.sqlite3"
    await fill(path)
    return path


def test_stats_json(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--database", str(db), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["total"], data["answered"], data["unsure"], data["declined"]) == (5, 2, 1, 2)
    assert data["answer_rate"] == pytest.approx(0.4)
    assert data["top_entries"] == [{"entry_id": "csr-pay", "count": 2}]
    assert data["votes"] == [{"entry_id": "csr-pay", "up": 1, "down": 0}]


def test_stats_text(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--database", str(db)]) == 0
    out = capsys.readouterr().out
    assert "5 questions, answer rate 40.0%" in out
    assert "csr-pay" in out


def test_gaps_json_and_text(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gaps", "--database", str(db), "--json"]) == 0
    gaps = json.loads(capsys.readouterr().out)
    assert [(g["normalised"], g["count"]) for g in gaps] == [
        ("how do i become a pilot", 2),
        ("zzz", 1),
    ]
    assert main(["gaps", "--database", str(db), "--limit", "1"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1 and lines[0].split()[0] == "2"


def test_missing_database_is_an_error_not_a_new_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "none.sqlite3"
    assert main(["stats", "--database", str(path)]) == 1
    assert main(["gaps", "--database", str(path)]) == 1
    assert not path.exists()
    assert "no database" in capsys.readouterr().err
