"""Command line: ``python -m bot <command>``. Each command lives in ``bot/cli/<command>.py``.

A command module defines ``HELP`` (one line), ``add_arguments(parser)`` and ``run(args) -> int``
and imports anything heavy (discord, the engine) inside ``run`` so that ``--help`` and quick
commands stay fast and importing this module needs no token.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

COMMANDS: dict[str, str] = {
    "ask": "bot.cli.ask",
    "check": "bot.cli.check",
    "schema": "bot.cli.schema",
    "run": "bot.cli.run",
    "health": "bot.cli.health",
    "stats": "bot.cli.stats",
    "gaps": "bot.cli.gaps",
    "sync": "bot.cli.sync",
    "teach": "bot.cli.teach",
    "history": "bot.cli.history",
}


def _load(name: str) -> ModuleType:
    return importlib.import_module(COMMANDS[name])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="careerbot: career answers for Discord communities."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = _load(name)
        cmd = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(cmd)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        code: int = _load(args.command).run(args)
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
