"""The moderator rule behind /kb's check."""

from __future__ import annotations

from bot.checks import is_moderator


def test_moderator_check() -> None:
    assert is_moderator(True, [], [])
    assert not is_moderator(False, [5, 6], [])
    assert is_moderator(False, [5, 6], [6])
    assert not is_moderator(False, [5], [6, 7])
