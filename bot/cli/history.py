"""``python -m bot history``: what moderators taught, newest first (``teach --undo ID``)."""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict

from bot.cli._common import add_store_arguments, read_store

HELP = "List what moderators taught (who, when, which file:line); undo with teach --undo ID."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_store_arguments(parser, limit=20, what="teachings to show")


def run(args: argparse.Namespace) -> int:
    rows = read_store(args, lambda store: store.teachings(limit=args.limit))
    if isinstance(rows, int):
        return rows
    if args.json:
        print(json.dumps([asdict(t) for t in rows], indent=2))
        return 0
    if not rows:
        print("Nothing taught yet.")
        return 0
    for t in rows:
        when = time.strftime("%Y-%m-%d %H:%M", time.gmtime(t.taught_at))
        what = t.entry_id or "declined"
        state = " (undone)" if t.undone_at else "" if t.written else " (diff only)"
        print(
            f"{t.id:5d}  {when}  {t.moderator}: {t.question!r} → {what}  {t.file}:{t.line}{state}"
        )
    return 0
