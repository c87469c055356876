"""``python -m bot schema``: the JSON Schema of each knowledge file kind, for editors."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.knowledge.model import FILE_MODELS

HELP = "Print (or --write) the JSON Schema of the knowledge files."

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_for(kind: str) -> dict[str, Any]:
    """The published schema of one file kind (a key of FILE_MODELS)."""
    schema = FILE_MODELS[kind].model_json_schema()
    return {"$schema": SCHEMA_DIALECT, **schema, "title": f"careerbot {kind} file"}


def render(kind: str) -> str:
    """Exact text of ``<kind>.schema.json`` (stable, so a test can compare it)."""
    return json.dumps(schema_for(kind), indent=2, ensure_ascii=False) + "\n"


def file_name(kind: str) -> str:
    return f"{kind}.schema.json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kind", choices=sorted(FILE_MODELS), help="only this file kind")
    parser.add_argument(
        "--write",
        type=Path,
        metavar="DIR",
        help="write <kind>.schema.json for every kind into DIR (e.g. knowledge/schema)",
    )


def run(args: argparse.Namespace) -> int:
    kinds = [args.kind] if args.kind else list(FILE_MODELS)
    if args.write is not None:
        out: Path = args.write
        try:
            out.mkdir(parents=True, exist_ok=True)
            for kind in kinds:
                (out / file_name(kind)).write_text(render(kind), encoding="utf-8")
        except OSError as exc:
            print(f"cannot write schemas to {out}: {exc.strerror or exc}", file=sys.stderr)
            return 2
        print(f"wrote {len(kinds)} schema file(s) to {out}")
        return 0
    if args.kind:
        sys.stdout.write(render(args.kind))
    else:
        combined = {kind: schema_for(kind) for kind in kinds}
        sys.stdout.write(json.dumps(combined, indent=2, ensure_ascii=False) + "\n")
    return 0
