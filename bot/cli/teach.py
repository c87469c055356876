"""``python -m bot teach "QUESTION" ENTRY_ID``: add a member's question as a phrasing of an
entry, or ``--decline "QUESTION"`` as a message the bot must not answer, in the knowledge files;
``--undo ID`` takes a teaching from ``python -m bot history`` back.

Only the added line changes (``git diff`` shows exactly what was taught). Before anything is
written the result is loaded and asked like ``check`` would: a question that would still go to
another entry, a duplicate or an over-long text is refused with the reason. A read-only folder
gets the change printed as a unified diff to commit instead. Each teaching is kept in the
question log's history (who, when, which file and line) when the log can be opened.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sqlite3
import sys
from pathlib import Path

from bot.cli._common import add_config_argument, database_path
from bot.store import StoreUnavailable, Teaching

HELP = "Teach a question to an entry (or --decline it, or --undo a teaching) in the knowledge."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("question", nargs="?", help="The question as members asked it.")
    parser.add_argument("entry", nargs="?", help="The entry id it should be answered with.")
    parser.add_argument(
        "--decline", action="store_true", help="Teach it as a message the bot must not answer."
    )
    parser.add_argument("--undo", type=int, metavar="ID", help="Undo teaching ID (see history).")
    parser.add_argument(
        "--knowledge", type=Path, default=Path("knowledge"), help="Knowledge folder."
    )
    parser.add_argument(
        "--diff", action="store_true", help="Print the change as a diff; write nothing."
    )
    parser.add_argument("--moderator", default=None, help="Who teaches (default: your login).")
    add_config_argument(parser)
    parser.add_argument("--database", type=Path, default=None, help="SQLite file (else config)")


def _who(args: argparse.Namespace) -> str:
    if args.moderator:
        return str(args.moderator)
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


async def _history(path: Path, teaching: Teaching) -> int:
    from bot.store.sqlite import SqliteStore

    store = await SqliteStore.open(path)
    try:
        return await store.record_teaching(teaching)
    finally:
        await store.close()


async def _lookup(path: Path, teaching_id: int, mark: bool) -> Teaching | None:
    from bot.store.sqlite import SqliteStore

    store = await SqliteStore.open(path)
    try:
        found = await store.teaching(teaching_id)
        if mark and found is not None:
            await store.mark_undone(teaching_id)
        return found
    finally:
        await store.close()


def _undo(args: argparse.Namespace, db: Path | None) -> int:
    from bot.teach import TeachRefused, untaught

    if db is None or not db.exists():
        print("careerbot: no question log to find the teaching in", file=sys.stderr)
        return 1
    try:
        found = asyncio.run(_lookup(db, args.undo, mark=False))
    except (StoreUnavailable, OSError, sqlite3.Error) as exc:
        print(f"careerbot: {exc}", file=sys.stderr)
        return 1
    if found is None:
        print(f"careerbot: no teaching {args.undo} in the history", file=sys.stderr)
        return 1
    if found.undone_at is not None:
        print(f"careerbot: teaching {args.undo} was already undone", file=sys.stderr)
        return 1
    try:
        edit = untaught(args.knowledge, found.file, found.text, found.line, write=not args.diff)
    except TeachRefused as exc:
        print(f"careerbot: {exc}", file=sys.stderr)
        return 1
    if args.diff:
        sys.stdout.write(edit.diff())
        return 0
    asyncio.run(_lookup(db, args.undo, mark=True))
    print(f"undone {args.undo}: removed {found.question!r} from {edit.label}:{edit.line}")
    return 0


def run(args: argparse.Namespace) -> int:
    from bot.engine import Engine, EngineSettings
    from bot.engine.trained import user_cache_dir
    from bot.teach import TeachRefused, teach

    if not args.knowledge.is_dir():
        print(f"careerbot: knowledge folder not found: {args.knowledge}", file=sys.stderr)
        return 2
    db = database_path(args) if (args.database or args.config or args.undo) else None
    if args.undo is not None:
        return _undo(args, db)
    if not args.question or args.decline == bool(args.entry):
        print("careerbot: give QUESTION and an ENTRY_ID, or --decline QUESTION", file=sys.stderr)
        return 2
    try:
        settings = EngineSettings(cache_dir=user_cache_dir())
        taught = teach(
            args.knowledge,
            args.question,
            args.entry,
            factory=lambda kb: Engine(kb, settings),
            write=not args.diff,
        )
    except TeachRefused as exc:
        print(f"careerbot: {exc}", file=sys.stderr)
        return 1
    record = Teaching(
        moderator=_who(args),
        question=taught.question,
        entry_id=taught.entry_id,
        file=taught.edit.label,
        line=taught.edit.line,
        text=taught.edit.text,
        written=taught.written,
    )
    number = None
    if db is not None and not args.diff:
        try:
            number = asyncio.run(_history(db, record))
        except (StoreUnavailable, OSError, sqlite3.Error) as exc:
            print(f"careerbot: taught, but not kept in the history: {exc}", file=sys.stderr)
    what = taught.entry_id or "declined"
    if taught.written:
        ref = f" as teaching {number}" if number else ""
        print(f"taught {taught.question!r} → {what} ({taught.where}){ref}")
        return 0
    if not args.diff:
        print(
            f"careerbot: {args.knowledge} is read-only; the change is printed below as a diff",
            file=sys.stderr,
        )
    sys.stdout.write(taught.edit.diff())
    return 0
