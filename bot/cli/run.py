"""``python -m bot run``: start the bot with ``DISCORD_TOKEN``, else chat in the terminal.

Config file: ``--config PATH``, else ``$CAREERBOT_CONFIG``, else ``config.yaml`` if present,
else built-in defaults; ``CAREERBOT_*`` variables override it. A bad setting prints one line
(``config.yaml:7: engine.answer_threshold: ...``) and exits with code 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.terminal import EngineLike

HELP = "Run careerbot: on Discord if DISCORD_TOKEN is set, else as a chat in this terminal."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, default=None, help="config file (YAML)")


def build_engine(settings: Settings) -> EngineLike:
    """Load the knowledge and build the engine the same way the Discord bot does."""
    from bot.knowledge.loader import load_knowledge

    kb = load_knowledge(settings.knowledge_path)
    from bot.engine import Engine, EngineSettings

    options = EngineSettings(
        default_career=settings.default_career,
        answer_threshold=settings.engine.answer_threshold,
        unsure_threshold=settings.engine.unsure_threshold,
    )
    return Engine(kb, options)


def run(args: argparse.Namespace) -> int:
    import asyncio
    import logging
    import os

    from bot.config import ConfigError, config_path, load_settings
    from bot.knowledge.base import KnowledgeError
    from bot.logging_setup import setup_logging

    try:
        settings = load_settings(config_path(args.config, os.environ), os.environ)
    except ConfigError as exc:
        print(f"careerbot: {exc}", file=sys.stderr)
        return 2
    token = settings.token.get_secret_value() if settings.token else None
    # In terminal mode INFO lines (knowledge loaded, ...) would interleave with the chat.
    level = settings.log_level if token or settings.log_level != "INFO" else "WARNING"
    setup_logging(level, secrets=[token] if token else [])
    log = logging.getLogger("bot.run")

    if token:
        import discord

        from bot.app import start_bot

        log.info("starting on Discord (shard_count=%s)", settings.shard_count)
        try:
            asyncio.run(start_bot(settings))
        except KeyboardInterrupt:
            log.info("stopped")
        except discord.LoginFailure:
            print("careerbot: Discord rejected DISCORD_TOKEN: copy it again", file=sys.stderr)
            return 1
        except discord.PrivilegedIntentsRequired:
            print(
                "careerbot: message_content.enabled needs the Message Content intent: enable it "
                "for the bot in the Developer Portal, or set message_content.enabled: false",
                file=sys.stderr,
            )
            return 1
        return 0

    from bot.terminal import run_terminal

    try:
        engine = build_engine(settings)
    except KnowledgeError as exc:
        print(
            f"careerbot: the knowledge in {settings.knowledge_path} has problems:", file=sys.stderr
        )
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except FileNotFoundError as exc:
        print(f"careerbot: knowledge not found: {exc.filename}", file=sys.stderr)
        return 1
    if not sys.stdin.isatty():
        # Piped input or a detached container: say on stderr why nothing connects to Discord.
        print(
            "careerbot: DISCORD_TOKEN is not set; answering questions read from standard input",
            file=sys.stderr,
        )
    counts = engine.kb.counts()
    intro = [
        "DISCORD_TOKEN is not set, so careerbot runs here in terminal mode.",
        f"Knowledge: {counts.summary()} from {settings.knowledge_path}.",
    ]
    return run_terminal(engine, intro=intro)
