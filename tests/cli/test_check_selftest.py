"""`python -m bot check` runs the engine's self-test: a moderator's new entry that would steal
another entry's questions is reported, naming both entries with ``path:line``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.paths import KNOWLEDGE, ROOT


def _check(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "check", str(folder)],
        capture_output=True,
        text=True,
        cwd=folder.parent,
        timeout=120,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )


def test_shipped_knowledge_passes_the_self_test(tmp_path: Path) -> None:
    copy = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, copy)
    result = _check(copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("knowledge OK: ")


def test_an_entry_that_steals_another_entrys_phrasing_is_reported(tmp_path: Path) -> None:
    copy = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, copy)
    qa = copy / "careers" / "customer-service-representative" / "qa"
    victim = yaml.safe_load((qa / "education.yaml").read_text(encoding="utf-8"))["entries"][0]
    stolen = victim["phrasings"][0]
    thief = (
        "# yaml-language-server: $schema=../../../schema/qa.schema.json\n"
        "entries:\n"
        "  - id: csr-zz-thief\n"
        f"    topic: {victim['topic']}\n"
        f"    question: {stolen!r}\n"
        f"    phrasings: [{stolen!r}, {(stolen + ' please')!r}]\n"
        "    answer: A moderator's new entry that reuses an existing phrasing.\n"
        "    sources: [csr-profile]\n"
    )
    (qa / "zz-new.yaml").write_text(thief, encoding="utf-8")

    result = _check(copy)

    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if victim["id"] in line]
    assert lines, result.stdout
    # Both entries are named, each with the file and line where it is written.
    assert any("csr-zz-thief" in line for line in lines), lines
    assert any("qa/education.yaml:" in line for line in lines), lines
    assert "zz-new.yaml:" in result.stdout
