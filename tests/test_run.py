"""``python -m bot run``: configuration errors are one line and exit code 2."""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():  # discord.py imports the deprecated stdlib audioop (voice)
    warnings.simplefilter("ignore", DeprecationWarning)
    import discord

from bot.cli import run as run_cmd


def test_bad_config_prints_one_line_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    config = tmp_path / "config.yaml"
    config.write_text("log_level: INFO\nengine:\n  answer_threshold: 2\n", encoding="utf-8")
    code = run_cmd.run(argparse.Namespace(config=config))
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err == (
        f"careerbot: {config}:3: engine.answer_threshold: Input should be less than or equal to 1\n"
    )


def test_config_path_from_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    config = tmp_path / "other.yaml"
    config.write_text("shard_ids: nope\n", encoding="utf-8")
    monkeypatch.setenv("CAREERBOT_CONFIG", str(config))
    assert run_cmd.run(argparse.Namespace(config=None)) == 2
    assert capsys.readouterr().err.startswith(f"careerbot: {config}:1: shard_ids: ")


def test_broken_knowledge_lists_problems_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.delenv("CAREERBOT_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)  # no config.yaml here: defaults plus the override below
    knowledge = tmp_path / "knowledge"
    (knowledge / "careers").mkdir(parents=True)
    (knowledge / "sources.yaml").write_text("sources: [}\n", encoding="utf-8")
    monkeypatch.setenv("CAREERBOT_KNOWLEDGE_PATH", str(knowledge))
    assert run_cmd.run(argparse.Namespace(config=None)) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"careerbot: the knowledge in {knowledge} has problems:\n")
    assert "sources.yaml:1" in err


def test_with_token_starts_the_bot_and_logs_never_show_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Wiring only: bot.app is replaced by a module recording what run() hands it."""
    import logging
    import sys
    import types

    from bot.config import Settings

    token = "MTA5ODc2NTQzMjEwOTg3NjU0Mw.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"
    started: list[Settings] = []

    async def start_bot(settings: Settings) -> None:
        started.append(settings)
        logging.getLogger("discord.http").warning("sending Authorization: Bot %s", token)

    fake_app = types.ModuleType("bot.app")
    fake_app.start_bot = start_bot  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "bot.app", fake_app)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CAREERBOT_CONFIG", raising=False)
    monkeypatch.setenv("DISCORD_TOKEN", token)
    monkeypatch.setenv("CAREERBOT_LOG_LEVEL", "info")
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    try:
        assert run_cmd.run(argparse.Namespace(config=None)) == 0
    finally:
        for handler in set(root.handlers) - set(before):
            root.removeHandler(handler)
            handler.close()
        root.setLevel(level)
    assert len(started) == 1
    assert started[0].token is not None and started[0].token.get_secret_value() == token
    err = capsys.readouterr().err
    assert "sending Authorization: Bot [REDACTED]" in err
    assert token not in err


def test_rejected_token_is_one_line_without_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import logging
    import sys
    import types

    from bot.config import Settings

    async def start_bot(settings: Settings) -> None:
        raise discord.LoginFailure("Improper token has been passed.")

    fake_app = types.ModuleType("bot.app")
    fake_app.start_bot = start_bot  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "bot.app", fake_app)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CAREERBOT_CONFIG", raising=False)
    monkeypatch.setenv("DISCORD_TOKEN", "not-a-real-token")
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    try:
        assert run_cmd.run(argparse.Namespace(config=None)) == 1
    finally:
        for handler in set(root.handlers) - set(before):
            root.removeHandler(handler)
            handler.close()
        root.setLevel(level)
    err = capsys.readouterr().err
    assert "careerbot: Discord rejected DISCORD_TOKEN" in err
    assert "Traceback" not in err and "not-a-real-token" not in err
