"""Load and validate the knowledge folder, reporting every problem as ``path:line:column: msg``.

Nothing here raises anything but :class:`KnowledgeError`: a bad file is recorded and the run
goes on, so one ``python -m bot check`` lists all problems at once. Paths in messages are
relative to the knowledge folder's parent (``knowledge/careers/x/facts.yaml:12:5: …``).

Each file is read by :mod:`bot.knowledge.reading`; here the files are checked against each
other (ids unique, references resolve, folder names match slugs) and the knowledge base built.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from bot.knowledge.base import CareerKnowledge, KnowledgeBase, KnowledgeError, Location, Problem
from bot.knowledge.figures import fact_problems, level_problems, salary_problems
from bot.knowledge.located import answer_problems, count_files
from bot.knowledge.model import (
    FILE_MODELS,
    Career,
    CareerFile,
    DeclineFile,
    Entry,
    Fact,
    FactsFile,
    LevelsFile,
    ListsFile,
    SourcesFile,
    SynonymsFile,
)
from bot.knowledge.reading import (
    CAREER_FILES,
    CareerFiles,
    Loaded,
    Progress,
    Run,
    ignored,
    read_career,
)
from bot.knowledge.yamlread import Path_

ROOT_FILES = {"sources.yaml": "sources", "synonyms.yaml": "synonyms", "decline.yaml": "decline"}
LIST_NAMES = tuple(ListsFile.model_fields)


def kind_of(relative: Path) -> str | None:
    """The file kind (a key of FILE_MODELS) of a path relative to the knowledge folder."""
    parts = relative.parts
    if len(parts) == 1:
        return ROOT_FILES.get(parts[0])
    if len(parts) == 3 and parts[0] == "careers":
        return CAREER_FILES.get(parts[2])
    if len(parts) == 4 and parts[0] == "careers" and parts[2] == "qa":
        return "qa" if parts[3].endswith(".yaml") else None
    return None


def _check_refs(
    run: Run,
    loaded: Loaded[Any],
    path: Path_,
    ids: Sequence[str],
    valid: Iterable[str] | dict[str, Any] | set[str],
    what: str,
) -> None:
    known = valid if isinstance(valid, dict | set) else set(valid)
    for i, ref in enumerate(ids):
        if ref not in known:
            run.add(loaded.rel, loaded.doc.mark_for((*path, i)), f"unknown {what} '{ref}'")


def _check_leading(run: Run, loaded: Loaded[FactsFile]) -> None:
    """Where sources disagree, exactly one version leads (answers show it first)."""
    groups: dict[tuple[object, ...], list[int]] = {}
    for i, fact in enumerate(loaded.model.facts):
        groups.setdefault(fact.version_key, []).append(i)
    facts = loaded.model.facts
    for indexes in groups.values():
        leading = [i for i in indexes if facts[i].leading]
        first = facts[indexes[0]]
        what = first.metric.value + "".join(
            f", {name} {value}"
            for name, value in (
                ("level", first.level.value if first.level else None),
                ("percentile", first.percentile),
                ("dimension", first.dimension),
                ("qualifier", first.qualifier),
                ("region", first.region),
            )
            if value is not None
        )
        if len(leading) > 1:
            for i in leading[1:]:
                run.add(
                    loaded.rel,
                    loaded.doc.mark_for(("facts", i, "leading")),
                    f"'{facts[i].id}' is a second leading version of {what} "
                    f"(already '{facts[leading[0]].id}'); mark exactly one 'leading: true'",
                )
        elif len(indexes) > 1 and not leading:
            ids = ", ".join(f"'{facts[i].id}'" for i in indexes)
            run.add(
                loaded.rel,
                loaded.doc.mark_for(("facts", indexes[0])),
                f"{ids} are versions of {what} but none is marked 'leading: true'",
            )


def load_knowledge(root: Path, progress: Progress | None = None) -> KnowledgeBase:
    """Load every file under ``root``; raise KnowledgeError listing all problems.

    ``progress`` (for a terminal) is told after each file how many were read, of about how many.
    """
    root = Path(root).absolute()
    run = Run(root, progress=progress)
    if not root.is_dir():
        run.add(run.rel(root), None, "knowledge folder not found")
        raise KnowledgeError(run.problems)
    if progress is not None:
        run.total = count_files(root)

    sources: Loaded[SourcesFile] | None = None
    synonyms: Loaded[SynonymsFile] | None = None
    decline: Loaded[DeclineFile] | None = None
    career_folders: list[Path] = []
    for child in run.children(root):
        if ignored(child) or (child.name == "schema" and child.is_dir()):
            continue
        if child.name == "sources.yaml" and child.is_file():
            sources = run.read(child, SourcesFile)
        elif child.name == "synonyms.yaml" and child.is_file():
            synonyms = run.read(child, SynonymsFile)
        elif child.name == "decline.yaml" and child.is_file():
            decline = run.read(child, DeclineFile)
        elif child.name == "careers" and child.is_dir():
            for folder in run.children(child):
                if ignored(folder):
                    continue
                if folder.is_dir():
                    career_folders.append(folder)
                else:
                    run.unknown(folder, "one folder per career, named by its slug")
        else:
            run.unknown(child, "sources.yaml, synonyms.yaml, decline.yaml, careers/ or schema/")
    if not (root / "sources.yaml").is_file():
        run.add(run.rel(root / "sources.yaml"), None, "missing sources.yaml")
    if not (root / "careers").is_dir():
        run.add(run.rel(root / "careers"), None, "missing careers/ folder")

    careers_read = [read_career(run, folder) for folder in career_folders]
    kb = _cross_check(run, root, sources, synonyms, careers_read)
    if kb is not None and not run.problems:
        run.problems.extend(answer_problems(kb, root.parent))
    if run.problems:
        raise KnowledgeError(_ordered(run.problems))
    assert kb is not None  # noqa: S101 - no problems means everything loaded
    if decline is not None:
        kb = dataclasses.replace(kb, decline=tuple(decline.model.examples))
    return kb


def _ordered(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.path, p.line or 0, p.column or 0))


def _cross_check(
    run: Run,
    root: Path,
    sources: Loaded[SourcesFile] | None,
    synonyms: Loaded[SynonymsFile] | None,
    careers_read: list[CareerFiles],
) -> KnowledgeBase | None:
    """Ids unique across files, every reference resolves, folder names match slugs."""
    source_ids: dict[str, Any] = {}
    if sources is not None:
        for i, src in enumerate(sources.model.sources):
            if src.id in source_ids:
                run.add(
                    sources.rel,
                    sources.doc.mark_for(("sources", i, "id")),
                    f"duplicate source id '{src.id}'",
                )
            source_ids[src.id] = src
    check_sources = sources is not None

    locations: dict[str, Location] = {}

    def claim(identifier: str, loaded: Loaded[Any], path: Path_) -> None:
        mark = loaded.doc.mark_for(path)
        where = Location(loaded.rel, mark.line, mark.column)
        earlier = locations.get(identifier)
        if earlier is not None:
            id_mark = loaded.doc.mark_for((*path, "id"))
            run.add(loaded.rel, id_mark, f"duplicate id '{identifier}' (also at {earlier})")
            return
        locations[identifier] = where

    def refs(loaded: Loaded[Any], path: Path_, ids: Sequence[str]) -> None:
        if check_sources:
            _check_refs(run, loaded, path, ids, source_ids, "source")

    careers: dict[str, Career] = {}
    career_files: dict[str, CareerFiles] = {}
    career_rel: dict[str, Loaded[CareerFile]] = {}
    for files in careers_read:
        if files.career is None:
            continue
        career = files.career.model.career
        loaded_career = files.career
        if career.slug != files.folder.name:
            run.add(
                loaded_career.rel,
                loaded_career.doc.mark_for(("career", "slug")),
                f"slug '{career.slug}' does not match its folder name '{files.folder.name}'",
            )
        if career.slug in careers:
            run.add(
                loaded_career.rel,
                loaded_career.doc.mark_for(("career", "slug")),
                f"duplicate career slug '{career.slug}' (also in {career_rel[career.slug].rel})",
            )
            continue
        careers[career.slug] = career
        career_files[career.slug] = files
        career_rel[career.slug] = loaded_career
        refs(loaded_career, ("career", "sources"), career.sources)

    all_careers_read = all("career" not in f.failed for f in careers_read)
    for slug, loaded_career in career_rel.items():
        if not all_careers_read:
            break
        _check_refs(
            run, loaded_career, ("career", "related"), careers[slug].related, careers, "career"
        )

    # Facts, levels, lists: ids and sources.
    facts_of: dict[str, set[str]] = {}
    for slug, files in career_files.items():
        facts_of[slug] = set()
        if files.facts is not None:
            for i, fact in enumerate(files.facts.model.facts):
                claim(fact.id, files.facts, ("facts", i))
                facts_of[slug].add(fact.id)
                refs(files.facts, ("facts", i, "sources"), fact.sources)
                for name, message in fact_problems(fact):
                    run.add(files.facts.rel, files.facts.doc.mark_for(("facts", i, name)), message)
            _check_leading(run, files.facts)
        if files.levels is not None:
            lv = files.levels
            seen_levels: set[str] = set()
            for i, level in enumerate(lv.model.levels):
                if level.level in seen_levels:
                    run.add(
                        lv.rel,
                        lv.doc.mark_for(("levels", i, "level")),
                        f"level '{level.level}' is described twice",
                    )
                seen_levels.add(level.level)
                refs(lv, ("levels", i, "sources"), level.sources)
                for name, message in level_problems(level):
                    run.add(lv.rel, lv.doc.mark_for(("levels", i, name)), message)
                if level.salary is not None:
                    refs(lv, ("levels", i, "salary", "sources"), level.salary.sources)
                    for name, message in salary_problems(level.salary):
                        run.add(lv.rel, lv.doc.mark_for(("levels", i, "salary", name)), message)
            for i, ladder in enumerate(lv.model.ladders):
                claim(ladder.id, lv, ("ladders", i))
                refs(lv, ("ladders", i, "sources"), ladder.sources)
        if files.lists is not None:
            for name in LIST_NAMES:
                items = getattr(files.lists.model, name)
                for i, item in enumerate(items):
                    refs(files.lists, (name, i, "sources"), item.sources)

    # Q&A entries: ids first (related may point to any career), then references.
    entries: dict[str, Entry] = {}
    entry_career: dict[str, str] = {}
    for slug, files in career_files.items():
        for qa in files.qa:
            for i, entry in enumerate(qa.model.entries):
                before = len(run.problems)
                claim(entry.id, qa, ("entries", i))
                if len(run.problems) == before and entry.id not in entries:
                    entries[entry.id] = entry
                    entry_career[entry.id] = slug
    all_qa_read = all("qa" not in f.failed for f in careers_read)
    all_facts_read = all("facts" not in f.failed for f in careers_read)
    for slug, files in career_files.items():
        for qa in files.qa:
            for i, entry in enumerate(qa.model.entries):
                refs(qa, ("entries", i, "sources"), entry.sources)
                if all_qa_read:
                    _check_refs(run, qa, ("entries", i, "related"), entry.related, entries, "entry")
                # An entry shows facts of its own career, or of a career it names as related
                # (the related-careers answer compares their pay): nothing else.
                allowed = {slug, *careers[slug].related}
                for j, fact_id in enumerate(entry.facts):
                    owner = next((s for s, ids in facts_of.items() if fact_id in ids), None)
                    if owner in allowed or not all_facts_read:
                        continue
                    mark = qa.doc.mark_for(("entries", i, "facts", j))
                    message = (
                        f"fact '{fact_id}' belongs to career '{owner}', which is neither "
                        f"'{slug}' nor one of its related careers"
                        if owner
                        else f"unknown fact '{fact_id}'"
                    )
                    run.add(qa.rel, mark, message)

    if run.problems or sources is None:
        return None
    built: dict[str, CareerKnowledge] = {}
    for slug, files in career_files.items():
        facts: tuple[Fact, ...] = tuple(files.facts.model.facts) if files.facts else ()
        levels = files.levels.model if files.levels else LevelsFile()
        built[slug] = CareerKnowledge(
            career=careers[slug],
            facts=facts,
            levels=tuple(levels.levels),
            ladders=tuple(levels.ladders),
            lists=files.lists.model if files.lists else ListsFile(),
            entries=tuple(e for qa in files.qa for e in qa.model.entries),
        )
    return KnowledgeBase(
        root=root,
        sources=dict(source_ids),
        careers=built,
        synonyms=synonyms.model if synonyms else SynonymsFile(),
        entries=entries,
        entry_career=entry_career,
        locations=locations,
    )


__all__ = ["FILE_MODELS", "kind_of", "load_knowledge"]
