"""``python -m bot health`` judges the heartbeat file's age."""

from __future__ import annotations

import os
import time
from pathlib import Path

from bot.cli.health import check_heartbeat


def test_missing_heartbeat_is_unhealthy(tmp_path: Path) -> None:
    ok, reason = check_heartbeat(tmp_path / "heartbeat", 90)
    assert not ok
    assert "no heartbeat" in reason and "\n" not in reason


def test_fresh_and_stale_heartbeat(tmp_path: Path) -> None:
    beat = tmp_path / "heartbeat"
    beat.write_text(str(int(time.time())))
    now = time.time()
    os.utime(beat, (now - 30, now - 30))
    assert check_heartbeat(beat, 90, now=now)[0]
    os.utime(beat, (now - 95, now - 95))
    ok, reason = check_heartbeat(beat, 90, now=now)
    assert not ok
    assert "95 s ago" in reason
