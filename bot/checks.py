"""Checks for app commands (``@app_commands.check(moderator_check)``), as RoboDanny keeps them
in cogs/utils/checks.py. ``is_moderator`` is the pure rule; the checks raise bot.errors."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol, cast

import discord

from bot.errors import NotModerator, NotOwner


class _Settings(Protocol):
    @property
    def moderator_role_ids(self) -> Sequence[int]: ...


class _Client(Protocol):
    """What the checks need from the bot (bot.app.CareerBot has it)."""

    @property
    def settings(self) -> _Settings: ...

    async def is_bot_owner(self, user: discord.abc.User) -> bool: ...


def is_moderator(
    manage_guild: bool, role_ids: Iterable[int], moderator_role_ids: Sequence[int]
) -> bool:
    """Manage Server permission, or any role configured as a moderator role."""
    return manage_guild or not set(moderator_role_ids).isdisjoint(role_ids)


def member_is_moderator(interaction: discord.Interaction[Any]) -> bool:
    user = interaction.user
    if not isinstance(user, discord.Member):
        return False
    manage = user.guild_permissions.manage_guild or interaction.permissions.manage_guild
    client = cast(_Client, interaction.client)
    return is_moderator(manage, (r.id for r in user.roles), client.settings.moderator_role_ids)


async def moderator_check(interaction: discord.Interaction[Any]) -> bool:
    if not member_is_moderator(interaction):
        raise NotModerator
    return True


async def owner_check(interaction: discord.Interaction[Any]) -> bool:
    if not await cast(_Client, interaction.client).is_bot_owner(interaction.user):
        raise NotOwner
    return True
