"""Cooldown buckets: a sliding window per member, one notice per window."""

from __future__ import annotations

from bot.cooldown import Cooldown


def test_cooldown_sliding_window() -> None:
    cd = Cooldown(rate=2, per_seconds=10)
    assert cd.hit(1, 0.0) == 0.0
    assert cd.hit(1, 1.0) == 0.0
    wait = cd.hit(1, 2.0)
    assert wait == 8.0  # the first hit leaves the window at t=10
    assert cd.hit(2, 2.0) == 0.0  # other users are not affected
    assert cd.hit(1, 10.0) == 0.0
    assert cd.hit(1, 10.5) > 0


def test_cooldown_notifies_once_per_window() -> None:
    cd = Cooldown(rate=1, per_seconds=10)
    cd.hit(1, 0.0)
    assert cd.hit(1, 1.0) > 0
    assert cd.should_notify(1, 1.0) is True
    assert cd.should_notify(1, 5.0) is False
    assert cd.should_notify(1, 11.5) is True
