"""The hardened loader: every kind of bad input is reported as path:line:column, never raised."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.knowledge.base import KnowledgeError
from bot.knowledge.loader import load_knowledge
from bot.knowledge.yamlread import ReadError, read_yaml
from tests.knowledge.conftest import make_tree

REPO = Path(__file__).resolve().parents[2]
FACTS = "knowledge/careers/alpha-rep/facts.yaml"
QA = "knowledge/careers/alpha-rep/qa/main.yaml"


def problems(root: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(root)
    lines = [str(p) for p in info.value.problems]
    assert lines, "KnowledgeError without problems"
    return lines


_OPENED: list[str] | None = None
"""Paths opened while ``opened_files`` records (an audit hook cannot be removed once added)."""


def _audit(event: str, args: tuple[object, ...]) -> None:
    if _OPENED is not None and event == "open" and isinstance(args[0], str | bytes | os.PathLike):
        _OPENED.append(os.fsdecode(args[0]))


sys.addaudithook(_audit)


@contextlib.contextmanager
def opened_files() -> Iterator[list[str]]:
    """Every file path opened inside the block: bounds a reader's work without a clock."""
    global _OPENED
    _OPENED = []
    try:
        yield _OPENED
    finally:
        _OPENED = None


def line_of(path: Path, needle: str) -> int:
    """1-based line of the first line containing ``needle`` (to avoid hard-coding numbers)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def only(lines: list[str], prefix: str) -> str:
    hits = [line for line in lines if line.startswith(prefix)]
    assert len(hits) == 1, lines
    return hits[0]


# --------------------------------------------------------------------------- valid tree


def test_valid_tree_loads_with_locations(tree: Path) -> None:
    kb = load_knowledge(tree)
    assert set(kb.careers) == {"alpha-rep", "beta-clerk"}
    assert kb.counts().careers == 2
    assert kb.entry_career["beta-clerk-pay"] == "beta-clerk"
    ids = list(kb.entries) + [f.id for c in kb.careers.values() for f in c.facts]
    assert len(ids) == 10
    for identifier in ids:
        loc = kb.locations[identifier]
        assert loc.path.startswith("knowledge/careers/")
        text = (tree.parent / loc.path).read_text(encoding="utf-8").splitlines()
        assert text[loc.line - 1][loc.column - 1 :].startswith(f"id: {identifier}")


def test_problem_paths_relative_to_parent_even_with_relative_root(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(tree / "careers/alpha-rep/qa/main.yaml", "    answer: Apply.", "    anwser: Apply.")
    monkeypatch.chdir(tree.parent)
    lines = problems(Path("knowledge"))
    expected = line_of(tree / "careers/alpha-rep/qa/main.yaml", "anwser:")
    assert f"{QA}:{expected}:5: unknown field 'anwser'" in lines
    assert all(line.startswith(QA + ":") for line in lines)


# --------------------------------------------------------------------------- YAML level


def test_python_tag_is_rejected_and_never_executed(tree: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = tree / "careers/alpha-rep/facts.yaml"
    edit(path, "    value: 42830", f'    value: !!python/object/apply:os.system ["touch {marker}"]')
    line = only(problems(tree), FACTS)
    assert f":{line_of(path, 'python/object')}:" in line
    assert "python/object/apply:os.system" in line
    assert not marker.exists()


def test_billion_laughs_is_rejected_quickly(tree: Path) -> None:
    rows = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    rows += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    (tree / "synonyms.yaml").write_text("\n".join(rows) + "\n", encoding="utf-8")
    lines = problems(tree)  # 9**10 strings if expanded: the expansion bound stops it
    line = only(lines, "knowledge/synonyms.yaml")
    assert "expands to more than" in line
    assert line.split(":")[1].isdigit()


def test_huge_file_is_rejected_before_reading(tree: Path) -> None:
    path = tree / "careers/alpha-rep/facts.yaml"
    with path.open("wb") as fh:
        fh.write(b"facts:\n")
        fh.write(b"  # padding padding padding padding padding padding padding\n" * 850_000)
    assert path.stat().st_size > 50_000_000
    with opened_files() as opened:
        line = only(problems(tree), FACTS)
    assert "too large" in line
    assert str(path) not in opened, "the oversized file was opened"


def test_non_utf8_bytes_report_line_and_column(tree: Path) -> None:
    path = tree / "careers/alpha-rep/facts.yaml"
    raw = path.read_bytes().replace(b"label: Median pay", b"label: Median p\xe9y", 1)
    path.write_bytes(raw)
    expected_line = raw[: raw.index(b"\xe9")].count(b"\n") + 1
    line = only(problems(tree), FACTS)
    assert line.startswith(f"{FACTS}:{expected_line}:")
    assert "UTF-8" in line


def test_tab_indentation(tree: Path) -> None:
    path = tree / "careers/alpha-rep/facts.yaml"
    edit(path, "    metric: education", "\tmetric: education")
    line = only(problems(tree), FACTS)
    assert line.startswith(f"{FACTS}:{line_of(path, chr(9) + 'metric')}:1:")
    assert "tab" in line


def test_empty_file(tree: Path) -> None:
    (tree / "careers/alpha-rep/lists.yaml").write_text("# only a comment\n", encoding="utf-8")
    line = only(problems(tree), "knowledge/careers/alpha-rep/lists.yaml")
    assert line.endswith("file is empty")


def test_wrong_top_level_type(tree: Path) -> None:
    (tree / "careers/alpha-rep/facts.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    line = only(problems(tree), FACTS)
    assert line.startswith(f"{FACTS}:1:1:")
    assert "expected a mapping" in line


def test_invalid_yaml_syntax(tree: Path) -> None:
    path = tree / "careers/alpha-rep/facts.yaml"
    edit(path, "    label: Median pay", '    label: "Median pay')
    line = only(problems(tree), FACTS)
    assert "invalid YAML" in line
    assert line.split(":")[1].isdigit()


def test_duplicate_key_in_one_mapping(tree: Path) -> None:
    path = tree / "careers/alpha-rep/facts.yaml"
    edit(path, "    value: 42830\n", "    value: 42830\n    value: 99999\n")
    line = only(problems(tree), FACTS)
    assert line.startswith(f"{FACTS}:{line_of(path, 'value: 99999')}:5: duplicate key 'value'")
    assert f"first at line {line_of(path, 'value: 42830')}" in line


# --------------------------------------------------------------------------- schema level


def test_unknown_field(tree: Path) -> None:
    path = tree / "careers/alpha-rep/qa/main.yaml"
    edit(path, "    answer: Apply.", "    anwser: Apply.")
    lines = problems(tree)
    line_no = line_of(path, "anwser")
    assert f"{QA}:{line_no}:5: unknown field 'anwser'" in lines
    assert any(line.startswith(QA) and "field required: 'answer'" in line for line in lines)


def test_missing_field_points_at_the_mapping(tree: Path) -> None:
    path = tree / "careers/alpha-rep/facts.yaml"
    edit(path, "    metric: education\n", "")
    line = only(problems(tree), FACTS)
    assert (
        line == f"{FACTS}:{line_of(path, '- id: alpha-rep-education')}:5: field required: 'metric'"
    )


def test_wrong_type(tree: Path) -> None:
    path = tree / "careers/alpha-rep/facts.yaml"
    edit(path, "    value: 42830", "    value: abc")
    line = only(problems(tree), FACTS)
    assert line.startswith(f"{FACTS}:{line_of(path, 'value: abc')}:12:")
    assert "expected a number" in line and "'abc'" in line


def test_bad_enum_and_bad_id(tree: Path) -> None:
    facts = tree / "careers/alpha-rep/facts.yaml"
    edit(facts, "    metric: education", "    metric: wages")
    path = tree / "careers/alpha-rep/qa/main.yaml"
    edit(path, "    topic: salary", "    topic: Wages & Pay")
    edit(path, "  - id: alpha-rep-start", "  - id: Alpha Start")
    found = problems(tree)
    assert any(
        f":{line_of(facts, 'metric: wages')}:" in line and "'wages'" in line
        for line in found
        if line.startswith(FACTS)
    )
    lines = [line for line in found if line.startswith(QA)]
    assert any(f":{line_of(path, 'topic: Wages')}:" in line for line in lines)
    assert any(
        f":{line_of(path, 'Alpha Start')}:" in line and "lowercase" in line for line in lines
    )


# --------------------------------------------------------------------------- cross-file


def test_copied_file_gives_duplicate_ids_naming_both_places(tree: Path) -> None:
    qa = tree / "careers/alpha-rep/qa"
    shutil.copy(qa / "main.yaml", qa / "main-copy.yaml")
    lines = [line for line in problems(tree) if "duplicate id" in line]
    assert len(lines) == 2
    first = line_of(qa / "main.yaml", "id: alpha-rep-pay")
    assert any(
        line.startswith("knowledge/careers/alpha-rep/qa/main.yaml:")
        and f"also at knowledge/careers/alpha-rep/qa/main-copy.yaml:{first}" in line
        for line in lines
    ) or any(
        line.startswith("knowledge/careers/alpha-rep/qa/main-copy.yaml:")
        and f"also at knowledge/careers/alpha-rep/qa/main.yaml:{first}" in line
        for line in lines
    )


def test_duplicate_fact_id_across_careers(tree: Path) -> None:
    path = tree / "careers/beta-clerk/facts.yaml"
    edit(path, "  - id: beta-clerk-education", "  - id: alpha-rep-education")
    line = only(problems(tree), "knowledge/careers/beta-clerk/facts.yaml")
    assert "duplicate id 'alpha-rep-education'" in line
    assert "knowledge/careers/alpha-rep/facts.yaml:" in line


def test_unknown_references(tree: Path) -> None:
    qa = tree / "careers/alpha-rep/qa/main.yaml"
    edit(
        qa,
        "    sources: [src-new]\n    related: [alpha-rep-start]",
        "    sources: [src-nope]\n    related: [alpha-rep-nope]",
    )
    edit(
        qa, "    facts: [alpha-rep-median-new]", "    facts: [beta-clerk-median-new, no-such-fact]"
    )
    career = tree / "careers/alpha-rep/career.yaml"
    edit(career, "  related: [beta-clerk]", "  related: [gamma-agent]")
    levels = tree / "careers/alpha-rep/levels.yaml"
    edit(levels, "    sources: [src-old]", "    sources: [src-gone]")
    lines = problems(tree)
    assert f"{QA}:{line_of(qa, 'src-nope')}:15: unknown source 'src-nope'" in lines
    assert f"{QA}:{line_of(qa, 'alpha-rep-nope')}:15: unknown entry 'alpha-rep-nope'" in lines
    facts_line = line_of(qa, "no-such-fact")
    assert any(
        line.startswith(f"{QA}:{facts_line}:")
        and "'beta-clerk-median-new' belongs to career 'beta-clerk', which is neither" in line
        for line in lines
    )
    assert any(
        line.startswith(f"{QA}:{facts_line}:") and "unknown fact 'no-such-fact'" in line
        for line in lines
    )
    assert any(
        line.startswith(f"knowledge/careers/alpha-rep/career.yaml:{line_of(career, 'gamma')}:")
        and "unknown career 'gamma-agent'" in line
        for line in lines
    )
    assert any(
        line.startswith(f"knowledge/careers/alpha-rep/levels.yaml:{line_of(levels, 'src-gone')}:")
        for line in lines
    )


def test_entry_may_show_facts_of_a_related_career(tree: Path) -> None:
    qa = tree / "careers/alpha-rep/qa/main.yaml"
    edit(qa, "    facts: [alpha-rep-median-new]", "    facts: [beta-clerk-median-new]")
    kb = load_knowledge(tree)
    assert kb.entries["alpha-rep-pay"].facts == ["beta-clerk-median-new"]


def test_exactly_one_leading_version(tree: Path) -> None:
    path = tree / "careers/alpha-rep/facts.yaml"
    edit(path, "    period: May 2021\n", "    period: May 2021\n    leading: true\n")
    line = only(problems(tree), FACTS)
    assert line.startswith(f"{FACTS}:{line_of(path, 'May 2021') + 1}:14:")
    assert "'alpha-rep-median-old' is a second leading version of median_pay_annual" in line
    edit(path, "    period: May 2021\n    leading: true\n", "    period: May 2021\n")
    edit(path, '    period: "2024"\n    leading: true\n', '    period: "2024"\n')
    line = only(problems(tree), FACTS)
    assert line.startswith(f"{FACTS}:{line_of(path, '- id: alpha-rep-median-new')}:5:")
    assert "none is marked 'leading: true'" in line


def test_folder_slug_must_match(tree: Path) -> None:
    path = tree / "careers/alpha-rep/career.yaml"
    edit(path, "  slug: alpha-rep", "  slug: alpha-agent")
    lines = problems(tree)
    line = only(lines, "knowledge/careers/alpha-rep/career.yaml")
    assert line.startswith(f"knowledge/careers/alpha-rep/career.yaml:{line_of(path, 'slug:')}:")
    assert "'alpha-agent'" in line and "'alpha-rep'" in line


def test_unknown_files_and_folders_are_named(tree: Path) -> None:
    (tree / "careers/alpha-rep/fact.yaml").write_text("facts: []\n", encoding="utf-8")
    (tree / "careers/alpha-rep/qa/extra.yml").write_text("entries: []\n", encoding="utf-8")
    (tree / "career").mkdir()
    (tree / "careers/stray.yaml").write_text("x: 1\n", encoding="utf-8")
    lines = problems(tree)
    assert any(
        line.startswith("knowledge/careers/alpha-rep/fact.yaml: unknown file") for line in lines
    )
    assert any(
        line.startswith("knowledge/careers/alpha-rep/qa/extra.yml: unknown file") for line in lines
    )
    assert any(line.startswith("knowledge/career: unknown folder") for line in lines)
    assert any(line.startswith("knowledge/careers/stray.yaml: unknown file") for line in lines)


def test_missing_required_files(tree: Path) -> None:
    (tree / "careers/beta-clerk/career.yaml").unlink()
    (tree / "sources.yaml").unlink()
    lines = problems(tree)
    assert (
        "knowledge/careers/beta-clerk: missing career.yaml (every career folder needs one)" in lines
    )
    assert "knowledge/sources.yaml: missing sources.yaml" in lines


def test_all_errors_of_a_run_come_back_together(tree: Path) -> None:
    (tree / "careers/alpha-rep/lists.yaml").write_text("", encoding="utf-8")
    edit(tree / "careers/alpha-rep/facts.yaml", "    value: 42830", "    value: abc")
    edit(tree / "careers/beta-clerk/qa/main.yaml", "    answer: Apply.", "    anwser: Apply.")
    edit(tree / "careers/beta-clerk/career.yaml", "  sources: [src-new]", "  sources: [src-x]")
    files = {line.split(":")[0] for line in problems(tree)}
    assert files == {
        "knowledge/careers/alpha-rep/lists.yaml",
        FACTS,
        "knowledge/careers/beta-clerk/qa/main.yaml",
        "knowledge/careers/beta-clerk/career.yaml",
    }


def test_missing_root(tmp_path: Path) -> None:
    lines = problems(tmp_path / "nothing-here")
    assert lines == ["nothing-here: knowledge folder not found"]


# --------------------------------------------------------------------------- CLI


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_cli_check_ok(tree: Path) -> None:
    result = _cli("check", "knowledge", cwd=tree.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout.splitlines()
    assert out[0] == "knowledge OK: 2 careers, 4 entries, 2 sources, 10 figures"
    # The learned matcher's leave-one-out figures follow (information, not problems).
    assert out[1].startswith("cross-validated: ")
    assert all(line.startswith("  ") for line in out[2:])


def test_cli_check_broken_tree(tree: Path) -> None:
    path = tree / "careers/alpha-rep/facts.yaml"
    edit(path, "    value: 42830", "    value: abc")
    (tree / "careers/beta-clerk/qa/main.yaml").write_bytes(b"entries:\n  - id: \xff\n")
    result = _cli("check", "knowledge", cwd=tree.parent)
    assert result.returncode == 1
    out = result.stdout.splitlines()
    assert out[-1] == "2 problem(s) found"
    assert out[0].startswith(f"{FACTS}:{line_of(path, 'value: abc')}:12: expected a number")
    assert out[1].startswith("knowledge/careers/beta-clerk/qa/main.yaml:2:9: not valid UTF-8")
    assert "Traceback" not in result.stdout + result.stderr


def test_cli_check_missing_folder(tmp_path: Path) -> None:
    result = _cli("check", "nope", cwd=tmp_path)
    assert result.returncode == 2
    assert "knowledge folder not found" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_make_tree_is_valid_for_reuse(tmp_path: Path) -> None:
    """The fixture builder itself is what other tests rely on: it must load cleanly twice."""
    assert load_knowledge(make_tree(tmp_path / "a")).counts().entries == 4


# --------------------------------------------------------------------------- never raises

YAML_ALPHABET = "ab: -[]{}&*!,'\"\n\t#?|>%@`01\x00é<"


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=120), st.text(YAML_ALPHABET, max_size=120)))
def test_reader_never_raises(data: bytes | str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.yaml"
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        result = read_yaml(path)
    if isinstance(result, list):
        assert result and all(err.message for err in result)


def test_control_character_is_located(tree: Path) -> None:
    path = tree / "careers/alpha-rep/lists.yaml"
    path.write_bytes(b"skills:\n  - name: Bell\x07\n    sources: [src-new]\n")
    line = only(problems(tree), "knowledge/careers/alpha-rep/lists.yaml")
    assert line.startswith("knowledge/careers/alpha-rep/lists.yaml:2:")
    assert "control character" in line


def test_special_files_are_not_opened(tree: Path) -> None:
    """A FIFO would block a reader forever; it is reported without being opened."""
    facts = tree / "careers/alpha-rep/facts.yaml"
    facts.unlink()
    os.mkfifo(facts)
    os.mkfifo(tree / "careers/alpha-rep/qa/pipe.yaml")
    with opened_files() as opened:
        lines = problems(tree)
    fifos = {str(facts), str(tree / "careers/alpha-rep/qa/pipe.yaml")}
    assert fifos.isdisjoint(opened), opened
    assert f"{FACTS}: 'facts.yaml' is not a regular file or folder" in lines
    assert (
        "knowledge/careers/alpha-rep/qa/pipe.yaml: 'pipe.yaml' is not a regular file or folder"
        in lines
    )
    assert read_yaml(facts) == [ReadError(None, None, "not a regular file")]


def test_messages_read_well(tree: Path) -> None:
    (tree / "synonyms.yaml").write_text(
        "topics:\n  wages: [pay]\nlevels:\n  entry: junior\n", encoding="utf-8"
    )
    path = tree / "careers/alpha-rep/qa/main.yaml"
    edit(path, "    answer: Apply.", "    answer: ''")
    edit(path, "    question: How much", "    question: yes\n    #")
    lines = problems(tree)
    syn = [line for line in lines if line.startswith("knowledge/synonyms.yaml")]
    assert syn[0].startswith(
        "knowledge/synonyms.yaml:2:3: 'wages' is not allowed as a key of 'topics'"
    )
    assert syn[1] == "knowledge/synonyms.yaml:4:10: expected a list for 'entry', got 'junior'"
    empty = line_of(path, "answer: ''")
    assert f"{QA}:{empty}:13: text for 'answer' is empty" in lines
    assert (
        f"{QA}:{line_of(path, 'question: yes')}:15: expected text for 'question', "
        "got true (a yes/no value) (put it in quotes)"
    ) in lines
