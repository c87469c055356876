"""``python -m bot health``: exit 0 if the bot's heartbeat file is fresh, else 1 with a reason.

The running bot writes the unix time to ``heartbeat_path`` every 30 s while it is connected
(bot/app.py); Docker's HEALTHCHECK runs this command.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bot.cli._common import add_config_argument, load

HELP = "Exit 0 if the running bot's heartbeat file is fresh (Docker HEALTHCHECK)."
MAX_AGE_SECONDS = 90.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)
    parser.add_argument(
        "--max-age",
        type=float,
        default=MAX_AGE_SECONDS,
        help=f"seconds after which the heartbeat is stale (default {MAX_AGE_SECONDS:g})",
    )


def check_heartbeat(path: Path, max_age: float, now: float | None = None) -> tuple[bool, str]:
    """(healthy, one-line reason) for the heartbeat file at ``path``."""
    now = time.time() if now is None else now
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return False, f"unhealthy: no heartbeat file at {path} (bot not connected yet?)"
    except OSError as exc:
        return False, f"unhealthy: cannot read heartbeat {path}: {exc.strerror}"
    age = now - mtime
    if age >= max_age:
        return False, f"unhealthy: last heartbeat {age:.0f} s ago (limit {max_age:g} s) at {path}"
    return True, f"ok: last heartbeat {max(age, 0):.0f} s ago"


def run(args: argparse.Namespace) -> int:
    settings = load(args, prefix="unhealthy")
    if settings is None:
        return 1
    healthy, reason = check_heartbeat(settings.heartbeat_path, args.max_age)
    print(reason, file=sys.stdout if healthy else sys.stderr)
    return 0 if healthy else 1
