"""Pydantic validation errors in words a moderator understands."""

from __future__ import annotations

from typing import Any

from pydantic_core import ErrorDetails

from bot.knowledge.model import ID_PATTERN, SLUG_PATTERN
from bot.knowledge.redact import excerpt

_PATTERNS = {
    ID_PATTERN: "lowercase letters and digits joined by '-' or '.'",
    SLUG_PATTERN: "lowercase letters and digits joined by '-'",
    r"^\d{2}-\d{4}$": "like 43-4051",
}


def _shown(value: Any) -> str:
    """How a value from a file is quoted: a short, redacted excerpt (never the whole text)."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, str):
        return f"'{excerpt(value)}'"
    return excerpt(repr(value))


def _field(loc: tuple[int | str, ...]) -> str | None:
    """The field a value belongs to; for a mapping key ('topics', 'wages', '[key]') the mapping."""
    parts = loc[:-2] if loc[-1:] == ("[key]",) else loc
    for part in reversed(parts):
        if isinstance(part, str):
            return excerpt(part)  # a key of a free-form mapping is file content too
    return None


def describe(error: ErrorDetails) -> str:
    """One line for one pydantic error, e.g. ``unknown field 'anwser'``."""
    kind = error["type"]
    loc = tuple(error["loc"])
    value = error.get("input")
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    name = _field(loc)
    of = f" for '{name}'" if name and not (loc and isinstance(loc[-1], int)) else ""
    if loc[-1:] == ("[key]",):
        of = f" as a key of '{name}'" if name else " as a key"
    if kind == "extra_forbidden":
        return f"unknown field '{excerpt(str(loc[-1]))}'"
    if kind == "missing":
        return f"field required: '{loc[-1]}'"
    if kind in ("string_type", "string_sub_type"):
        hint = " (put it in quotes)" if isinstance(value, bool | int | float) else ""
        return f"expected text{of}, got {_shown(value)}{hint}"
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        what = "a whole number" if kind.startswith("int") else "a number"
        return f"expected {what}{of}, got {_shown(value)}"
    if kind in ("bool_parsing", "bool_type"):
        return f"expected true or false{of}, got {_shown(value)}"
    if kind == "list_type":
        return f"expected a list{of}, got {_shown(value)}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"expected a mapping (key: value){of}, got {_shown(value)}"
    if kind in ("enum", "literal_error"):
        return f"{_shown(value)} is not allowed{of}; expected {ctx.get('expected', '?')}"
    if kind == "string_pattern_mismatch":
        rule = _PATTERNS.get(str(ctx.get("pattern")), f"pattern {ctx.get('pattern')}")
        return f"{_shown(value)} is not valid{of}: use {rule}"
    if kind == "string_too_short":
        least = ctx.get("min_length")
        if least == 1:
            return f"text{of} is empty"
        return f"text{of} is too short (at least {least} characters)"
    if kind == "string_too_long":
        length = len(value) if isinstance(value, str) else "?"
        return f"text{of} is too long ({length} characters, at most {ctx.get('max_length')})"
    if kind == "too_short":
        return f"'{name}' needs at least {ctx.get('min_length')} item(s)"
    if kind == "too_long":
        return f"'{name}' has too many items (at most {ctx.get('max_length')})"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    msg = str(error["msg"])
    return f"{msg[:1].lower()}{msg[1:]}{of}"
