"""``check`` shows progress on a terminal and nothing when piped (issue 11, item 9): 100k
entries used to take minutes with no output at all."""

from __future__ import annotations

import io
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.progress import CLEAR_LINE, TerminalProgress, terminal_progress
from bot.knowledge.loader import load_knowledge
from tests.paths import KNOWLEDGE, ROOT


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def yaml_files(root: Path) -> int:
    return sum(1 for _ in root.rglob("*.yaml")) - sum(1 for _ in root.glob("schema/*.yaml"))


def run_with_terminal_stderr(root: Path) -> tuple[int, str, str]:
    """Run ``check`` with stderr on a pseudo-terminal: (exit code, stdout, terminal output)."""
    master, slave = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "bot", "check", str(root)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=slave,
        stdin=subprocess.DEVNULL,
    ) as proc:
        os.close(slave)
        seen = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        out = proc.stdout.read() if proc.stdout else b""
        code = proc.wait(timeout=300)
    os.close(master)
    return code, out.decode(), seen.decode(errors="replace")


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root)
    return root


def test_check_on_a_terminal_shows_files_read_and_each_phase(knowledge: Path) -> None:
    total = yaml_files(knowledge)
    code, out, terminal = run_with_terminal_stderr(knowledge)
    assert code == 0, out + terminal
    assert out.startswith("knowledge OK:")
    assert f"{CLEAR_LINE}reading {total:,}/{total:,} files…" in terminal
    assert "entries against the engine…" in terminal
    assert terminal.endswith(CLEAR_LINE)  # the line is cleared before the result
    assert "\n" not in terminal.replace("\r\n", "")  # one line, rewritten in place


def test_check_piped_prints_no_progress(knowledge: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "check", str(knowledge)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0
    assert done.stderr == ""
    assert "files…" not in done.stdout and "against the engine…" not in done.stdout


def test_the_loader_reports_every_file_read(knowledge: Path) -> None:
    calls: list[tuple[int, int]] = []
    load_knowledge(knowledge, lambda done, total: calls.append((done, total)))
    total = yaml_files(knowledge)
    assert calls == [(n, total) for n in range(1, total + 1)]


def test_progress_is_throttled_but_always_shows_the_last_file() -> None:
    stream = FakeTTY()
    now = [0.0]
    progress = TerminalProgress(stream, every=0.1, clock=lambda: now[0])
    for done in range(1, 1001):
        now[0] += 0.001  # 1,000 files in one second: about ten updates, not a thousand
        progress.files(done, 1000)
    writes = stream.getvalue().split(CLEAR_LINE)[1:]
    assert 9 <= len(writes) <= 12
    assert writes[0] == "reading 1/1,000 files…"
    assert writes[-1] == "reading 1,000/1,000 files…"
    progress.clear()
    assert stream.getvalue().endswith(CLEAR_LINE)


def test_no_progress_object_unless_the_stream_is_a_terminal() -> None:
    assert terminal_progress(io.StringIO()) is None
    assert isinstance(terminal_progress(FakeTTY()), TerminalProgress)
