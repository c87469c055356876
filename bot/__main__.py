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


# Import name of every runtime dependency in pyproject.toml (find_spec looks, never imports).
REQUIRED_MODULES: tuple[str, ...] = (
    "discord",
    "rapidfuzz",
    "numpy",
    "yaml",
    "aiosqlite",
    "pydantic",
    "rich",
    "matplotlib",
    "watchfiles",
    "wordllama",
    "sklearn",
    "scipy",
    "asyncpg",
)


def missing_dependencies_message(missing: Sequence[str], argv: Sequence[str]) -> str:
    """One line saying which packages this Python lacks and which Python to use instead."""
    names = ", ".join(f"'{name}'" for name in missing)
    what = f"the package {names} is" if len(missing) == 1 else f"the packages {names} are"
    command = " ".join(["python -m bot", *argv]).strip()
    return (
        f"careerbot: {what} not installed in this Python ({sys.executable}); "
        f"run `make run` (it sets up .venv) or use .venv/bin/{command} "
        "(or `. .venv/bin/activate` first)"
    )


def _missing_dependencies() -> list[str]:
    from importlib.util import find_spec

    missing = []
    for name in REQUIRED_MODULES:
        try:
            found = find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.append(name)
    return missing


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
    shown_argv = sys.argv[1:] if argv is None else list(argv)
    if missing := _missing_dependencies():  # outside .venv: say so, not "No module named …"
        print(missing_dependencies_message(missing, shown_argv), file=sys.stderr)
        return EXIT_NOT_INSTALLED
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
    except ModuleNotFoundError as exc:  # a dependency imported late, missing all the same
        if exc.name is None or exc.name.split(".")[0] == "bot":
            raise
        print(missing_dependencies_message([exc.name], shown_argv), file=sys.stderr)
        return EXIT_NOT_INSTALLED
    return code


EXIT_NOT_INSTALLED = 3
"""This Python lacks careerbot's dependencies (run it with .venv/bin/python)."""


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
