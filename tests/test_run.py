"""``python -m bot run``: configuration errors are one line and exit code 2."""

from __future__ import annotations

import argparse
import subprocess
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


REPO = Path(__file__).resolve().parents[1]
SHIM = REPO / "tests" / "e2e" / "shim"


def _closed_port() -> int:
    """A port nothing listens on (bound, then released: connecting is refused)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def _run_subprocess(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    import os
    import sys

    base = {k: v for k, v in os.environ.items() if not k.startswith(("CAREERBOT_", "DISCORD_"))}
    base.update(
        PYTHONPATH=os.pathsep.join([str(SHIM), str(REPO)]),
        CAREERBOT_KNOWLEDGE_PATH=str(REPO / "knowledge"),
        CAREERBOT_DATABASE_PATH=str(tmp_path / "q.sqlite3"),
        CAREERBOT_HEARTBEAT_PATH=str(tmp_path / "heartbeat"),
        **env,
    )
    return subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def test_unreachable_discord_is_one_line_and_exit_1(tmp_path: Path) -> None:
    """The shim points discord.py at a closed local port: connecting is refused at login."""
    port = _closed_port()
    result = _run_subprocess(
        tmp_path,
        CAREERBOT_FAKE_DISCORD=f"http://127.0.0.1:{port}",
        DISCORD_TOKEN="fake.token.for-a-closed-port",
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr
    problems = [line for line in result.stderr.splitlines() if "careerbot:" in line]
    assert len(problems) == 1, result.stderr
    assert problems[0].startswith("careerbot: cannot reach Discord (")
    assert f"127.0.0.1:{port}" in problems[0]
    assert problems[0].endswith("): check the network")
    assert "fake.token.for-a-closed-port" not in result.stderr


@pytest.mark.parametrize(
    ("token", "problem"),
    [
        ("MTA5.GaB\ncDe.secretpart", "it contains a line break"),
        ("MTA5.GaB\r\ncDe.secretpart", "it contains a line break"),
        ("MTA5.GaB cDe.secretpart", "it contains a space"),
        ("MTA5.GaBé.secretpart", "it contains a character that is not printable ASCII"),
    ],
)
def test_malformed_token_is_one_line_exit_2_and_never_shown(
    tmp_path: Path, token: str, problem: str
) -> None:
    port = _closed_port()  # were the token sent anywhere, it would be to nothing
    result = _run_subprocess(
        tmp_path, CAREERBOT_FAKE_DISCORD=f"http://127.0.0.1:{port}", DISCORD_TOKEN=token
    )
    assert result.returncode == 2
    assert result.stderr == (
        f"careerbot: DISCORD_TOKEN: the token is malformed ({problem}); copy it again\n"
    )
    assert "secretpart" not in result.stdout + result.stderr


def test_unknown_default_career_stops_terminal_mode_at_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """It used to pass the start and then crash on the first /salary."""
    import io

    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.delenv("CAREERBOT_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CAREERBOT_KNOWLEDGE_PATH", str(REPO / "knowledge"))
    monkeypatch.setenv("CAREERBOT_DEFAULT_CAREER", "no-such-career")
    monkeypatch.setattr("sys.stdin", io.StringIO("/salary\n/path\n"))
    assert run_cmd.run(argparse.Namespace(config=None)) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        "careerbot: CAREERBOT_DEFAULT_CAREER: default_career: no career 'no-such-career'"
    )
    assert "known careers: " in lines[0] and "teller" in lines[0]


def test_unknown_default_career_on_discord_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The bot builds its engine in setup_hook with the same build_engine: its ConfigError
    reaches ``run`` (wiring only: bot.app replaced, as above)."""
    import logging
    import sys
    import types

    from bot.config import Settings, build_engine

    async def start_bot(settings: Settings) -> None:
        build_engine(settings)

    fake_app = types.ModuleType("bot.app")
    fake_app.start_bot = start_bot  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "bot.app", fake_app)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CAREERBOT_CONFIG", raising=False)
    monkeypatch.setenv("DISCORD_TOKEN", "fake.token.value")
    monkeypatch.setenv("CAREERBOT_KNOWLEDGE_PATH", str(REPO / "knowledge"))
    monkeypatch.setenv("CAREERBOT_DEFAULT_CAREER", "no-such-career")
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    try:
        assert run_cmd.run(argparse.Namespace(config=None)) == 2
    finally:
        for handler in set(root.handlers) - set(before):
            root.removeHandler(handler)
            handler.close()
        root.setLevel(level)
    err = capsys.readouterr().err
    assert "careerbot: CAREERBOT_DEFAULT_CAREER: default_career: no career" in err
    assert "Traceback" not in err


@pytest.mark.e2e
async def test_unknown_default_career_on_the_real_client_is_one_line(tmp_path: Path) -> None:
    """The real bot against the local fake Discord: it logs in, setup_hook finds the setting
    the knowledge contradicts, and the only problem line is run's (no 'knowledge has
    problems' log line around it)."""
    import asyncio

    from tests.e2e.conftest import fake_env
    from tests.e2e.fake_discord import FakeDiscord

    async with FakeDiscord() as fake:
        env = fake_env(
            fake,
            CAREERBOT_DEFAULT_CAREER="no-such-career",
            CAREERBOT_KNOWLEDGE_PATH=str(REPO / "knowledge"),
            CAREERBOT_DATABASE_PATH=str(tmp_path / "q.sqlite3"),
            CAREERBOT_HEARTBEAT_PATH=str(tmp_path / "heartbeat"),
        )
        import sys

        result = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "bot", "run"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 2, result.stderr
    problems = [line for line in result.stderr.splitlines() if "no-such-career" in line]
    assert len(problems) == 1, result.stderr
    assert problems[0].startswith("careerbot: CAREERBOT_DEFAULT_CAREER: default_career: ")
    assert "Traceback" not in result.stderr and "has problems" not in result.stderr
