"""Scoring an engine on a question set (tests/eval, tests/holdout): one rule for both.

in_scope: correct if the engine answers and every ``expect`` string is in the reply text
(case-insensitive). decline: correct only if the engine declines ("did you mean" is a miss);
small talk ("hi", "thanks", "lol") gets a friendly non-answer, which counts as declined.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.engine import Engine
from bot.engine.answer import Outcome
from bot.render import to_text


def load_eval(path: Path) -> dict[str, list[dict[str, Any]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {"in_scope": data.get("in_scope") or [], "decline": data.get("decline") or []}


def score(engine: Engine, data: dict[str, list[dict[str, Any]]]) -> tuple[float, float, list[str]]:
    """(in-scope accuracy, decline accuracy, misses) of ``engine`` on a question set."""
    misses: list[str] = []
    ok_in = 0
    for item in data["in_scope"]:
        a = engine.ask(str(item["q"]))
        text = to_text(a).casefold()
        if a.outcome is Outcome.ANSWER and all(str(e).casefold() in text for e in item["expect"]):
            ok_in += 1
        else:
            misses.append(f"in_scope {item['q']!r}: {a.outcome} {a.entry_id} {item['expect']}")
    ok_out = 0
    for item in data["decline"]:
        a = engine.ask(str(item["q"]))
        if a.outcome in (Outcome.DECLINE, Outcome.SMALLTALK):
            ok_out += 1
        else:
            misses.append(f"decline {item['q']!r}: {a.outcome} {a.entry_id}")
    in_acc = ok_in / len(data["in_scope"]) if data["in_scope"] else 1.0
    out_acc = ok_out / len(data["decline"]) if data["decline"] else 1.0
    return in_acc, out_acc, misses
