"""The shipped knowledge folder loads without a single problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge.base import KnowledgeError
from bot.knowledge.loader import load_knowledge

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


def test_shipped_knowledge_loads() -> None:
    try:
        kb = load_knowledge(KNOWLEDGE)
    except KnowledgeError as exc:
        listing = "\n".join(str(p) for p in exc.problems)
        pytest.fail(f"{len(exc.problems)} problem(s) in knowledge/:\n{listing}", pytrace=False)
    assert "customer-service-representative" in kb.careers
    for entry_id in kb.entries:
        assert entry_id in kb.locations
