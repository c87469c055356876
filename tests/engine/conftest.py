"""Fixtures: a small knowledge folder (with the shipped synonyms) and the shipped knowledge."""

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


def shipped_available() -> bool:
    return (SHIPPED / "sources.yaml").exists() and (SHIPPED / "careers").is_dir()


@pytest.fixture(scope="session")
def fixture_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    root = tmp_path_factory.mktemp("kb") / "knowledge"
    shutil.copytree(FIXTURE, root)
    shutil.copy(SHIPPED / "synonyms.yaml", root / "synonyms.yaml")
    return load_knowledge(root)


@pytest.fixture(scope="session")
def fixture_engine(fixture_kb: KnowledgeBase) -> Engine:
    return Engine(fixture_kb)


@pytest.fixture(scope="session")
def shipped_engine() -> Engine:
    if not shipped_available():
        pytest.skip("the shipped knowledge (knowledge/careers) has not landed yet")
    return Engine(load_knowledge(SHIPPED))
