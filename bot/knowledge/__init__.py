"""Knowledge model and loader (pure: no Discord, no bot)."""

from bot.knowledge.base import (
    CareerKnowledge,
    Counts,
    KnowledgeBase,
    KnowledgeError,
    Location,
    Problem,
)

__all__ = [
    "CareerKnowledge",
    "Counts",
    "KnowledgeBase",
    "KnowledgeError",
    "Location",
    "Problem",
]
