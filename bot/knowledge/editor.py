"""Teaching edits to the knowledge files: add one phrasing or one declined example, or take one
back, changing nothing but that line (pure: text in, text out; no engine, no Discord).

The files are edited as text, guided by the positions PyYAML's composer gives every node, so
comments, key order, quoting, folded answers and the ``# yaml-language-server`` first line stay
byte for byte as they were and ``git diff`` shows exactly what was taught. A re-serialising
round trip (ruamel.yaml) would re-wrap folded answers and re-indent lists. The caller
validates the result by loading it like ``check`` does before anything is written.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import yaml

DECLINE_FILE: Final = "decline.yaml"
DECLINE_HEADER: Final = (
    "# yaml-language-server: $schema=schema/decline.schema.json\n"
    "# Messages the bot must not answer: other careers, off-topic chat, requests it cannot serve.\n"
    "examples:\n"
)
_PLAIN_UNSAFE_START: Final = frozenset("!&*-?:,[]{}#|>@`\"'%")


class EditError(ValueError):
    """The edit cannot be made; the message says why, in a moderator's words."""


@dataclass(frozen=True, slots=True)
class Edit:
    """One taught line: the file before and after, and the line that changed."""

    path: Path
    """The file, as given (absolute or relative to the working folder)."""
    label: str
    """The file as moderators see it (``knowledge/careers/…/qa/pay.yaml``)."""
    before: str
    after: str
    line: int
    """1-based line of the added (or removed) text."""
    text: str
    """The line as written in the file (for undo)."""

    def diff(self) -> str:
        """A unified diff, ready for ``git apply`` from the folder above the knowledge."""
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                fromfile=f"a/{self.label}",
                tofile=f"b/{self.label}",
            )
        )


def yaml_scalar(text: str) -> str:
    """``text`` as a one-line YAML scalar: plain when that reads back identically, else
    double-quoted (JSON's escaping is valid YAML)."""
    if "\n" in text or "\r" in text:
        raise EditError("a phrasing must be one line")
    plain = (
        text == text.strip()
        and text != ""
        and text[0] not in _PLAIN_UNSAFE_START
        and ": " not in text
        and " #" not in text
        and not text.endswith(":")
        and "\t" not in text
    )
    if plain:
        try:
            plain = yaml.safe_load(text) == text
        except yaml.YAMLError:
            plain = False
    return text if plain else json.dumps(text, ensure_ascii=False)


def _compose(text: str, label: str) -> yaml.Node:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise EditError(f"{label} is not valid YAML; fix it first (python -m bot check)") from exc
    if not isinstance(node, yaml.MappingNode):
        raise EditError(f"{label} does not hold a mapping")
    return node


def _value(mapping: yaml.MappingNode, key: str) -> yaml.Node | None:
    for k, v in mapping.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            node: yaml.Node = v
            return node
    return None


def _append_item(text: str, seq: yaml.Node, scalar: str, label: str) -> tuple[str, int, str]:
    """``text`` with ``scalar`` appended to the sequence ``seq``: (new text, 1-based line,
    the line as written)."""
    if not isinstance(seq, yaml.SequenceNode):
        raise EditError(f"{label}:{seq.start_mark.line + 1}: expected a list here")
    lines = text.splitlines(keepends=True)
    if seq.flow_style or not seq.value:
        # [a, b] (or []): insert before the closing bracket, on its line.
        end = seq.end_mark
        if seq.start_mark.line != end.line:
            raise EditError(
                f"{label}:{seq.start_mark.line + 1}: a multi-line [ ] list; use - items"
            )
        row = lines[end.line]
        close = end.column - 1
        if row[close] != "]":
            raise EditError(f"{label}:{end.line + 1}: cannot find the end of this list")
        glue = ", " if seq.value else ""
        lines[end.line] = row[:close] + glue + scalar + row[close:]
        return "".join(lines), end.line + 1, lines[end.line].rstrip("\n")
    last = seq.value[-1]
    first_row = lines[seq.value[0].start_mark.line]
    dash = first_row.rfind("-", 0, seq.value[0].start_mark.column)
    if dash < 0:
        raise EditError(f"{label}:{seq.start_mark.line + 1}: cannot find the list's indentation")
    end = last.end_mark
    after = end.line if end.column > 0 else end.line - 1  # 0-based row the last item ends on
    newline = "\r\n" if first_row.endswith("\r\n") else "\n"
    if not lines[after].endswith(("\n", "\r")):
        lines[after] += newline
    row = f"{first_row[:dash]}- {scalar}"
    lines.insert(after + 1, row + newline)
    return "".join(lines), after + 2, row


def add_phrasing(path: Path, label: str, before: str, entry_id: str, phrasing: str) -> Edit:
    """Append ``phrasing`` to the ``phrasings`` of entry ``entry_id`` in the Q&A file text."""
    root = _compose(before, label)
    entries = _value(root, "entries")  # type: ignore[arg-type]
    if not isinstance(entries, yaml.SequenceNode):
        raise EditError(f"{label} has no entries list")
    for entry in entries.value:
        if not isinstance(entry, yaml.MappingNode):
            continue
        ident = _value(entry, "id")
        if isinstance(ident, yaml.ScalarNode) and ident.value == entry_id:
            phrasings = _value(entry, "phrasings")
            if phrasings is None:
                raise EditError(f"{label}:{entry.start_mark.line + 1}: {entry_id} has no phrasings")
            after, line, row = _append_item(before, phrasings, yaml_scalar(phrasing), label)
            return Edit(path, label, before, after, line, row)
    raise EditError(f"{label} does not define the entry {entry_id}")


def add_example(path: Path, label: str, before: str | None, example: str) -> Edit:
    """Append ``example`` to ``examples`` of decline.yaml (created when ``before`` is None)."""
    scalar = yaml_scalar(example)
    if before is None or not before.strip():
        row = f"  - {scalar}"
        after = DECLINE_HEADER + row + "\n"
        return Edit(path, label, before or "", after, after.count("\n"), row)
    root = _compose(before, label)
    examples = _value(root, "examples")  # type: ignore[arg-type]
    if examples is None:
        raise EditError(f"{label} has no examples list")
    after, line, row = _append_item(before, examples, scalar, label)
    return Edit(path, label, before, after, line, row)


def remove_line(path: Path, label: str, before: str, row: str, near: int) -> Edit:
    """``before`` without the taught line ``row`` (the one closest to line ``near``): undo.

    A phrasing added inside a one-line ``[a, b]`` list cannot be removed as a line; that is
    reported, as is a line no longer in the file."""
    lines = before.splitlines(keepends=True)
    hits = [i for i, line in enumerate(lines) if line.rstrip("\r\n") == row]
    if not hits:
        raise EditError(f"{label}: the taught line is no longer there: {row.strip()}")
    index = min(hits, key=lambda i: abs(i + 1 - near))
    if row.rstrip().endswith("]") and row.lstrip().startswith(("examples:", "phrasings:")):
        raise EditError(f"{label}:{index + 1}: remove it from the [ ] list by hand")
    del lines[index]
    return Edit(path, label, before, "".join(lines), index + 1, row)
