"""Checks on the hand-written Q&A files (knowledge/careers/<slug>/qa/*.yaml).

The checks are plain functions over parsed files so that they are themselves tested against
deliberately broken files in tmp_path: a check that cannot fail would prove nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.knowledge.model import QAFile

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "knowledge"
CSR_QA = KNOWLEDGE / "careers" / "customer-service-representative" / "qa"
SCHEMA_LINE = "# yaml-language-server: $schema=../../../schema/qa.schema.json"

# The Q&A files written from the seeds for skills, work, fit, advice, metrics and resources.
PART_B = ("skills", "work", "fit", "advice", "metrics", "resources")

# Source ids fixed by CONTRACTS.md (one per seed document).
SOURCE_IDS = frozenset(
    {"csr-profile", "csr-salary-levels", "jobicy-guide", "unsung-heroes-2023", "soc-report"}
)

# Money, percentages, counts with thousands separators, long numbers and x/10 scores: figures a
# reader may take as data, so each must be copied from a seed, never computed or remembered.
FIGURE = re.compile(
    r"\$\d+(?:,\d{3})*(?:\.\d+)?"
    r"|\d+(?:\.\d+)?\s?%"
    r"|\b\d{1,3}(?:,\d{3})+(?:\.\d+)?\b"
    r"|\b\d{4,}\b"
    r"|\b\d+(?:\.\d+)?/10\b"
)


def fold(text: str) -> str:
    """Casefold and collapse whitespace: how two phrasings are compared for sameness."""
    return " ".join(text.casefold().split())


def read(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def qa_files(root: Path) -> list[Path]:
    return sorted(root.glob("careers/*/qa/*.yaml"))


def duplicate_ids(files: list[Path]) -> dict[str, list[str]]:
    """Entry id -> the files defining it, for ids defined more than once."""
    seen: dict[str, list[str]] = defaultdict(list)
    for path in files:
        for entry in read(path)["entries"]:
            seen[entry["id"]].append(path.name)
    return {k: v for k, v in seen.items() if len(v) > 1}


def shared_phrasings(files: list[Path]) -> dict[str, set[str]]:
    """Folded question/phrasing -> entry ids using it, for texts used by two or more entries."""
    owners: dict[str, set[str]] = defaultdict(set)
    for path in files:
        for entry in read(path)["entries"]:
            for text in (entry["question"], *entry["phrasings"]):
                owners[fold(text)].add(entry["id"])
    return {k: v for k, v in owners.items() if len(v) > 1}


def long_questions(files: list[Path]) -> list[str]:
    return [
        entry["id"]
        for path in files
        for entry in read(path)["entries"]
        if len(entry["question"]) > 100
    ]


def unknown_figures(texts: list[str], seeds: str) -> list[str]:
    """Figures in ``texts`` that no seed contains verbatim."""
    return [m for t in texts for m in FIGURE.findall(t) if m not in seeds]


def find_seeds() -> Path | None:
    for parent in ROOT.parents:
        candidate = parent / "shared" / "seeds"
        if candidate.is_dir():
            return candidate
    return None


# --------------------------------------------------------------------------- the real files


@pytest.mark.parametrize("name", PART_B)
def test_part_b_file_validates_and_declares_its_schema(name: str) -> None:
    path = CSR_QA / f"{name}.yaml"
    assert path.read_text(encoding="utf-8").splitlines()[0] == SCHEMA_LINE
    qa = QAFile.model_validate(read(path))
    for entry in qa.entries:
        assert entry.id.startswith("csr-"), entry.id
        # Enough phrasings to learn from (issue 9: the matcher is trained on them).
        assert 10 <= len(entry.phrasings) <= 40, entry.id
        assert set(entry.sources) <= SOURCE_IDS, entry.id


def test_qa_ids_are_unique_across_all_files() -> None:
    files = qa_files(KNOWLEDGE)
    assert len(files) >= len(PART_B)
    assert duplicate_ids(files) == {}


def test_no_two_entries_share_a_phrasing() -> None:
    assert shared_phrasings(qa_files(KNOWLEDGE)) == {}


def test_every_question_fits_a_discord_choice() -> None:
    assert long_questions(qa_files(KNOWLEDGE)) == []


def test_part_b_related_ids_point_to_part_b_entries() -> None:
    entries = [
        e for name in PART_B for e in QAFile.model_validate(read(CSR_QA / f"{name}.yaml")).entries
    ]
    ids = {e.id for e in entries}
    for entry in entries:
        assert entry.id not in entry.related, entry.id
        assert set(entry.related) <= ids, (entry.id, set(entry.related) - ids)


def test_part_b_fact_links_exist() -> None:
    facts_path = CSR_QA.parent / "facts.yaml"
    if not facts_path.exists():
        pytest.skip("facts.yaml is written on another branch; links are checked once merged")
    fact_ids = {f["id"] for f in read(facts_path)["facts"]}
    linked = {
        (e.id, f)
        for name in PART_B
        for e in QAFile.model_validate(read(CSR_QA / f"{name}.yaml")).entries
        for f in e.facts
    }
    assert linked, "part B links RIASEC, stress and work-life facts"
    assert {(e, f) for e, f in linked if f not in fact_ids} == set()


def test_part_b_figures_come_from_the_seeds() -> None:
    seeds_dir = find_seeds()
    if seeds_dir is None:
        pytest.skip("no shared/seeds folder above this checkout to compare figures with")
    seeds = "\n".join(p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt")))
    texts = [
        text
        for name in PART_B
        for e in QAFile.model_validate(read(CSR_QA / f"{name}.yaml")).entries
        for text in (e.question, e.answer, *e.phrasings)
    ]
    assert unknown_figures(texts, seeds) == []


# --------------------------------------------------------------------------- the checks can fail


def _write(path: Path, entries: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"entries": entries}), encoding="utf-8")
    return path


def _entry(id_: str, question: str, *phrasings: str) -> dict[str, Any]:
    return {
        "id": id_,
        "topic": "skills",
        "question": question,
        "phrasings": list(phrasings),
        "answer": "An answer.",
        "sources": ["soc-report"],
    }


def test_checks_catch_duplicates_across_files(tmp_path: Path) -> None:
    a = _write(
        tmp_path / "careers/x/qa/a.yaml",
        [_entry("x-one", "First question?", "what is one", "One  Thing")],
    )
    b = _write(
        tmp_path / "careers/y/qa/b.yaml",
        [
            _entry("x-one", "Another question?", "something else", "more"),
            _entry("y-two", "Q" * 101, "one thing", "distinct"),
        ],
    )
    files = qa_files(tmp_path)
    assert files == [a, b]
    assert duplicate_ids(files) == {"x-one": ["a.yaml", "b.yaml"]}
    assert shared_phrasings(files) == {"one thing": {"x-one", "y-two"}}
    assert long_questions(files) == ["y-two"]


def test_clean_files_pass_the_checks(tmp_path: Path) -> None:
    _write(tmp_path / "careers/x/qa/a.yaml", [_entry("x-one", "First?", "alpha", "beta")])
    _write(tmp_path / "careers/x/qa/b.yaml", [_entry("x-two", "Second?", "gamma", "delta")])
    files = qa_files(tmp_path)
    assert duplicate_ids(files) == {}
    assert shared_phrasings(files) == {}
    assert long_questions(files) == []


def test_figure_check_flags_numbers_missing_from_the_seeds() -> None:
    seeds = "Median $42,830 and 30% faster; rated 7.3/10; founded in 1957."
    ok = ["It pays $42,830, resolution was 30% faster, 7.3/10, since 1957."]
    assert unknown_figures(ok, seeds) == []
    bad = ["It pays $43,000, 31% faster, 8.1/10, 12,500 people, since 1958."]
    assert unknown_figures(bad, seeds) == ["$43,000", "31%", "8.1/10", "12,500", "1958"]
