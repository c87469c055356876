"""Read the knowledge folder file by file, recording every problem instead of raising.

:class:`Run` is one load in progress: it lists a folder (refusing links that lead outside the
knowledge folder), reads each YAML file with the positions of its values and validates it
against its model, and records each problem as ``path:line:column``. :func:`read_career`
gathers one career folder's files. Checking the files against each other and building the
knowledge base is :mod:`bot.knowledge.loader`'s part.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError

from bot.knowledge.base import Problem
from bot.knowledge.messages import describe
from bot.knowledge.model import CareerFile, FactsFile, LevelsFile, ListsFile, QAFile
from bot.knowledge.yamlread import Document, Mark, read_yaml

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

CAREER_FILES = {
    "career.yaml": "career",
    "facts.yaml": "facts",
    "levels.yaml": "levels",
    "lists.yaml": "lists",
}

MARK_DEPTH = 2
"""Marks kept up front: each entry / fact / ladder (``('entries', i)``), where ids are claimed;
deeper ones (for problems) are read again on demand."""

Progress = Callable[[int, int], None]
"""Called as ``progress(files_read, files_in_all)`` after each file is read."""


def ignored(path: Path) -> bool:
    """Files that may sit in the knowledge folder without being knowledge (notes, editor junk)."""
    return path.name.startswith(".") or path.suffix.lower() in (".md", ".txt")


@dataclass
class Loaded(Generic[T]):
    """One file read and validated: its path as shown in problems, its marks, its model."""

    rel: str
    doc: Document
    model: T


@dataclass
class Run:
    """One load of the knowledge folder: its reading, and the problems found so far."""

    root: Path
    problems: list[Problem] = field(default_factory=list)
    real_root: Path = field(init=False)
    progress: Progress | None = None
    total: int = 0
    done: int = 0

    def __post_init__(self) -> None:
        self.real_root = self.root.resolve()

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root.parent).as_posix()
        except ValueError:
            return path.as_posix()

    def add(self, rel: str, mark: Mark | None, message: str) -> None:
        if mark is None:
            self.problems.append(Problem(rel, None, None, message))
        else:
            self.problems.append(Problem(rel, mark.line, mark.column, message))

    def children(self, folder: Path) -> list[Path]:
        """A folder's entries, sorted; an unreadable folder is a problem, not a crash.

        A link (file or folder) that leads outside the knowledge folder is refused here, before
        anything reads it: ``qa/x.yaml -> /etc/passwd`` or ``-> ../../.env`` would otherwise
        be parsed and its first line quoted back in a problem message.
        """
        try:
            found = sorted(folder.iterdir())
        except OSError as exc:
            self.add(self.rel(folder), None, f"cannot read folder: {exc.strerror or exc}")
            return []
        return [child for child in found if ignored(child) or self.inside(child)]

    def inside(self, path: Path) -> bool:
        """True if ``path`` resolves inside the knowledge folder; else record one problem."""
        if not path.is_symlink():
            return True
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            self.add(self.rel(path), None, f"'{path.name}' is a broken or looping link; refused")
            return False
        if target.is_relative_to(self.real_root):
            return True
        what = "folder" if target.is_dir() else "file"
        self.add(
            self.rel(path),
            None,
            f"'{path.name}' links to a {what} outside the knowledge folder; refused "
            "(copy the file into the knowledge folder instead)",
        )
        return False

    def unknown(self, path: Path, expected: str) -> None:
        if not path.is_dir() and not path.is_file():
            self.add(self.rel(path), None, f"'{path.name}' is not a regular file or folder")
            return
        what = "folder" if path.is_dir() else "file"
        hint = " (use the .yaml extension)" if path.suffix == ".yml" else ""
        self.add(self.rel(path), None, f"unknown {what} '{path.name}'{hint}; expected {expected}")

    def read(self, path: Path, model: type[M]) -> Loaded[M] | None:
        rel = self.rel(path)
        doc = read_yaml(path, mark_depth=MARK_DEPTH)
        if self.progress is not None:
            self.done += 1
            self.progress(self.done, max(self.total, self.done))
        if isinstance(doc, list):
            for err in doc:
                mark = Mark(err.line, err.column or 1) if err.line is not None else None
                self.add(rel, mark, err.message)
            return None
        try:
            value = model.model_validate(doc.data)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                key = error["type"] == "extra_forbidden"
                self.add(rel, doc.mark_for(tuple(error["loc"]), key=key), describe(error))
            return None
        doc.data = None  # the model has it now; only the marks are needed from here on
        return Loaded(rel, doc, value)


@dataclass
class CareerFiles:
    folder: Path
    career: Loaded[CareerFile] | None = None
    facts: Loaded[FactsFile] | None = None
    levels: Loaded[LevelsFile] | None = None
    lists: Loaded[ListsFile] | None = None
    qa: list[Loaded[QAFile]] = field(default_factory=list)
    failed: set[str] = field(default_factory=set)
    """Kinds of file that exist but did not load (their references are not checked)."""


def read_career(run: Run, folder: Path) -> CareerFiles:
    files = CareerFiles(folder)
    expected = "career.yaml, facts.yaml, levels.yaml, lists.yaml or qa/"
    for child in run.children(folder):
        if ignored(child):
            continue
        if child.name == "qa" and child.is_dir():
            for qa in run.children(child):
                if ignored(qa):
                    continue
                if qa.suffix != ".yaml" or not qa.is_file():
                    run.unknown(qa, "<name>.yaml question files")
                    continue
                loaded = run.read(qa, QAFile)
                if loaded is not None:
                    files.qa.append(loaded)
                else:
                    files.failed.add("qa")
        elif child.is_file() and child.name == "career.yaml":
            files.career = run.read(child, CareerFile)
        elif child.is_file() and child.name == "facts.yaml":
            files.facts = run.read(child, FactsFile)
        elif child.is_file() and child.name == "levels.yaml":
            files.levels = run.read(child, LevelsFile)
        elif child.is_file() and child.name == "lists.yaml":
            files.lists = run.read(child, ListsFile)
        else:
            run.unknown(child, expected)
    for name, kind in CAREER_FILES.items():
        if (folder / name).exists() and getattr(files, kind) is None:
            files.failed.add(kind)
    if not (folder / "career.yaml").is_file():
        run.add(run.rel(folder), None, "missing career.yaml (every career folder needs one)")
    return files
