"""The answer engine (pure: no Discord). ``Engine(kb).ask(question) -> Answer``."""

from bot.engine.engine import Engine, EngineSettings

__all__ = ["Engine", "EngineSettings"]
