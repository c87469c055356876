"""Read one YAML file defensively: safe tags only, bounded, with the position of every value.

Moderators edit these files by hand and anyone with repository access may send one, so the
reader assumes hostile input: the file size is capped before reading, bytes are decoded as
strict UTF-8 by us (to report where a bad byte is), only the plain YAML types are accepted
(a ``!!python/...`` tag is an error, never executed), alias expansion is bounded (a "billion
laughs" file stops after :data:`MAX_VALUES` values), and a key repeated within one mapping is an
error instead of YAML's silent "last one wins".

The result keeps, for every value, where it is written, keyed by its path (the same tuple
pydantic puts in an error's ``loc``), so validation errors point at a line and column.
Problems with the text itself (tabs, syntax errors) are worded by :mod:`bot.knowledge.yamlerrors`.
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
from bot.knowledge.yamlerrors import ReadError, syntax_error, tab_indent

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
    tab = tab_indent(text)
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
