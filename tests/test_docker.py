"""The image's CMD and HEALTHCHECK, parsed out of the Dockerfile, run against the installed
package outside Docker (no Docker engine here), with the image's ENV mapped to temp dirs."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"


@dataclass
class Stage:
    base: str
    env: dict[str, str] = field(default_factory=dict)
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def last(self, name: str) -> str:
        found = [args for instr, args in self.instructions if instr == name]
        assert found, f"no {name} in the runtime stage"
        return found[-1]


def parse_stages(text: str) -> list[Stage]:
    """Dockerfile -> stages (continuations joined, comments dropped)."""
    logical: list[str] = []
    buffer = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            buffer += line[:-1] + " "
            continue
        logical.append(buffer + line)
        buffer = ""
    stages: list[Stage] = []
    for line in logical:
        instr, _, args = line.partition(" ")
        instr = instr.upper()
        if instr == "FROM":
            stages.append(Stage(base=args.split()[0]))
            continue
        stages[-1].instructions.append((instr, args.strip()))
        if instr == "ENV":
            for pair in shlex.split(args):
                key, _, value = pair.partition("=")
                stages[-1].env[key] = value
    return stages


def exec_form(args: str) -> list[str]:
    value = json.loads(args)
    assert isinstance(value, list) and all(isinstance(v, str) for v in value)
    return value


@pytest.fixture(scope="module")
def runtime() -> Stage:
    return parse_stages(DOCKERFILE.read_text(encoding="utf-8"))[-1]


def test_image_shape(runtime: Stage) -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    stages = parse_stages(text)
    assert len(stages) >= 2, "multi-stage: build wheels, then a small runtime"
    assert all(s.base.startswith("python:3.11-slim") for s in stages)
    user = runtime.last("USER")
    assert user.split(":")[0].isdigit() and user.split(":")[0] != "0"
    assert "/data" in runtime.last("VOLUME")
    assert runtime.env["CAREERBOT_DATABASE_PATH"].startswith("/data/")
    assert runtime.env["CAREERBOT_HEARTBEAT_PATH"].startswith("/data/")
    assert runtime.env["CAREERBOT_KNOWLEDGE_PATH"] == "/app/knowledge"
    for stage in stages:
        for instr, args in stage.instructions:
            if instr in ("ARG", "ENV"):
                assert "TOKEN" not in args.upper() and "SECRET" not in args.upper(), args


def _run(
    command: list[str], runtime: Stage, tmp_path: Path, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run an image command here: ``python`` is this interpreter, /data and /app are temp dirs."""
    data, app = tmp_path / "data", tmp_path / "app"
    data.mkdir(exist_ok=True)
    app.mkdir(exist_ok=True)
    if not (app / "knowledge").exists():
        (app / "knowledge").symlink_to(ROOT / "knowledge")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("CAREERBOT_") and k != "DISCORD_TOKEN"
    }
    for key, value in runtime.env.items():
        env[key] = value.replace("/data", str(data)).replace("/app", str(app))
    assert command[0] == "python"
    return subprocess.run(
        [sys.executable, *command[1:]],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=app,
        env=env,
        timeout=120,
        check=False,
    )


def test_healthcheck_command_fails_without_and_passes_with_fresh_heartbeat(
    runtime: Stage, tmp_path: Path
) -> None:
    healthcheck = runtime.last("HEALTHCHECK")
    assert " CMD " in f" {healthcheck} "
    command = exec_form(healthcheck.split(" CMD ", 1)[1] if " CMD " in healthcheck else "")
    missing = _run(command, runtime, tmp_path)
    assert missing.returncode == 1
    assert len(missing.stderr.strip().splitlines()) == 1, missing.stderr
    assert "heartbeat" in missing.stderr

    beat = tmp_path / "data" / "heartbeat"
    beat.write_text(str(int(time.time())))
    fresh = _run(command, runtime, tmp_path)
    assert fresh.returncode == 0, fresh.stderr

    old = time.time() - 120
    os.utime(beat, (old, old))
    stale = _run(command, runtime, tmp_path)
    assert stale.returncode == 1
    assert "s ago" in stale.stderr


def test_cmd_without_token_answers_piped_question(runtime: Stage, tmp_path: Path) -> None:
    command = exec_form(runtime.last("CMD"))
    result = _run(command, runtime, tmp_path, stdin="csr pay\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "\x1b[" not in out  # plain text on a pipe
    assert "careerbot>" not in out  # no prompt when input is piped
    assert "Sources: " in out
    assert any(ch.isdigit() for ch in out)
    # a detached container without a token says why it is not on Discord
    assert "DISCORD_TOKEN is not set" in result.stderr
