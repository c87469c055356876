"""The README's example transcripts are the real program's output, so they cannot go stale.

Each ```text block right after a ``<!-- transcript: NAME -->`` comment is produced again from
its own inputs and compared with the README:

- ``session``: terminal mode on a terminal (rich panels, 96 columns, colours stripped); the
  questions are the ``careerbot> `` lines of the block, typed one after the other (the echo a
  terminal shows is reproduced);
- ``piped``: ``$ printf '…' | .venv/bin/python -m bot run`` run for real as a subprocess;
  standard output only (the one-line notice on stderr is not shown).

When the engine or the knowledge changes the answers, rewrite the blocks with one command:

    CAREERBOT_UPDATE_README=1 .venv/bin/python -m pytest -q tests/test_readme.py
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import ROOT

README = ROOT / "README.md"
UPDATE = os.environ.get("CAREERBOT_UPDATE_README") == "1"
COLUMNS = 96
PROMPT = "careerbot> "

BLOCK = re.compile(r"(<!-- transcript: (?P<name>[a-z]+) -->\n```text\n)(?P<body>.*?)(```\n)", re.S)
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class _Terminal(io.StringIO):
    """Output that says it is a terminal: terminal mode draws its rich panels."""

    def isatty(self) -> bool:
        return True


class _Typing(_Terminal):
    """Input typed at a terminal: each line read is also echoed to the screen, as a tty does."""

    def __init__(self, lines: list[str], screen: io.StringIO) -> None:
        super().__init__("".join(f"{line}\n" for line in lines))
        self.screen = screen

    def readline(self, size: int | None = -1) -> str:
        line = super().readline(-1 if size is None else size)
        self.screen.write(line)
        return line


def _tidy(text: str) -> str:
    lines = [ANSI.sub("", line).rstrip() for line in text.splitlines()]
    return "\n".join(lines).rstrip("\n") + "\n"


def session(body: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """``$ make run`` on a 96-column terminal, typing the block's ``careerbot>`` lines."""
    from bot.cli.run import terminal_intro
    from bot.config import build_engine, load_settings
    from bot.terminal import run_terminal

    command = body.splitlines()[0]
    typed = [line[len(PROMPT) :] for line in body.splitlines() if line.startswith(PROMPT)]
    monkeypatch.chdir(ROOT)  # the defaults: ./knowledge, shown as "from knowledge."
    monkeypatch.setenv("COLUMNS", str(COLUMNS))
    for name in ("FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(None, {})
    engine = build_engine(settings)
    screen = _Terminal()
    run_terminal(
        engine, stdin=_Typing(typed, screen), stdout=screen, intro=terminal_intro(engine, settings)
    )
    return _tidy(f"{command}\n{screen.getvalue()}")


def piped(body: str, tmp_path: Path) -> str:
    """The block's ``$ printf '…' | .venv/bin/python -m bot run``, run for real."""
    command = body.splitlines()[0]
    found = re.fullmatch(r"\$ printf '([^']*)' \| \.venv/bin/python -m bot run", command)
    assert found, f"the piped example must be $ printf '…' | .venv/bin/python -m bot run: {command}"
    stdin = found.group(1).replace("\\n", "\n")
    config = tmp_path / "config.yaml"
    config.write_text("# the defaults\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CAREERBOT_", "DISCORD_"))}
    env.update(CAREERBOT_CONFIG=str(config), PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return _tidy(f"{command}\n{result.stdout}")


def _blocks(text: str) -> dict[str, re.Match[str]]:
    return {m.group("name"): m for m in BLOCK.finditer(text)}


def test_readme_has_the_generated_examples() -> None:
    assert set(_blocks(README.read_text(encoding="utf-8"))) == {"session", "piped"}


@pytest.mark.parametrize("name", ["session", "piped"])
def test_readme_example_is_the_real_output(
    name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    text = README.read_text(encoding="utf-8")
    block = _blocks(text)[name]
    body = block.group("body")
    produced = session(body, monkeypatch) if name == "session" else piped(body, tmp_path)
    if UPDATE and produced != body:
        README.write_text(
            text[: block.start("body")] + produced + text[block.end("body") :], encoding="utf-8"
        )
        body = produced
    assert body == produced, (
        f"README.md's {name!r} example is not what the program prints now; rewrite it with\n"
        "  CAREERBOT_UPDATE_README=1 .venv/bin/python -m pytest -q tests/test_readme.py"
    )


def test_typing_echo_reproduces_the_prompt_lines() -> None:
    """The harness itself: what is typed shows after the prompt, as on a terminal."""
    screen = _Terminal()
    typed = _Typing(["csr pay", "quit"], screen)
    screen.write(PROMPT)
    assert typed.readline() == "csr pay\n"
    screen.write(PROMPT)
    assert typed.readline() == "quit\n"
    assert typed.readline() == ""
    assert screen.getvalue() == f"{PROMPT}csr pay\n{PROMPT}quit\n"
