"""Paths the tests share: the repository, its knowledge, and the seed documents beside it."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KNOWLEDGE = ROOT / "knowledge"


def find_seeds_dir(start: Path = ROOT) -> Path | None:
    """The shared seed folder: ``<repo>/../shared/seeds`` in CI and in /work/main, further up
    in a helper worktree. None when this checkout has none (the seed checks then skip)."""
    for base in (start, *start.parents):
        candidate = base / "shared" / "seeds"
        if candidate.is_dir():
            return candidate
    return None


SEEDS = find_seeds_dir()
