"""Asking: /ask (with autocomplete), @mentions, DMs and the "Ask careerbot" message menu.

Each entry point only parses what Discord sent and hands the question to the reply pipeline
(bot/pipeline.py); the buttons under replies live in bot/ui.py.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot import wording
from bot.cogs._ask_logic import addressed
from bot.sources import InteractionSource, MenuSource, MessageSource

if TYPE_CHECKING:
    from bot.app import CareerBot

log = logging.getLogger("bot.ask")

Interaction = discord.Interaction[Any]


class Ask(commands.Cog):
    def __init__(self, bot: CareerBot) -> None:
        self.bot = bot
        self.menu = app_commands.ContextMenu(name="Ask careerbot", callback=self.ask_menu)
        bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    @app_commands.command(name="ask", description="Ask a career question in your own words")
    @app_commands.describe(question="Your question, e.g. 'How much do CSRs earn?'")
    async def ask(
        self, interaction: Interaction, question: app_commands.Range[str, 1, 300]
    ) -> None:
        await self.bot.pipeline.respond(InteractionSource(interaction, "slash"), question)

    @ask.autocomplete("question")
    async def ask_complete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        try:
            suggestions = self.bot.engine.complete(current, 25)
        except Exception:
            log.exception("autocomplete failed")
            return []
        texts = (wording.choice_text(s.question) for s in suggestions[:25])
        return [app_commands.Choice(name=text, value=text) for text in texts]

    async def ask_menu(self, interaction: Interaction, message: discord.Message) -> None:
        question = message.content.strip()
        if not question:
            await interaction.response.send_message(wording.NO_TEXT_TO_ANSWER, ephemeral=True)
            return
        source = MenuSource(interaction, message, self.bot.reply_mentions(message.author))
        await self.bot.pipeline.respond(source, question)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or self.bot.user is None:
            return
        mc = self.bot.settings.message_content
        found = addressed(
            message.content,
            self.bot.user.id,
            is_dm=message.guild is None,
            channel_id=message.channel.id,
            passive_channel_ids=mc.channel_ids if mc.enabled else (),
        )
        if found is None:
            return
        question, via = found
        if not question:
            if via != "passive":
                await message.reply(
                    wording.EMPTY_MENTION, allowed_mentions=discord.AllowedMentions.none()
                )
            return
        source = MessageSource(message, via, self.bot.reply_mentions(message.author))
        await self.bot.pipeline.respond(source, question)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Ask(cast("CareerBot", bot)))
