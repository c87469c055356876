"""Teaching: a member's question becomes a phrasing of an entry (or a declined example) in the
knowledge files, after the same validation ``check`` runs, or is refused with the reason.

Used by ``python -m bot teach`` and by ``/kb teach`` and the gaps select in Discord. One teach
at a time per knowledge folder, across processes (an advisory file lock), so two teaches made
at once both land. A folder that cannot be written (a read-only mount, a checkout the bot may
not write) gets the change back as a unified diff to commit instead.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from rapidfuzz import fuzz

from bot.engine import Engine
from bot.engine.answer import Outcome
from bot.knowledge.base import KnowledgeBase, KnowledgeError
from bot.knowledge.editor import DECLINE_FILE, Edit, EditError, add_example, add_phrasing
from bot.knowledge.editor import remove_line as editor_remove_line
from bot.knowledge.loader import load_knowledge

MAX_TAUGHT_CHARS: Final = 300
"""Longest text that can be taught (the phrasing limit of the Q&A schema)."""
READ_ONLY_ERRNOS: Final = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})

EngineFactory = Callable[[KnowledgeBase], Engine]


class TeachRefused(ValueError):
    """Nothing was written; the message is the reason, one line, for the moderator."""


@dataclass(frozen=True, slots=True)
class Taught:
    question: str
    entry_id: str | None
    """None: taught as "not something we answer" (decline.yaml)."""
    edit: Edit
    written: bool
    """False: the folder is read-only; ``edit.diff()`` is the change to commit."""

    @property
    def where(self) -> str:
        return f"{self.edit.label}:{self.edit.line}"


def _lock_path(root: Path) -> Path:
    key = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"careerbot-teach-{key}.lock"


@contextlib.contextmanager
def knowledge_lock(root: Path) -> Iterator[None]:
    """Hold the teaching lock of ``root`` (blocks while another process holds it)."""
    # Read-only is enough for flock, so a lock file made by another user still works.
    fd = os.open(_lock_path(root), os.O_RDONLY | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _load(root: Path) -> KnowledgeBase:
    try:
        return load_knowledge(root)
    except KnowledgeError as exc:
        first = exc.problems[0] if exc.problems else "unknown problem"
        raise TeachRefused(
            f"the knowledge has {len(exc.problems)} problem(s) (first: {first}); fix them first"
        ) from None


def _file_of(root: Path, kb: KnowledgeBase, entry_id: str) -> tuple[Path, str]:
    loc = kb.locations.get(entry_id)
    if entry_id not in kb.entries or loc is None:
        if entry_id.startswith("fact."):
            raise TeachRefused(
                f"{entry_id} is a quick fact, not a Q&A entry: teach a phrasing to an entry"
            )
        raise TeachRefused(f"no entry {entry_id!r} in the knowledge")
    return root.parent / loc.path, loc.path


def _label(root: Path, path: Path) -> str:
    return path.relative_to(root.parent).as_posix()


def _known(engine: Engine, kb: KnowledgeBase, text: str) -> str | None:
    """Why ``text`` is already taught (a phrasing of an entry or a declined example), or None."""
    key = engine.normalise(text)
    for entry_id, entry in kb.entries.items():
        if any(engine.normalise(t) == key for t in (entry.question, *entry.phrasings)):
            return f"it is already a phrasing of {entry_id}"
    if any(engine.normalise(t) == key for t in getattr(kb, "decline", ())):
        return f"it is already in {DECLINE_FILE}"
    return None


def _validated(root: Path, edit: Edit, factory: EngineFactory) -> Engine:
    """Load the knowledge as it would be after ``edit`` (in a scratch copy) and build its
    engine; refuses with the first problem the loader reports."""
    with tempfile.TemporaryDirectory(prefix="careerbot-teach-") as scratch:
        copy = Path(scratch) / root.name
        # Plain copies: the scratch folder must be writable even when the knowledge is not.
        shutil.copytree(root, copy, symlinks=True, copy_function=shutil.copyfile)
        for folder, _, _ in os.walk(copy):
            os.chmod(folder, 0o700)
        target = copy / edit.path.resolve().relative_to(root.resolve())
        target.write_text(edit.after, encoding="utf-8")
        try:
            kb = load_knowledge(copy)
        except KnowledgeError as exc:
            problem = str(exc.problems[0]) if exc.problems else "unknown problem"
            raise TeachRefused(f"the result would not load: {problem}") from None
        return factory(kb)


def _write(edit: Edit) -> bool:
    """Replace the file atomically; False when the folder is read-only."""
    path = edit.path
    try:
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        if exc.errno in READ_ONLY_ERRNOS:
            return False
        raise
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(edit.after)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return True


def _clean(question: str) -> str:
    text = " ".join(question.split())
    if len(text) < 2:
        raise TeachRefused("there is nothing to teach: the question is empty")
    if len(text) > MAX_TAUGHT_CHARS:
        raise TeachRefused(
            f"the question is {len(text)} characters; at most {MAX_TAUGHT_CHARS} can be taught"
        )
    return text


def teach(
    root: Path,
    question: str,
    entry_id: str | None,
    *,
    factory: EngineFactory = Engine,
    write: bool = True,
) -> Taught:
    """Teach ``question`` as a phrasing of ``entry_id``, or as declined when it is None.

    Refuses (``TeachRefused``, nothing written) when the text is empty or over-long, already
    taught, would make the knowledge fail to load, or would still be answered otherwise
    (another entry, unsure, or answered when it should be declined)."""
    text = _clean(question)
    with knowledge_lock(root):
        kb = _load(root)
        engine = factory(kb)
        known = _known(engine, kb, text)
        if known:
            raise TeachRefused(f"not taught: {known}")
        ranked = [engine.targets[r.target].id for r in engine.rank(text)[1]]
        near = _near_duplicate(engine, text, ranked[:3], entry_id)
        if near:
            raise TeachRefused(f"not taught: {near}")
        try:
            if entry_id is None:
                path = root / DECLINE_FILE
                before = path.read_text(encoding="utf-8") if path.exists() else None
                edit = add_example(path, _label(root, path), before, text)
            else:
                path, label = _file_of(root, kb, entry_id)
                edit = add_phrasing(path, label, path.read_text(encoding="utf-8"), entry_id, text)
        except EditError as exc:
            raise TeachRefused(str(exc)) from None
        new_engine = _validated(root, edit, factory)
        after = new_engine.ask(text)
        if entry_id is None and after.outcome is not Outcome.DECLINE:
            raise TeachRefused(
                f"not taught: even as a declined example it would still get "
                f"{_outcome(after.outcome, after.entry_id)}"
            )
        if entry_id is not None and (
            after.outcome is not Outcome.ANSWER or after.entry_id != entry_id
        ):
            raise TeachRefused(
                f"not taught: as a phrasing of {entry_id} it would still get "
                f"{_outcome(after.outcome, after.entry_id)}"
            )
        stolen = _taken_over(engine, new_engine, ranked[:1], entry_id)
        if stolen is not None:
            raise TeachRefused(f"not taught: {stolen}")
        written = _write(edit) if write else False
        return Taught(text, entry_id, edit, written)


NEAR_DUPLICATE = 90
"""rapidfuzz token-sort ratio from which a taught text counts as another entry's phrasing
(the same words in any order, give or take a typo; not the token-set ratio, for which a
short question is "almost" every longer phrasing holding its words: "pay please" was refused
as a copy of "hello, please tell me the salary of a customer service rep in the usa")."""


def _near_duplicate(
    engine: Engine, text: str, ranked: Sequence[str], entry_id: str | None
) -> str | None:
    """Why ``text`` already belongs to another entry, if it does: it is almost one of the
    phrasings of an entry it ranks near (``ranked``: target ids; one text in two entries
    contradicts itself)."""
    key = engine.normalise(text)
    for target_id in ranked:
        near = engine.kb.entries.get(target_id)
        if near is None or near.id == entry_id:
            continue
        for phrasing in (near.question, *near.phrasings):
            if fuzz.token_sort_ratio(key, engine.normalise(phrasing)) >= NEAR_DUPLICATE:
                return f"it is almost {phrasing!r}, a phrasing of {near.id}"
    return None


def _taken_over(
    before: Engine, after: Engine, ranked: Sequence[str], entry_id: str | None
) -> str | None:
    """Why the taught text would change other answers, if it would: the phrasings of the
    entry it went to before (``ranked``: its best target id, if any; a learned matcher
    learns from one line) must still go there."""
    if not ranked:
        return None
    was = ranked[0]
    entry = before.kb.entries.get(was)
    if entry is None or was == entry_id:
        return None
    for phrasing in (entry.question, *entry.phrasings):
        now = after.ask(phrasing)
        if now.outcome is Outcome.ANSWER and now.entry_id != was and now.entry_id == entry_id:
            return (
                f"it would still be a {was} question: as a phrasing of {entry_id or 'nothing'} "
                f"it would take {phrasing!r} from {was} too"
            )
    return None


def untaught(root: Path, label: str, row: str, near: int, *, write: bool = True) -> Edit:
    """Remove exactly the taught line ``row`` from file ``label`` (an undo)."""
    path = root.parent / label
    if not path.resolve().is_relative_to(root.resolve()):
        raise TeachRefused(f"{label} is not inside the knowledge folder")
    with knowledge_lock(root):
        try:
            before = path.read_text(encoding="utf-8")
            edit = editor_remove_line(path, label, before, row, near)
        except (OSError, EditError) as exc:
            raise TeachRefused(str(exc)) from None
        if write and not _write(edit):
            raise TeachRefused(f"{label} is read-only; apply this change by hand:\n{edit.diff()}")
        return edit


def likely_entries(engine: Engine, question: str, limit: int = 3) -> list[tuple[str, str]]:
    """The Q&A entries the matcher ranks first for ``question``, as (id, question): what a
    moderator most likely wants to teach it to (quick facts take no phrasings)."""
    _, ranked = engine.rank(question)
    out: list[tuple[str, str]] = []
    for r in ranked:
        target = engine.targets[r.target]
        if target.id in engine.kb.entries and target.id not in {i for i, _ in out}:
            out.append((target.id, target.question))
            if len(out) == limit:
                break
    return out


def _outcome(outcome: Outcome, entry_id: str | None) -> str:
    if outcome is Outcome.ANSWER:
        return f"the answer {entry_id}"
    if outcome is Outcome.UNSURE:
        return "a did-you-mean"
    return "declined" if outcome is Outcome.DECLINE else str(outcome.value)
