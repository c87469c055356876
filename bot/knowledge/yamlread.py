"""Read one YAML file defensively: safe tags only, bounded, with the position of every value.

Moderators edit these files by hand and anyone with repository access may send one, so the
reader assumes hostile input: the file size is capped before reading, bytes are decoded as
strict UTF-8 by us (to report where a bad byte is), only the plain YAML types are accepted
(a ``!!python/...`` tag is an error, never executed), alias expansion is bounded (a "billion
laughs" file stops after :data:`MAX_VALUES` values), and a key repeated within one mapping is an
error instead of YAML's silent "last one wins".

The result keeps, for every value, where it is written, keyed by its path (the same tuple
pydantic puts in an error's ``loc``), so validation errors point at a line and column.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import SafeConstructor
from yaml.events import CollectionEndEvent, CollectionStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.knowledge.redact import excerpt

MAX_BYTES = 2 * 1024 * 1024
"""Largest knowledge file accepted (the biggest real one is a few dozen KiB)."""

MAX_VALUES = 50_000
"""Most values (scalars, lists, mappings, alias uses counted again) one file may produce."""

MAX_DEPTH = 50

Path_ = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_SCALAR_TAGS = {
    _STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_MERGE = "tag:yaml.org,2002:merge"


@dataclass(frozen=True, slots=True)
class Mark:
    """A 1-based line and column."""

    line: int
    column: int


@dataclass(frozen=True, slots=True)
class ReadError:
    """Something wrong with the file as YAML (before any schema check)."""

    line: int | None
    column: int | None
    message: str


@dataclass
class Document:
    """The plain Python data of a file, with where each value and each key is written."""

    data: Any
    values: dict[Path_, Mark] = field(default_factory=dict)
    keys: dict[Path_, Mark] = field(default_factory=dict)
    source: Path | None = field(default=None, repr=False, compare=False)
    mark_depth: int | None = field(default=None, repr=False, compare=False)
    """Marks are recorded only this deep (None: all); deeper ones are read again on demand."""

    def mark_for(self, loc: tuple[Any, ...], *, key: bool = False) -> Mark:
        """Best position for a pydantic ``loc``: the deepest part of it that exists.

        Parts that are not in the data (a missing field, a union member's tag) are skipped.
        With ``key`` the mapping key is preferred (for "unknown field" messages).
        """
        if self.mark_depth is not None and (key or len(loc) > self.mark_depth):
            self._all_marks()
        path: Path_ = ()
        for part in loc:
            if part == "[key]":
                key = True
                continue
            candidate = (*path, part)
            if candidate in self.values:
                path = candidate
        if key and path in self.keys:
            return self.keys[path]
        return self.values.get(path, Mark(1, 1))

    def _all_marks(self) -> None:
        """Record every mark, reading the file again (a problem needs a deep position: rare,
        and cheaper than keeping a mark for each of a large file's values)."""
        self.mark_depth = None
        full = read_yaml(self.source) if self.source is not None else None
        if isinstance(full, Document):
            self.values.update(full.values)
            self.keys.update(full.keys)


class _Loader(yaml.SafeLoader):
    """SafeLoader used only to scan, parse and compose nodes; we construct data ourselves.

    Composing is bounded in depth too: PyYAML recurses once per level and its scanner slows
    down quadratically with the flow depth, so ``[[[[…`` 100k deep took seconds to fail.
    """

    _depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH + 1:
                event = self.peek_event()  # type: ignore[no-untyped-call]
                mark = event.start_mark if event is not None else self.get_mark()
                raise ComposerError(None, None, f"nested more than {MAX_DEPTH} levels deep", mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_IMPLICIT: dict[Any, list[tuple[str, Any]]] = yaml.SafeLoader.yaml_implicit_resolvers


def _resolve_plain(value: str) -> str:
    """The tag of a plain scalar, as SafeLoader's resolver gives it (without path resolvers,
    which SafeLoader has none of): the first implicit resolver for its first character that
    matches, else str."""
    for tag, regexp in _IMPLICIT.get(value[:1], ()):
        if regexp.match(value):
            return tag
    return _STR


_CSafeLoader: Any = getattr(yaml, "CSafeLoader", None)
_FastLoader: Any = None
"""libyaml's loader when PyYAML was built with it: composes ~10x faster than pure Python."""

if _CSafeLoader is not None and not yaml.SafeLoader.yaml_path_resolvers and None not in _IMPLICIT:

    class _CLoader(_CSafeLoader):  # type: ignore[misc]
        """libyaml calls back into Python to resolve every scalar's tag; a third of a large
        file's composing time went there. Same answers, fewer steps (tested against the
        pure-Python reader in test_yaml_fast.py)."""

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is ScalarNode and implicit[0]:
                return _resolve_plain(value)
            return super().resolve(kind, value, implicit)

        def descend_resolver(self, current_node: Any, current_index: Any) -> None:
            return None  # only path resolvers use it

        def ascend_resolver(self) -> None:
            return None

    _FastLoader = _CLoader


def _compose_fast(text: str) -> tuple[Node | None, SafeConstructor] | None:
    """Compose ``text`` with libyaml; None when unavailable or on any problem at all.

    Only a speed-up for well-formed files (the bot's start and every reload read them all):
    anything libyaml rejects is read again by the pure-Python loader, so every error
    message and position stays exactly that loader's.
    """
    if _FastLoader is None or not _nesting_within(text, MAX_DEPTH + 1):
        return None
    loader = _FastLoader(text)
    try:
        return loader.get_single_node(), loader
    except Exception:
        return None
    finally:
        loader.dispose()


def _nesting_within(text: str, limit: int) -> bool:
    """True if no collection in ``text`` is nested more than ``limit`` deep (False on doubt).

    libyaml's parser is iterative, but PyYAML's C composer recurses once per level without a
    bound: a 100k-deep ``[[[…``, ``{a: {a: …`` or ``- - - …`` overflowed the C stack and the
    process died of SIGSEGV (``check``, and the bot on a reload). Reading only the events is
    about half the cost of composing; a file that fails here goes to the bounded loader.
    """
    parser = _FastLoader(text)
    depth = 0
    try:
        while (event := parser.get_event()) is not None:
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > limit:
                    return False
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
        return True
    except Exception:
        return False
    finally:
        parser.dispose()


class _TooBig(Exception):
    pass


def _short_tag(tag: str) -> str:
    """A tag as written in the file (``!!python/object/apply:os.system``), short and safe."""
    if tag.startswith("tag:yaml.org,2002:"):
        tag = "!!" + tag.removeprefix("tag:yaml.org,2002:")
    return excerpt(tag)


def _mark(node: Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


def _decode(raw: bytes) -> str | ReadError:
    try:
        text = raw.decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return ReadError(
            line, column, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        )
    return text.removeprefix("\ufeff")


def _tab_indent(text: str) -> ReadError | None:
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip(" \t")
        if not stripped or stripped.startswith("#"):
            continue
        indent = line[: len(line) - len(stripped)]
        if "\t" in indent:
            return ReadError(
                number, indent.index("\t") + 1, "tab used for indentation; indent with spaces"
            )
    return None


class _Builder:
    """Turn composed nodes into dicts, lists and scalars, recording marks, within bounds."""

    def __init__(self, loader: SafeConstructor, mark_depth: int | None = None) -> None:
        self.loader = loader
        self.count = 0
        self.errors: list[ReadError] = []
        self.doc = Document(None)
        self.mark_depth = MAX_DEPTH + 1 if mark_depth is None else mark_depth

    def build(self, node: Node, path: Path_, depth: int) -> Any:
        self.count += 1
        mark = _mark(node)
        if self.count > MAX_VALUES or depth > MAX_DEPTH:
            raise _TooBig(mark)
        if depth <= self.mark_depth:
            self.doc.values.setdefault(path, mark)
        if isinstance(node, ScalarNode):
            return self._scalar(node, mark)
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ:
                return self._bad_tag(node, mark)
            return [self.build(child, (*path, i), depth + 1) for i, child in enumerate(node.value)]
        if isinstance(node, MappingNode):
            if node.tag != _MAP:
                return self._bad_tag(node, mark)
            return self._mapping(node, path, depth)
        return self._bad_tag(node, mark)  # pragma: no cover - composer only makes these three

    def _bad_tag(self, node: Node, mark: Mark) -> None:
        self.errors.append(
            ReadError(mark.line, mark.column, f"tag '{_short_tag(node.tag)}' is not allowed here")
        )
        return None

    def _scalar(self, node: ScalarNode, mark: Mark) -> Any:
        if node.tag not in _SCALAR_TAGS:
            return self._bad_tag(node, mark)
        if node.tag in (_STR, "tag:yaml.org,2002:timestamp"):
            # Dates stay text as written: the model wants "2023-02-28", not a date object.
            return str(node.value)
        try:
            return self.loader.construct_object(node)
        except (yaml.YAMLError, ValueError):  # e.g. an explicit !!int on "abc"
            what = f"cannot read '{excerpt(node.value)}' as {_short_tag(node.tag)}"
            self.errors.append(ReadError(mark.line, mark.column, what))
            return None

    def _mapping(self, node: MappingNode, path: Path_, depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        first: dict[Any, Mark] = {}
        for key_node, value_node in node.value:
            kmark = _mark(key_node)
            if key_node.tag == _MERGE:
                self.errors.append(
                    ReadError(kmark.line, kmark.column, "merge keys ('<<') are not supported")
                )
                continue
            if not isinstance(key_node, ScalarNode):
                self.errors.append(
                    ReadError(kmark.line, kmark.column, "a key must be a plain word or text")
                )
                continue
            key = self._scalar(key_node, kmark)
            self.count += 1
            if key is None:
                if key_node.tag == "tag:yaml.org,2002:null":
                    self.errors.append(ReadError(kmark.line, kmark.column, "empty key"))
                continue
            if key in first:
                earlier = first[key]
                self.errors.append(
                    ReadError(
                        kmark.line,
                        kmark.column,
                        f"duplicate key '{excerpt(str(key))}' (first at line {earlier.line}); "
                        "YAML would silently keep only the last one",
                    )
                )
                continue
            first[key] = kmark
            child: Path_ = (*path, key)
            if depth < self.mark_depth:
                self.doc.keys[child] = kmark
            result[key] = self.build(value_node, child, depth + 1)
        return result


_CLOSERS = {"sequence": ("list", "[", "]"), "mapping": ("mapping", "{", "}")}


def syntax_error(exc: yaml.MarkedYAMLError, text: str) -> ReadError:
    """A YAML syntax error in plain words, at the line a moderator has to fix.

    PyYAML reports where it gave up (``problem_mark``), often lines after the mistake: an
    unclosed ``[`` is noticed at the next key. Where the construct that is broken started
    (``context_mark``) is the line to fix for unclosed brackets, quotes and keys; for an
    indentation mistake it is the problem line itself.
    """
    context, problem = exc.context or "", exc.problem or ""
    start, stop = exc.context_mark, exc.problem_mark

    def at(mark: yaml.Mark | None, hint: str) -> ReadError:
        if mark is None:
            return ReadError(None, None, f"invalid YAML: {hint}")
        return ReadError(mark.line + 1, mark.column + 1, f"invalid YAML: {hint}")

    gave_up = (
        f" (noticed on line {stop.line + 1})" if stop and start and stop.line > start.line else ""
    )
    if context.startswith("while parsing a flow ") and start is not None:
        what, opener, closer = _CLOSERS.get(context.split()[-1], ("list", "[", "]"))
        return at(
            start,
            f"a {what} opened with {opener} here is not closed: add the missing '{closer}' "
            f"(or put an item that contains ':' or '{opener}' in quotes){gave_up}",
        )
    if "quoted scalar" in context and "end of stream" in problem and start is not None:
        return at(start, "text opened with a quote here is never closed: add the closing quote")
    if "quoted scalar" in context and "escape" in problem:
        return at(
            stop,
            "unknown escape in double-quoted text: write \\\\ for a backslash, "
            "or use single quotes",
        )
    if context.startswith("while scanning a simple key") and start is not None:
        return at(
            start,
            "this line is not 'key: value' (a ':' missing?), or the text goes on over more "
            "lines than a key allows; check the indentation of this line",
        )
    if problem.startswith("mapping values are not allowed"):
        line = _line(text, stop)
        before = line[: stop.column] if stop is not None else ""
        if ": " in before.strip() or before.rstrip().endswith(":"):
            return at(stop, "a ':' inside a value: put the whole value in quotes")
        return at(
            stop,
            "check the indentation of this line: it is indented more than the key above it "
            "(or the line above is not finished)",
        )
    if problem.startswith("expected <block end>"):
        since = f" (the block starting on line {start.line + 1})" if start is not None else ""
        return at(
            stop,
            f"check the indentation of this line: it does not line up with the keys or "
            f"items above it{since}",
        )
    if problem.startswith(("sequence entries are not allowed", "block sequence entries")):
        return at(stop, "a '- ' list item must start its own line, below its key and indented")
    if "found undefined alias" in problem:
        return at(
            stop,
            "'*' starts an alias, and no '&' anchor of that name is defined: put the value "
            "in quotes if the '*' is meant as text",
        )
    if "cannot start any token" in problem:
        return at(stop, "a value cannot start with this character: put the value in quotes")
    if "expected the node content" in problem:
        return at(stop, "a value is missing or starts with a character that needs quotes")
    words = " ".join(p for p in (context, problem) if p) or "cannot read this"
    return at(stop or start, excerpt(words, 120))


def _line(text: str, mark: yaml.Mark | None) -> str:
    if mark is None:
        return ""
    lines = text.splitlines()
    return lines[mark.line] if mark.line < len(lines) else ""


def read_yaml(path: Path, *, mark_depth: int | None = None) -> Document | list[ReadError]:
    """Read ``path`` as one YAML document; on any problem return every error found.

    With ``mark_depth`` only values that deep keep their mark up front (``('entries', 3)`` is
    depth 2); a deeper :meth:`Document.mark_for` reads the file again. Loading 100k entries
    kept a mark for each of their million values, about half the memory of a load.
    """
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return [ReadError(None, None, "not a regular file")]
        size = info.st_size
        if size > MAX_BYTES:
            return [
                ReadError(
                    None,
                    None,
                    f"file is too large ({size:,} bytes; at most {MAX_BYTES:,} bytes allowed)",
                )
            ]
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        return [ReadError(None, None, f"cannot read file: {exc.strerror or exc}")]
    if len(raw) > MAX_BYTES:
        return [ReadError(None, None, f"file is too large (more than {MAX_BYTES:,} bytes)")]
    text = _decode(raw)
    if isinstance(text, ReadError):
        return [text]
    tab = _tab_indent(text)
    if tab is not None:
        return [tab]
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        return [ReadError(line, column, f"control character #x{exc.character:04x} is not allowed")]
    constructor: SafeConstructor = loader
    fast = _compose_fast(text)
    try:
        if fast is not None:
            node, constructor = fast
        else:
            node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        return [syntax_error(exc, text)]
    except yaml.YAMLError as exc:
        return [ReadError(None, None, f"invalid YAML: {excerpt(str(exc), 120)}")]
    except RecursionError:
        # The composer recurses once per level; where the reader stopped is inside the nest.
        stop = loader.get_mark()
        return [ReadError(stop.line + 1, stop.column + 1, "file is nested too deeply")]
    finally:
        loader.dispose()
    if node is None:
        return [ReadError(1, 1, "file is empty")]
    builder = _Builder(constructor, mark_depth)
    try:
        data = builder.build(node, (), 0)
    except _TooBig as exc:
        where: Mark = exc.args[0]
        return [
            ReadError(
                where.line,
                where.column,
                f"file expands to more than {MAX_VALUES:,} values or {MAX_DEPTH} levels here "
                "(aliases used to blow it up?)",
            )
        ]
    if builder.errors:
        return builder.errors
    builder.doc.data = data
    if mark_depth is not None:
        builder.doc.source = path
        builder.doc.mark_depth = mark_depth
    return builder.doc
