"""libyaml composes the knowledge faster; it must give exactly what the pure-Python reader gives."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.knowledge import yamlread
from bot.knowledge.yamlread import Document, read_yaml

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"

TRICKY = """\
# a comment
entries:
  - id: a-b   # trailing comment
    question: "Quoted — with unicode: é, 💼"
    flow: [1, 2.5, true, null, ~, 2024-01-02]
    anchor: &x {k: v, n: [a, b]}
    again: *x
    folded: >-
      one
      two
    literal: |
      keep
        indent
  - {id: c, empty: '', plain: yes}
"""


def both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    fast = read_yaml(path)
    with monkeypatch.context() as m:
        m.setattr(yamlread, "_FastLoader", None)
        slow = read_yaml(path)
    return fast, slow


def same(fast: object, slow: object) -> None:
    assert isinstance(fast, Document) and isinstance(slow, Document)
    assert fast.data == slow.data
    assert fast.values == slow.values
    assert fast.keys == slow.keys


@pytest.mark.skipif(not hasattr(yaml, "CSafeLoader"), reason="PyYAML without libyaml")
def test_every_shipped_file_reads_the_same_with_libyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    files = sorted(KNOWLEDGE.rglob("*.yaml"))
    if not files:
        pytest.skip("no shipped knowledge in this checkout")
    for path in files:
        same(*both(path, monkeypatch))


@pytest.mark.skipif(not hasattr(yaml, "CSafeLoader"), reason="PyYAML without libyaml")
def test_tricky_yaml_reads_the_same_with_libyaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(TRICKY, encoding="utf-8")
    fast, slow = both(path, monkeypatch)
    same(fast, slow)
    assert isinstance(fast, Document) and fast.data["entries"][0]["again"] == {
        "k": "v",
        "n": ["a", "b"],
    }


@pytest.mark.parametrize(
    "text",
    [
        "a: [1, 2\n",  # unclosed flow sequence
        "a: 1\n a: 2\n",  # bad indentation
        "a: 1\na: 2\n",  # duplicate key (found by our builder, not by YAML)
        "--- 1\n--- 2\n",  # two documents
        "a: *nope\n",  # undefined alias
    ],
)
def test_broken_files_report_what_the_pure_python_reader_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    fast, slow = both(path, monkeypatch)
    assert isinstance(slow, list) and slow  # really broken
    assert fast == slow
