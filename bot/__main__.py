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
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return _reader_went_away()
    return code


EXIT_BROKEN_PIPE = 141
"""``… | head -1`` closed our output: exit quietly with 128 + SIGPIPE, what the shell reports
for coreutils in the same place (so ``set -o pipefail`` scripts see the same as for ``cat``)."""


def _reader_went_away() -> int:
    """The reader of standard output closed it: no traceback, and no second error at exit
    when Python flushes stdout again (point it at /dev/null, as the Python docs advise)."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (tests): nothing to flush
        pass
    return EXIT_BROKEN_PIPE


if __name__ == "__main__":
    sys.exit(main())
