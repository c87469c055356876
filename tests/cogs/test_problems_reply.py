"""/kb reload and /kb check reply with a bounded problem list (issue 11, item 8)."""

from __future__ import annotations

from bot.app import problems_of
from bot.cogs.moderation import problems_text
from bot.knowledge.base import KnowledgeError, Problem
from bot.knowledge.report import MAX_SHOWN


def test_the_reload_reply_gets_the_grouped_and_capped_list() -> None:
    problems = [Problem("k/a.yaml", 8, 15, "unknown entry 'nope'")] * 20_000
    problems += [Problem(f"k/{n}.yaml", 1, 1, "bad") for n in range(1_000)]
    lines = problems_of(KnowledgeError(problems))
    assert len(lines) == MAX_SHOWN + 1
    assert lines[0] == "k/a.yaml:8:15: unknown entry 'nope' (… and 19,999 more like this)"
    assert lines[-1] == f"… and {1_001 - MAX_SHOWN:,} more problem(s) not shown (21,000 in all)"
    text = problems_text("❌ ", lines)
    assert len(text) <= 2_000
    assert text.count("unknown entry 'nope'") == 1


def test_a_file_name_cannot_add_a_line_to_the_reply() -> None:
    lines = problems_of(KnowledgeError([Problem("k/x\n✅ Knowledge reloaded.yaml", 1, 1, "bad")]))
    assert lines == ["k/x\\n✅ Knowledge reloaded.yaml:1:1: bad"]
