"""``python -m bot ask --batch`` and piped terminal mode as real subprocesses: a bad byte on
stdin costs one question, not the batch; a reader that goes away (``| head -1``) is no error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import KNOWLEDGE, ROOT

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as the shell reports for coreutils


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CAREERBOT_", "DISCORD_"))}
    env.update(PYTHONPATH=str(ROOT), CAREERBOT_KNOWLEDGE_PATH=str(KNOWLEDGE), **extra)
    return env


def _bot(
    args: list[str], stdin: bytes, cwd: Path, **env: str
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        env=_env(**env),
        timeout=120,
        check=False,
    )


BATCH = b"csr pay\n\xff\xfe bad \xc3 bytes\nwhat do tellers earn\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8:strict", "ascii"])
def test_batch_survives_a_bad_byte_under_a_strict_encoding(tmp_path: Path, encoding: str) -> None:
    result = _bot(
        ["ask", "--batch", "--json", "--knowledge", str(KNOWLEDGE)],
        BATCH,
        tmp_path,
        PYTHONIOENCODING=encoding,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert result.stderr == b""
    rows = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(rows) == 3  # every line answered, the bad one included
    assert rows[0]["answered"] and rows[2]["answered"]


def test_piped_terminal_mode_survives_a_bad_byte(tmp_path: Path) -> None:
    result = _bot(["run"], b"/career \xff\xfe\n" + BATCH, tmp_path, PYTHONIOENCODING="utf-8")
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    out = result.stdout.decode()
    assert "I don't know a career called" in out
    assert out.count("Sources: ") >= 2
    assert b"Traceback" not in result.stderr


@pytest.mark.parametrize("args", [["ask", "--batch", "--knowledge", str(KNOWLEDGE)], ["run"]])
def test_a_closed_pipe_exits_quietly_with_141(tmp_path: Path, args: list[str]) -> None:
    """``… | head -1``: the reader closes after one line; far more than a pipe buffer follows."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=_env(),
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    proc.stdin.write(b"csr pay\n" * 3000)
    proc.stdin.close()
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    proc.stderr.close()
    code = proc.wait(timeout=120)
    assert first.strip()
    assert b"Traceback" not in err and b"BrokenPipe" not in err, err.decode(errors="replace")
    assert code == EXIT_BROKEN_PIPE
