"""The shape of the code: imports among bot/ modules form no cycle, the app loads no cog, and
the pure layers never import discord.

Every import counts — at module level, inside functions, and under ``if TYPE_CHECKING:`` —
because a cycle hidden in a function or a type hint is still one module needing the other.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.paths import ROOT

BOT = ROOT / "bot"
PURE = ("bot.knowledge", "bot.engine", "bot.render", "bot.wording", "bot.cooldown")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in BOT.rglob("*.py")}


def resolve(name: str) -> str | None:
    """The bot module ``name`` refers to (a submodule, else its package), None if not ours.

    A package's own ``__init__`` running first is Python's doing, not an import edge: only
    what a module names counts (else every package would be in a cycle with its modules)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module: str, path: Path) -> set[str]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # "from pkg import sub" needs the submodule; "from pkg import name" the package.
            names = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names
            ]
        else:
            continue
        for name in names:
            found = resolve(name) if name.startswith("bot") else None
            if found and found != module:
                out.add(found)
    return out


GRAPH = {m: imports_of(m, p) for m, p in MODULES.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (as a path that returns to its start), or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_cycle_finder_finds_cycles() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_imports_among_bot_modules_form_no_cycle() -> None:
    assert "bot.app" in GRAPH and "bot.cogs.ask" in GRAPH
    assert find_cycle(GRAPH) is None, " -> ".join(find_cycle(GRAPH) or [])


def test_the_app_and_shared_modules_import_no_cog() -> None:
    for module, imported in GRAPH.items():
        if not module.startswith("bot.cogs"):
            cogs = sorted(i for i in imported if i.startswith("bot.cogs"))
            assert not cogs, f"{module} imports {cogs}"


def test_no_cog_imports_another_cog() -> None:
    cogs = {m for m in GRAPH if m.startswith("bot.cogs.") and not m.split(".")[-1].startswith("_")}
    for cog in cogs:
        assert not (GRAPH[cog] & cogs), f"{cog} imports {sorted(GRAPH[cog] & cogs)}"


def test_pure_layers_import_neither_discord_nor_the_discord_layer() -> None:
    discord_layer = {"bot.app", "bot.ui", "bot.pipeline", "bot.sources", "bot.errors"}
    for module, path in MODULES.items():
        if not module.startswith(PURE):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert not any(a.name.split(".")[0] == "discord" for a in node.names), module
            if isinstance(node, ast.ImportFrom) and not node.level:
                assert (node.module or "").split(".")[0] != "discord", module
        assert not (GRAPH[module] & discord_layer), module
        assert not any(i.startswith("bot.cogs") for i in GRAPH[module]), module


def test_importing_the_app_loads_no_cog_module() -> None:
    code = (
        "import sys, warnings\n"
        "warnings.simplefilter('ignore', DeprecationWarning)\n"
        "import bot.app\n"
        "print(sorted(m for m in sys.modules if m == 'bot.cogs' or m.startswith('bot.cogs.')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
