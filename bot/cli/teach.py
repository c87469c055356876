"""``python -m bot teach "QUESTION" ENTRY_ID``: add a member's question as a phrasing of an
entry, or ``--decline "QUESTION"`` as a message the bot must not answer, in the knowledge files.

Only the added line changes (``git diff`` shows exactly what was taught). Before anything is
written the result is loaded and asked like ``check`` would: a question that would still go to
another entry, a duplicate or an over-long text is refused with the reason. A read-only folder
gets the change printed as a unified diff to commit instead.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "Teach a question to an entry (or --decline it) in the knowledge files."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("question", help="The question as members asked it.")
    parser.add_argument("entry", nargs="?", help="The entry id it should be answered with.")
    parser.add_argument(
        "--decline", action="store_true", help="Teach it as a message the bot must not answer."
    )
    parser.add_argument(
        "--knowledge", type=Path, default=Path("knowledge"), help="Knowledge folder."
    )
    parser.add_argument(
        "--diff", action="store_true", help="Print the change as a diff; write nothing."
    )


def run(args: argparse.Namespace) -> int:
    from bot.teach import TeachRefused, teach

    if args.decline == bool(args.entry):
        print("careerbot: give an ENTRY_ID or --decline (one of them)", file=sys.stderr)
        return 2
    if not args.knowledge.is_dir():
        print(f"careerbot: knowledge folder not found: {args.knowledge}", file=sys.stderr)
        return 2
    try:
        taught = teach(args.knowledge, args.question, args.entry, write=not args.diff)
    except TeachRefused as exc:
        print(f"careerbot: {exc}", file=sys.stderr)
        return 1
    what = taught.entry_id or "declined"
    if taught.written:
        print(f"taught {taught.question!r} → {what} ({taught.where})")
        return 0
    if not args.diff:
        print(
            f"careerbot: {args.knowledge} is read-only; the change is printed below as a diff",
            file=sys.stderr,
        )
    sys.stdout.write(taught.edit.diff())
    return 0
