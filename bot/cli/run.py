"""``python -m bot run``: start the bot with ``DISCORD_TOKEN``, else chat in the terminal.

Config file: ``--config PATH``, else ``$CAREERBOT_CONFIG``, else ``config.yaml`` if present,
else built-in defaults; ``CAREERBOT_*`` variables override it. A bad setting prints one line
(``config.yaml:7: engine.answer_threshold: ...``) and exits with code 2, and so does a
configured ``default_career`` the knowledge lacks. Other exit codes: 1 knowledge problems,
a rejected token or an unreachable Discord; 141 when the reader of the output went away.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from bot.cli._common import add_config_argument, load, tolerant_stdin

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.engine import Engine

HELP = "Run careerbot: on Discord if DISCORD_TOKEN is set, else as a chat in this terminal."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)


def run(args: argparse.Namespace) -> int:
    import asyncio
    import logging

    from bot.config import ConfigError, build_engine
    from bot.knowledge.base import KnowledgeError
    from bot.logging_setup import setup_logging

    settings = load(args)
    if settings is None:
        return 2
    token = settings.token.get_secret_value() if settings.token else None
    # In terminal mode INFO lines (knowledge loaded, ...) would interleave with the chat.
    level = settings.log_level if token or settings.log_level != "INFO" else "WARNING"
    setup_logging(level, secrets=[token] if token else [])
    log = logging.getLogger("bot.run")

    if token:
        import aiohttp
        import discord

        from bot.app import start_bot
        from bot.store.postgres_schema import PostgresUnavailable

        log.info("starting on Discord (shard_count=%s)", settings.shard_count)
        try:
            asyncio.run(start_bot(settings))
        except KeyboardInterrupt:
            log.info("stopped")
        except ConfigError as exc:  # a setting the knowledge contradicts (default_career)
            print(f"careerbot: {exc}", file=sys.stderr)
            return 2
        except PostgresUnavailable as exc:
            print(f"careerbot: cannot open the question log: {exc}", file=sys.stderr)
            return 1
        except discord.LoginFailure:
            print("careerbot: Discord rejected DISCORD_TOKEN: copy it again", file=sys.stderr)
            return 1
        except (aiohttp.ClientConnectionError, discord.GatewayNotFound, TimeoutError) as exc:
            # One line, not aiohttp's 80-line traceback: this is the network, not a bug.
            reason = str(exc) or type(exc).__name__
            print(f"careerbot: cannot reach Discord ({reason}): check the network", file=sys.stderr)
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

    tolerant_stdin()
    try:
        engine = build_engine(settings)
    except KnowledgeError as exc:
        print(
            f"careerbot: the knowledge in {settings.knowledge_path} has problems:", file=sys.stderr
        )
        from bot.knowledge.report import problem_lines

        for line in problem_lines(exc.problems):
            print(f"  {line}", file=sys.stderr)
        return 1
    except FileNotFoundError as exc:
        print(f"careerbot: knowledge not found: {exc.filename}", file=sys.stderr)
        return 1
    except ConfigError as exc:
        print(f"careerbot: {exc}", file=sys.stderr)
        return 2
    if not sys.stdin.isatty():
        # Piped input or a detached container: say on stderr why nothing connects to Discord.
        print(
            "careerbot: DISCORD_TOKEN is not set; answering questions read from standard input",
            file=sys.stderr,
        )
    return run_terminal(engine, intro=terminal_intro(engine, settings))


def terminal_intro(engine: Engine, settings: Settings) -> list[str]:
    """The lines terminal mode starts with on a terminal (the README example shows them)."""
    return [
        "DISCORD_TOKEN is not set, so careerbot runs here in terminal mode.",
        f"Knowledge: {engine.kb.counts().summary()} from {settings.knowledge_path}.",
    ]
