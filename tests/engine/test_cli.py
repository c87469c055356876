"""`python -m bot ask`: the --json contract other tooling depends on."""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import ask
from bot.knowledge.base import KnowledgeBase

from .conftest import FIXTURE, SHIPPED


def _args(kb: Path, *argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    ask.add_arguments(parser)
    return parser.parse_args([*argv, "--knowledge", str(kb)])


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(FIXTURE, root)
    shutil.copy(SHIPPED / "synonyms.yaml", root / "synonyms.yaml")
    return root


def test_json_single(kb_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ask.run(_args(kb_dir, "--json", "how much do receptionists make")) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"answered", "entry", "score", "text", "suggestions"}
    assert out["answered"] is True and out["entry"] == "fact.salary.receptionist"
    assert "37,230" in out["text"] and 0.7 <= out["score"] <= 1


def test_json_batch_keeps_order(
    kb_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("csr pay??\nlol\nwhat's AHT\n"))
    assert ask.run(_args(kb_dir, "--json", "--batch")) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["answered"] for r in rows] == [True, False, True]
    assert rows[1]["entry"] is None and "/help" in rows[1]["text"]
    assert rows[2]["entry"] == "csr-aht"


def test_plain_text(kb_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ask.run(_args(kb_dir, "is a GED enough")) == 0
    out = capsys.readouterr().out
    assert out.startswith("What education do I need") and "GED" in out


def test_bad_knowledge_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ask.run(_args(tmp_path / "missing", "x")) == 1
    assert "cannot load knowledge" in capsys.readouterr().err


def test_module_entry_point(kb_dir: Path, fixture_kb: KnowledgeBase) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "--knowledge", str(kb_dir), "csr pay"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert json.loads(proc.stdout)["answered"] is True


PLANTS_SOURCES = """\
sources:
  - id: guide
    title: Plant guide
    kind: guide
    seed: plants.txt
"""
PLANTS_CAREER = """\
career:
  slug: plant-carer
  name: Plant carer
  summary: Looks after house plants.
  sources: [guide]
"""
PLANTS_QA = """\
entries:
  - id: watering
    topic: watering
    question: How often should I water my plants?
    phrasings: [how often do i water a cactus, watering schedule for plants, when to water]
    answer: Water when the top of the soil is dry.
    sources: [guide]
  - id: light
    topic: light-and-windows
    question: How much light do plants need?
    phrasings: [do plants need sun, best window for plants, low light houseplants]
    answer: Most house plants like bright indirect light.
    sources: [guide]
"""


@pytest.fixture
def plants_dir(tmp_path: Path) -> Path:
    """One career that is not the configured default, free topic slugs, no synonyms.yaml."""
    root = tmp_path / "plants"
    qa = root / "careers" / "plant-carer" / "qa"
    qa.mkdir(parents=True)
    (root / "sources.yaml").write_text(PLANTS_SOURCES, encoding="utf-8")
    (root / "careers" / "plant-carer" / "career.yaml").write_text(PLANTS_CAREER, encoding="utf-8")
    (qa / "care.yaml").write_text(PLANTS_QA, encoding="utf-8")
    return root


def test_one_career_folder_is_its_own_default(plants_dir: Path) -> None:
    from bot.engine import Engine, EngineSettings
    from bot.knowledge.loader import load_knowledge

    kb = load_knowledge(plants_dir)
    configured = EngineSettings().default_career
    assert configured not in kb.careers
    assert Engine(kb).settings.default_career == "plant-carer"
    assert Engine(kb, EngineSettings(default_career="x")).settings.default_career == "plant-carer"


def test_batch_on_a_folder_with_another_career(plants_dir: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "--batch", "--knowledge", str(plants_dir)],
        input="how often do i water my cactus\nbest window for my plants\n",
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["entry"] for r in rows] == ["watering", "light"]
    assert all(r["answered"] for r in rows), rows
