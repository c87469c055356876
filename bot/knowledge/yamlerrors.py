"""What is wrong with a YAML file, in words a moderator can act on, at the line to fix.

Holds :class:`ReadError` (one problem found before any schema check), the tab-indentation
check the reader runs before PyYAML sees the text, and :func:`syntax_error`, which turns a
PyYAML syntax error into plain words at the line where the broken construct started. Used by
:mod:`bot.knowledge.yamlread`.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from bot.knowledge.redact import excerpt


@dataclass(frozen=True, slots=True)
class ReadError:
    """Something wrong with the file as YAML (before any schema check)."""

    line: int | None
    column: int | None
    message: str


def tab_indent(text: str) -> ReadError | None:
    """The first line indented with a tab, if any (YAML forbids tabs in indentation)."""
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
    opened = _quote_closed_on(text, stop)
    if opened is not None and stop is not None:
        # The next quote in the file, lines later, was read as its end ("question: "How
        # much?" with a quoted phrasing 900 lines below): PyYAML noticed only there.
        return at(
            opened,
            "text opened with a quote here is never closed: add the closing quote (the quote "
            f"on line {stop.line + 1} was read as its end)",
        )
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


def _quote_closed_on(text: str, stop: yaml.Mark | None) -> yaml.Mark | None:
    """Where a quoted text that ends on the line PyYAML gave up on opened, when it opened on
    an earlier line (a quote left open there and closed by the next quote in the file)."""
    if stop is None:
        return None
    last: yaml.Token | None = None
    try:
        for token in yaml.scan(text):
            if token.start_mark.index >= stop.index:
                break
            last = token
    except yaml.YAMLError:
        pass  # the tokens up to the mistake are all that is needed
    if (
        isinstance(last, yaml.ScalarToken)
        and last.style in ('"', "'")
        and last.end_mark.line == stop.line
        and last.start_mark.line < stop.line
    ):
        opened: yaml.Mark = last.start_mark
        return opened
    return None


def _line(text: str, mark: yaml.Mark | None) -> str:
    if mark is None:
        return ""
    lines = text.splitlines()
    return lines[mark.line] if mark.line < len(lines) else ""
