"""Progress on a terminal for long commands: one line on stderr, rewritten in place with \\r.

Nothing is written when stderr is not a terminal (piped, redirected, CI logs), so scripts and
tests reading the output see exactly what they saw before.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

CLEAR_LINE = "\r\x1b[K"


class TerminalProgress:
    """``reading 12,000/100,000 files…`` while loading, then the name of each later phase."""

    def __init__(
        self,
        stream: TextIO,
        every: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.every = every
        self.clock = clock
        self._last = -every
        self._shown = False

    def _write(self, text: str) -> None:
        self.stream.write(CLEAR_LINE + text)
        self.stream.flush()
        self._shown = True

    def files(self, done: int, total: int) -> None:
        """Called after each file; writes at most every ``every`` seconds, and the last one."""
        now = self.clock()
        if done < total and now - self._last < self.every:
            return
        self._last = now
        self._write(f"reading {done:,}/{total:,} files…")

    def phase(self, text: str) -> None:
        self._write(f"{text}…")

    def clear(self) -> None:
        """Remove the progress line before the command prints its result."""
        if self._shown:
            self.stream.write(CLEAR_LINE)
            self.stream.flush()
            self._shown = False


def terminal_progress(stream: TextIO) -> TerminalProgress | None:
    """A progress line on ``stream`` if it is a terminal, else None (print nothing)."""
    try:
        interactive = stream.isatty()
    except (AttributeError, ValueError):  # closed or not a real file
        return None
    return TerminalProgress(stream) if interactive else None
