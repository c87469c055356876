"""Reading ``config.yaml`` and naming its keys: the knowledge's bounded YAML reader, and
"did you mean …?" suggestions for a key no settings section has (used by bot/config.py)."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

KeyPath = tuple[str | int, ...]


class ConfigError(Exception):
    """The configuration is invalid. ``str(error)`` is one line: ``where: key.path: problem``."""


def read_config_file(path: Path) -> tuple[dict[str, Any], dict[KeyPath, int]]:
    """The file's settings and the line of every key, read by the knowledge's bounded reader:
    a size cap, strict UTF-8 with the bad byte's line, no alias bombs ("billion laughs"), no
    recursion, a bounded depth, duplicate keys refused, and a FIFO or device never opened."""
    from bot.knowledge.yamlread import read_yaml

    try:
        path.stat()
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror}") from None
    result = read_yaml(path)
    if isinstance(result, list):
        if _only_comments(path):
            return {}, {}
        first = result[0]
        where = f"{path}:{first.line}" if first.line is not None else str(path)
        more = f" (and {len(result) - 1} more problem(s))" if len(result) > 1 else ""
        message = " ".join(first.message.split())  # one line, whatever the parser said
        raise ConfigError(f"{where}: {message}{more}")
    data = result.data
    if data is None:  # "---" alone: a document with nothing set
        return {}, {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: the file must be a mapping of settings (key: value)")
    lines = {key: mark.line for key, mark in result.values.items() if key}
    lines.update({key: mark.line for key, mark in result.keys.items()})
    return data, lines


def _only_comments(path: Path) -> bool:
    """True for a regular, small file with nothing but comments and blank lines (no settings:
    the defaults apply), which the knowledge reader reports as an empty file."""
    from bot.knowledge.yamlread import MAX_BYTES

    try:
        if not path.is_file():
            return False  # before opening: opening a FIFO waits for a writer
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError:
        return False
    if len(raw) > MAX_BYTES:
        return False
    for line in raw.decode("utf-8", errors="replace").splitlines():
        text = line.strip().removeprefix("\ufeff")
        if text and not text.startswith("#") and text not in ("---", "..."):
            return False
    return True


def model_at(root: type[BaseModel], path: Sequence[str | int]) -> type[BaseModel] | None:
    """The settings section (model) a key path leads into, or None if it is not a section."""
    model = root
    for part in path:
        info = model.model_fields.get(str(part))
        ann = info.annotation if info is not None else None
        if not (isinstance(ann, type) and issubclass(ann, BaseModel)):
            return None
        model = ann
    return model


def closest(word: str, choices: Collection[str]) -> str | None:
    matches = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def suggest_path(root: type[BaseModel], path: Sequence[str]) -> KeyPath | None:
    """The existing key path closest to a misspelled one, part by part, or None."""
    out: list[str] = []
    model: type[BaseModel] | None = root
    for part in path:
        if model is None:
            return None
        name = part if part in model.model_fields else closest(part, model.model_fields)
        if name is None:
            return None
        out.append(name)
        model = model_at(root, out)
    return tuple(out) if tuple(out) != tuple(path) else None


def unknown_key(root: type[BaseModel], key: KeyPath) -> str:
    """``unknown key; did you mean answer_threshold?`` for a key no section has."""
    section = model_at(root, key[:-1])
    if section is not None:
        close = closest(str(key[-1]), section.model_fields)
        if close is not None:
            return f"unknown key; did you mean {close}?"
    return "unknown key; config.example.yaml lists every setting"
