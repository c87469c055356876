"""Test-only start-up hook: point discord.py at the local fake Discord.

This folder is put on PYTHONPATH only by the e2e fixtures, so production code carries no test seam.
It acts only when ``CAREERBOT_FAKE_DISCORD=http://127.0.0.1:PORT`` is set; then it removes
its own variables from the environment and patches
discord.py's REST base and gateway URL before the bot imports anything, and (optionally,
``CAREERBOT_FAKE_GUILD_READY_TIMEOUT``) shortens the wait for GUILD_CREATE before ``on_ready``.
"""

from __future__ import annotations

import os
import warnings


def _patch(base: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # discord.py imports audioop
        import discord.gateway
        import discord.http
        import discord.state
    import yarl

    base = base.rstrip("/")
    discord.http.Route.BASE = f"{base}/api/v10"
    ws_base = base.replace("http://", "ws://", 1).replace("https://", "wss://", 1)
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"{ws_base}/gateway")

    ready_timeout = os.environ.pop("CAREERBOT_FAKE_GUILD_READY_TIMEOUT", None)
    if ready_timeout:
        original = discord.state.ConnectionState.__init__

        def init(self: object, *args: object, **options: object) -> None:
            options.setdefault("guild_ready_timeout", float(ready_timeout))
            original(self, *args, **options)  # type: ignore[arg-type]

        discord.state.ConnectionState.__init__ = init  # type: ignore[method-assign]


# Popped, not read: the settings loader rejects CAREERBOT_* variables that name no setting.
_FAKE = os.environ.pop("CAREERBOT_FAKE_DISCORD", None)
if _FAKE:
    _patch(_FAKE)
