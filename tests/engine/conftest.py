"""Fixtures: a small knowledge folder with the shipped synonyms (shipped_engine: tests/)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.loader import load_knowledge

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).parent / "fixture"
SHIPPED = ROOT / "knowledge"


@pytest.fixture(scope="session")
def fixture_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    root = tmp_path_factory.mktemp("kb") / "knowledge"
    shutil.copytree(FIXTURE, root)
    shutil.copy(SHIPPED / "synonyms.yaml", root / "synonyms.yaml")
    return load_knowledge(root)


@pytest.fixture(scope="session")
def fixture_engine(fixture_kb: KnowledgeBase) -> Engine:
    return Engine(fixture_kb)
