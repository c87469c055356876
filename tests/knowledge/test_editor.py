"""The teaching editor changes exactly one line of a knowledge file and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.knowledge.editor import (
    DECLINE_HEADER,
    EditError,
    add_example,
    add_phrasing,
    remove_line,
    yaml_scalar,
)
from tests.paths import KNOWLEDGE

WORK = KNOWLEDGE / "careers" / "customer-service-representative" / "qa" / "work.yaml"
LABEL = "knowledge/careers/customer-service-representative/qa/work.yaml"


def phrasings_of(text: str, entry_id: str) -> list[str]:
    data = yaml.safe_load(text)
    (entry,) = [e for e in data["entries"] if e["id"] == entry_id]
    return list(entry["phrasings"])


def only_added(before: str, after: str) -> list[str]:
    """The lines ``after`` adds to ``before``, asserting that nothing else changed."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    assert len(new) == len(old) + 1
    first = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), len(old))
    assert new[:first] + new[first + 1 :] == old
    return [new[first]]


@pytest.mark.parametrize(
    "text",
    [
        "how do i stop burning out on the phones",
        "what's a csr: really?",
        "# not a comment",
        "- dash first",
        "yes",
        "null",
        "123",
        "caf\u00e9 \u00fcber \U0001f600",
        "  padded  ",
        'quote " and \\ backslash',
    ],
)
def test_scalar_reads_back_as_the_same_text(text: str) -> None:
    assert yaml.safe_load(f"- {yaml_scalar(text)}") == [text]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1))
def test_any_one_line_text_round_trips(text: str) -> None:
    assert yaml.safe_load(f"key:\n  - {yaml_scalar(text)}\n") == {"key": [text]}


def test_adding_a_phrasing_changes_only_that_line() -> None:
    before = WORK.read_text(encoding="utf-8")
    edit = add_phrasing(WORK, LABEL, before, "csr-stress-burnout", "how do i stop burning out")
    assert only_added(before, edit.after) == [f"{edit.text}\n"]
    assert edit.after.splitlines()[edit.line - 1] == edit.text
    assert phrasings_of(edit.after, "csr-stress-burnout")[-1] == "how do i stop burning out"
    assert phrasings_of(edit.after, "csr-stress-burnout")[:-1] == phrasings_of(
        before, "csr-stress-burnout"
    )
    assert edit.after.startswith("# yaml-language-server:")
    assert f"+{edit.text}" in edit.diff() and edit.diff().count("\n+") == 2  # header + line


def test_undo_removes_exactly_the_taught_line() -> None:
    before = WORK.read_text(encoding="utf-8")
    edit = add_phrasing(WORK, LABEL, before, "csr-stress-burnout", "burnout on the phones")
    undone = remove_line(WORK, LABEL, edit.after, edit.text, edit.line)
    assert undone.after == before


def test_unknown_entry_is_refused() -> None:
    with pytest.raises(EditError, match="does not define the entry nope"):
        add_phrasing(WORK, LABEL, WORK.read_text(encoding="utf-8"), "nope", "anything")


def test_flow_lists_and_crlf_files() -> None:
    flow = "entries:\n  - id: a\n    phrasings: [one, two]\n    answer: x\n"
    edit = add_phrasing(Path("f.yaml"), "f.yaml", flow, "a", "three: 3")
    assert phrasings_of(edit.after, "a") == ["one", "two", "three: 3"]
    crlf = "entries:\r\n  - id: a\r\n    phrasings:\r\n      - one\r\n    answer: x\r\n"
    edit = add_phrasing(Path("f.yaml"), "f.yaml", crlf, "a", "two")
    assert edit.after == crlf.replace("- one\r\n", "- one\r\n      - two\r\n")


def test_a_folded_last_phrasing_is_kept_whole() -> None:
    text = (
        "entries:\n  - id: a\n    phrasings:\n      - one\n      - >-\n"
        "        long\n        two\n    answer: x\n"
    )
    edit = add_phrasing(Path("f.yaml"), "f.yaml", text, "a", "three")
    assert phrasings_of(edit.after, "a") == ["one", "long two", "three"]


def test_decline_file_is_created_then_appended() -> None:
    created = add_example(Path("decline.yaml"), "knowledge/decline.yaml", None, "best pizza?")
    assert created.after.startswith(DECLINE_HEADER)
    assert yaml.safe_load(created.after) == {"examples": ["best pizza?"]}
    more = add_example(Path("decline.yaml"), "knowledge/decline.yaml", created.after, "lol ok")
    assert yaml.safe_load(more.after) == {"examples": ["best pizza?", "lol ok"]}
    empty = add_example(Path("d.yaml"), "d.yaml", "examples: []\n", "x y")
    assert yaml.safe_load(empty.after) == {"examples": ["x y"]}


def test_multi_line_text_is_refused() -> None:
    with pytest.raises(EditError, match="one line"):
        yaml_scalar("two\nlines")
