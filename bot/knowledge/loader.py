"""Load and validate the knowledge folder. (Naive first version: to be hardened.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.base import CareerKnowledge, KnowledgeBase, KnowledgeError, Problem
from bot.knowledge.model import (
    CareerFile,
    Entry,
    FactsFile,
    LevelsFile,
    ListsFile,
    QAFile,
    SourcesFile,
    SynonymsFile,
)


def _read(path: Path) -> Any:
    with path.open("rb") as fh:
        return yaml.safe_load(fh)


def load_knowledge(root: Path) -> KnowledgeBase:
    """Load every file under ``root``; raise KnowledgeError listing all problems."""
    root = Path(root)
    problems: list[Problem] = []
    sources = SourcesFile.model_validate(_read(root / "sources.yaml"))
    syn_path = root / "synonyms.yaml"
    synonyms = SynonymsFile.model_validate(_read(syn_path)) if syn_path.exists() else SynonymsFile()
    careers: dict[str, CareerKnowledge] = {}
    entries: dict[str, Entry] = {}
    entry_career: dict[str, str] = {}
    for folder in sorted(p for p in (root / "careers").iterdir() if p.is_dir()):
        career = CareerFile.model_validate(_read(folder / "career.yaml")).career
        facts = (
            FactsFile.model_validate(_read(folder / "facts.yaml")).facts
            if (folder / "facts.yaml").exists()
            else []
        )
        levels = (
            LevelsFile.model_validate(_read(folder / "levels.yaml"))
            if (folder / "levels.yaml").exists()
            else LevelsFile()
        )
        lists = (
            ListsFile.model_validate(_read(folder / "lists.yaml"))
            if (folder / "lists.yaml").exists()
            else ListsFile()
        )
        career_entries: list[Entry] = []
        for qa in sorted((folder / "qa").glob("*.yaml")) if (folder / "qa").exists() else []:
            for entry in QAFile.model_validate(_read(qa)).entries:
                career_entries.append(entry)
                entries[entry.id] = entry
                entry_career[entry.id] = career.slug
        careers[career.slug] = CareerKnowledge(
            career=career,
            facts=tuple(facts),
            levels=tuple(levels.levels),
            ladders=tuple(levels.ladders),
            lists=lists,
            entries=tuple(career_entries),
        )
    if problems:
        raise KnowledgeError(problems)
    return KnowledgeBase(
        root=root,
        sources={s.id: s for s in sources.sources},
        careers=careers,
        synonyms=synonyms,
        entries=entries,
        entry_career=entry_career,
    )
