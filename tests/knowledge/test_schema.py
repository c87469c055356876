"""The published JSON Schemas match the model, and every knowledge file points at its schema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bot.cli.schema import file_name, render
from bot.knowledge.loader import kind_of
from bot.knowledge.model import FILE_MODELS

REPO = Path(__file__).resolve().parents[2]
KNOWLEDGE = REPO / "knowledge"
MODELINE = "# yaml-language-server: $schema="


def modeline_problems(root: Path) -> list[str]:
    """Every YAML file whose first line does not name the existing schema of its kind."""
    found: list[str] = []
    for path in sorted(root.rglob("*.yaml")):
        rel = path.relative_to(root)
        kind = kind_of(rel)
        if kind is None:
            found.append(f"{rel}: not a known kind of knowledge file")
            continue
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        if not first.startswith(MODELINE):
            found.append(f"{rel}: first line must be '{MODELINE}…{file_name(kind)}'")
            continue
        target = (path.parent / first.removeprefix(MODELINE).strip()).resolve()
        expected = (root / "schema" / file_name(kind)).resolve()
        if target != expected or not target.is_file():
            found.append(f"{rel}: schema should be {expected.relative_to(root.resolve())}")
    return found


def test_committed_schemas_equal_generated() -> None:
    for kind in FILE_MODELS:
        path = KNOWLEDGE / "schema" / file_name(kind)
        assert path.is_file(), f"{path} missing: run python -m bot schema --write knowledge/schema"
        assert path.read_text(encoding="utf-8") == render(kind), (
            f"{path} is stale: run python -m bot schema --write knowledge/schema"
        )
    names = {p.name for p in (KNOWLEDGE / "schema").glob("*.json")}
    assert names == {file_name(k) for k in FILE_MODELS}


def test_schema_forbids_unknown_fields() -> None:
    schema = json.loads(render("qa"))
    assert schema["$defs"]["Entry"]["additionalProperties"] is False
    assert "answer" in schema["$defs"]["Entry"]["required"]


def test_schema_cli_prints_and_writes(tmp_path: Path) -> None:
    one = subprocess.run(
        [sys.executable, "-m", "bot", "schema", "--kind", "facts"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(one.stdout)["title"] == "careerbot facts file"
    everything = subprocess.run(
        [sys.executable, "-m", "bot", "schema"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert set(json.loads(everything.stdout)) == set(FILE_MODELS)
    subprocess.run(
        [sys.executable, "-m", "bot", "schema", "--write", str(tmp_path / "out")],
        cwd=REPO,
        capture_output=True,
        check=True,
    )
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        file_name(k) for k in FILE_MODELS
    )


def test_modeline_checker_on_fixture(tree: Path) -> None:
    (tree / "schema").mkdir()
    for kind in FILE_MODELS:
        (tree / "schema" / file_name(kind)).write_text(render(kind), encoding="utf-8")
    assert modeline_problems(tree) == []
    facts = tree / "careers/alpha-rep/facts.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace("facts.schema.json", "qa.schema.json", 1),
        encoding="utf-8",
    )
    lists = tree / "careers/beta-clerk/lists.yaml"
    lists.write_text(lists.read_text(encoding="utf-8").split("\n", 1)[1], encoding="utf-8")
    found = modeline_problems(tree)
    assert len(found) == 2
    assert found[0].startswith("careers/alpha-rep/facts.yaml")
    assert found[1].startswith("careers/beta-clerk/lists.yaml")


def test_shipped_files_have_modelines() -> None:
    assert modeline_problems(KNOWLEDGE) == []
