"""The engine's small value types, in a module of their own so the ranking mixins
(bot/engine/legacy.py) and the engine (bot/engine/engine.py) share them without importing
each other (no import cycle). ``bot.engine.engine`` re-exports them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.model import Level

__all__ = ["EngineSettings", "Ranked", "Target"]


@dataclass(frozen=True, slots=True)
class EngineSettings:
    default_career: str = "customer-service-representative"
    answer_threshold: float | None = None
    """Answer at or above this confidence; None: the threshold fitted from the knowledge."""
    unsure_threshold: float | None = None
    """Suggest at or above this confidence; None: fitted from the knowledge."""
    model_path: Path | None = None
    """A local embedding model folder (model2vec layout); None: the bundled wordllama model."""
    cache_dir: Path | None = None
    """Where the trained model is cached between starts; None: no cache (train each build)."""
    matcher: str = "learned"
    """"learned": the classifier trained from the knowledge (bot/engine/learned.py); "legacy":
    the hand-tuned ranking it replaced (bot/engine/legacy.py), kept for comparison."""


@dataclass(frozen=True, slots=True)
class Target:
    """Something a question can resolve to: a Q&A entry or a fact topic of a career."""

    id: str
    career: str
    topic: str
    """A Topic for fact targets; any slug for Q&A entries."""
    level: Level | None
    question: str
    is_fact: bool


@dataclass(frozen=True, slots=True)
class Ranked:
    target: int
    score: float
    agreed: bool = True
    """False: the nearest phrasings disagree with the classifier (bot/engine/neighbours.py):
    the engine answers it only from the higher ``held`` threshold."""
