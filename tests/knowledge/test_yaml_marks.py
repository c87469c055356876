"""The loader keeps only shallow marks up front and reads deeper ones again on demand (issue 11,
item 9): a mark for every value of 100k entries was about half of a load's memory."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.knowledge.base import KnowledgeError
from bot.knowledge.loader import load_knowledge
from bot.knowledge.yamlread import Document, read_yaml
from tests.paths import KNOWLEDGE

PAY = KNOWLEDGE / "careers/customer-service-representative/qa/pay.yaml"


def test_shallow_marks_are_few_and_deep_ones_are_still_exact() -> None:
    full = read_yaml(PAY)
    shallow = read_yaml(PAY, mark_depth=2)
    assert isinstance(full, Document) and isinstance(shallow, Document)
    entries = len(full.data["entries"])
    assert len(shallow.values) == 2 + entries  # the root, 'entries', each entry
    assert len(full.values) > 10 * entries
    assert shallow.data == full.data
    for path, mark in full.values.items():
        assert shallow.mark_for(path) == mark, path
    for path, mark in full.keys.items():
        assert shallow.mark_for(path, key=True) == mark, path


def test_problems_deep_in_a_loaded_file_still_point_at_their_line(tmp_path: Path) -> None:
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root)
    pay = root / "careers/customer-service-representative/qa/pay.yaml"
    lines = pay.read_text(encoding="utf-8").splitlines(keepends=True)
    index = max(i for i, line in enumerate(lines) if line.startswith("    sources: ["))
    lines[index] = lines[index].replace("[", "[no-such-source, ", 1)
    pay.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(root)
    assert [(p.line, p.message) for p in info.value.problems] == [
        (index + 1, "unknown source 'no-such-source'")
    ]
