"""Fixtures shared by every test folder."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.knowledge.loader import load_knowledge
from tests.paths import KNOWLEDGE


@pytest.fixture(scope="session")
def shipped_engine() -> Engine:
    """The engine on the knowledge this repository ships (built once per run)."""
    return Engine(load_knowledge(KNOWLEDGE))
