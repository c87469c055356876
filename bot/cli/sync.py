"""``python -m bot sync [--guild ID]``: publish the slash commands, without connecting the
gateway (log in over HTTP, sync, log out)."""

from __future__ import annotations

import argparse
import sys

from bot.cli._common import add_config_argument, load

HELP = "Publish the slash commands to Discord (globally, or to one server with --guild)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)
    parser.add_argument(
        "--guild", type=int, default=None, help="server id: sync there only (instant)"
    )


def run(args: argparse.Namespace) -> int:
    import asyncio

    settings = load(args)
    if settings is None:
        return 2
    if settings.token is None:
        print("careerbot: set DISCORD_TOKEN to sync commands", file=sys.stderr)
        return 2
    token = settings.token.get_secret_value()

    async def sync() -> int:
        from bot.app import create_bot

        bot = create_bot(settings)
        bot.commands_only = True  # setup_hook only registers commands: no store, no knowledge
        async with bot:
            await bot.login(token)
            synced = await bot.sync_commands(args.guild)
        where = f"server {args.guild}" if args.guild is not None else "all servers (global)"
        print(f"synced {len(synced)} commands to {where}: " + ", ".join(c.name for c in synced))
        return 0

    try:
        return asyncio.run(sync())
    except Exception as exc:
        print(f"careerbot: sync failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
