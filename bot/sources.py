"""Where a reply goes: one ``Source`` per way of asking, each knowing how to send there.

The pipeline (bot/pipeline.py) decides *what* is sent and whether it is public; a source only
knows *how*: an interaction answers with a callback or a followup (ephemeral when private), a
message gets a reply, the "Ask careerbot" menu replies to the target message only with an
answer and keeps everything else private to the member who used the menu.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import discord

from bot import ui, wording
from bot.engine.answer import Answer, Outcome

log = logging.getLogger("bot.sources")

Interaction = discord.Interaction[Any]
MISSING: Any = discord.utils.MISSING


@dataclass(frozen=True, slots=True)
class Reply:
    """One message: the answer's embed, its buttons, and whether everyone may see it."""

    answer: Answer
    embed: discord.Embed
    view: discord.ui.View | None
    public: bool
    owner: int | None = None
    more: bool = False
    votes: bool = True
    file: discord.File | None = None

    @property
    def is_answer(self) -> bool:
        return self.answer.outcome is Outcome.ANSWER and self.public

    def fresh_view(self) -> discord.ui.View | None:
        """A view of its own for an ephemeral send: discord.py gives the view of an
        ephemeral message a timeout, which must not touch the shared public view."""
        if self.view is None:
            return None
        return ui.build_view(self.answer, owner=self.owner, more=self.more, votes=self.votes)


class Source:
    """Where a question came from. ``passive``: answer only real answers, else stay quiet;
    ``always_told``: every refused request gets a notice (interactions must be answered)."""

    via: str = "?"
    passive: bool = False
    always_told: bool = True
    user_id: int = 0
    guild_id: int | None = None
    channel_id: int | None = None

    async def send(self, reply: Reply) -> None:
        raise NotImplementedError

    async def defer(self, public: bool) -> None:
        """Say "thinking…" before slow work, where the platform has it."""

    async def notice(self, text: str) -> None:
        """One private line (a cooldown, a refusal)."""
        raise NotImplementedError


class InteractionSource(Source):
    """A slash command: public replies as the response, private ones ephemeral."""

    def __init__(self, interaction: Interaction, via: str) -> None:
        self.interaction = interaction
        self.via = via
        self.user_id = interaction.user.id
        self.guild_id = interaction.guild_id
        self.channel_id = interaction.channel_id

    async def defer(self, public: bool) -> None:
        """Think first (a chart takes a moment); the reply's visibility is fixed here."""
        await self.interaction.response.defer(ephemeral=not public, thinking=True)

    async def send(self, reply: Reply) -> None:
        view = reply.view if reply.public else reply.fresh_view()
        kwargs: dict[str, Any] = {"embed": reply.embed, "view": view or MISSING}
        if reply.file is not None:
            kwargs["file"] = reply.file
        response = self.interaction.response
        if response.is_done():
            await self.interaction.followup.send(ephemeral=not reply.public, **kwargs)
        else:
            await response.send_message(ephemeral=not reply.public, **kwargs)

    async def notice(self, text: str) -> None:
        try:
            if self.interaction.response.is_done():
                await self.interaction.followup.send(text, ephemeral=True)
            else:
                await self.interaction.response.send_message(text, ephemeral=True)
        except discord.HTTPException:
            log.warning("could not send a notice", exc_info=True)


class ButtonSource(InteractionSource):
    """A click: ``edit`` (the asker picking a suggestion) turns the clicked message into the
    reply; otherwise the reply is private to whoever clicked."""

    def __init__(self, interaction: Interaction, via: str, *, edit: bool) -> None:
        super().__init__(interaction, via)
        self.edit = edit

    async def send(self, reply: Reply) -> None:
        if self.edit and reply.public:
            await self.interaction.response.edit_message(
                content=None, embed=reply.embed, view=reply.view
            )
            return
        await self.interaction.response.send_message(
            embed=reply.embed, view=reply.fresh_view() or MISSING, ephemeral=True
        )


class MessageSource(Source):
    """An @mention, a DM or a watched channel: the reply is a reply to the message."""

    always_told = False

    def __init__(
        self, message: discord.Message, via: str, mentions: discord.AllowedMentions
    ) -> None:
        self.message = message
        self.via = via
        self.passive = via == "passive"
        self.mentions = mentions
        self.user_id = message.author.id
        self.guild_id = message.guild.id if message.guild else None
        self.channel_id = message.channel.id if message.channel else None

    async def send(self, reply: Reply) -> None:
        await self.message.reply(
            embed=reply.embed, view=reply.view or MISSING, allowed_mentions=self.mentions
        )

    async def notice(self, text: str) -> None:
        if self.passive:
            return
        await self.message.reply(text, allowed_mentions=discord.AllowedMentions.none())


class MenuSource(InteractionSource):
    """ "Ask careerbot" on a message: an answer replies to that message for everyone to see;
    a decline, a did-you-mean or small talk is shown only to the member who used the menu
    (never posted at the message's author)."""

    def __init__(
        self, interaction: Interaction, target: discord.Message, mentions: discord.AllowedMentions
    ) -> None:
        super().__init__(interaction, "menu")
        self.target = target
        self.mentions = mentions

    async def send(self, reply: Reply) -> None:
        if not reply.is_answer:
            await self.interaction.response.send_message(
                embed=reply.embed, view=reply.fresh_view() or MISSING, ephemeral=True
            )
            return
        await self.interaction.response.defer(ephemeral=True, thinking=True)
        try:
            await self.target.reply(
                embed=reply.embed, view=reply.view or MISSING, allowed_mentions=self.mentions
            )
        except discord.HTTPException:
            # No access to reply there: show the answer to the member who asked instead.
            await self.interaction.followup.send(
                embed=reply.embed, view=reply.fresh_view() or MISSING, ephemeral=True
            )
            return
        await self.interaction.followup.send(wording.MENU_ANSWERED, ephemeral=True)
