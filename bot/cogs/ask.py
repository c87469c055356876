"""Asking: /ask, @mentions, DMs, the "Ask careerbot" menu, did-you-mean and vote buttons."""

from __future__ import annotations

import dataclasses
import logging
import re
import time
from typing import TYPE_CHECKING, Any, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs._ask_logic import (
    ASK_TEMPLATE,
    VOTE_TEMPLATE,
    addressed,
    ask_custom_id,
    button_label,
    choice_text,
    decline_text,
    vote_custom_id,
)
from bot.engine.answer import Answer, Outcome
from bot.render import to_embed
from bot.store import QuestionRecord, Vote

if TYPE_CHECKING:
    from bot.app import CareerBot

log = logging.getLogger("bot.ask")

Interaction = discord.Interaction[Any]


def _bot(interaction: Interaction) -> CareerBot:
    return cast("CareerBot", interaction.client)


class AskButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=ASK_TEMPLATE):
    """A did-you-mean choice: answers its entry when clicked, also after a restart."""

    def __init__(self, entry_id: str, label: str = "Ask") -> None:
        custom_id = ask_custom_id(entry_id)
        if custom_id is None:
            raise ValueError(f"entry id cannot be a custom_id: {entry_id!r}")
        super().__init__(
            discord.ui.Button(
                label=button_label(label), style=discord.ButtonStyle.secondary, custom_id=custom_id
            )
        )
        self.entry_id = entry_id

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> AskButton:
        label = getattr(item, "label", None) or "Ask"
        return cls(match["entry_id"], label)

    async def callback(self, interaction: Interaction) -> None:
        bot = _bot(interaction)
        wait = bot.check_cooldown(interaction.user.id)
        if wait:
            # Component errors do not reach the tree's on_error: answer here.
            from bot.app import OnCooldown, error_message

            await interaction.response.send_message(error_message(OnCooldown(wait)), ephemeral=True)
            return
        started = time.perf_counter()
        answer = bot.engine.answer_entry(self.entry_id)
        if answer is None:
            await interaction.response.send_message(
                "That question is no longer in the knowledge — try `/ask`.", ephemeral=True
            )
            return
        await log_answer(bot, answer, interaction.user.id, interaction, "button", started, "")
        embed, view = build_reply(answer)
        await interaction.response.send_message(embed=embed, view=view or discord.utils.MISSING)


class VoteButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=VOTE_TEMPLATE):
    """👍/👎 under an answer. One vote per member per answer message (a change replaces it)."""

    def __init__(self, vote: str, entry_id: str) -> None:
        custom_id = vote_custom_id(vote, entry_id)
        if custom_id is None:
            raise ValueError(f"entry id cannot be a custom_id: {entry_id!r}")
        super().__init__(
            discord.ui.Button(
                emoji="👍" if vote == "up" else "👎",
                style=discord.ButtonStyle.secondary,
                custom_id=custom_id,
            )
        )
        self.vote = Vote(vote)
        self.entry_id = entry_id

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> VoteButton:
        return cls(match["vote"], match["entry_id"])

    async def callback(self, interaction: Interaction) -> None:
        bot = _bot(interaction)
        message_id = interaction.message.id if interaction.message else 0
        try:
            changed = await bot.store.record_vote(
                message_id, bot.store.hash_user(interaction.user.id), self.entry_id, self.vote
            )
        except Exception:
            log.exception("could not store a vote")
            await interaction.response.send_message(
                "Sorry, I couldn't save your vote — please try again later.", ephemeral=True
            )
            return
        log.info("vote %s entry=%s new=%s", self.vote.value, self.entry_id, changed)
        text = "Thanks for the feedback!" if changed else "Your vote is already counted — thanks!"
        await interaction.response.send_message(text, ephemeral=True)


def build_view(answer: Answer) -> discord.ui.View | None:
    """Did-you-mean buttons for an unsure answer; 👍/👎 for an answer."""
    view = discord.ui.View(timeout=None)
    if answer.outcome is Outcome.UNSURE:
        for s in answer.suggestions[:3]:
            if ask_custom_id(s.entry_id):
                view.add_item(AskButton(s.entry_id, s.question))
    elif answer.outcome is Outcome.ANSWER and answer.entry_id:
        for vote in ("up", "down"):
            if vote_custom_id(vote, answer.entry_id):
                view.add_item(VoteButton(vote, answer.entry_id))
    return view if view.children else None


def build_reply(answer: Answer) -> tuple[discord.Embed, discord.ui.View | None]:
    return discord.Embed.from_dict(to_embed(answer)), build_view(answer)


async def log_answer(
    bot: CareerBot,
    answer: Answer,
    user_id: int,
    where: Interaction | discord.Message,
    via: str,
    started: float,
    question: str,
) -> None:
    """Log (no question text at INFO) and store one answered question (in the background)."""
    latency_ms = (time.perf_counter() - started) * 1000
    log.info(
        "question via=%s outcome=%s entry=%s score=%.3f latency_ms=%.1f",
        via,
        answer.outcome.value,
        answer.entry_id,
        answer.confidence,
        latency_ms,
    )
    guild_id = where.guild.id if where.guild else None
    channel_id = where.channel.id if where.channel else None
    text = question or (answer.title if answer.entry_id else "")
    record = QuestionRecord(
        text=text,
        normalised="",  # filled in the background: keeps normalising off the reply's path
        outcome=answer.outcome.value,
        entry_id=answer.entry_id,
        score=answer.confidence,
        latency_ms=latency_ms,
        guild_id=guild_id,
        channel_id=channel_id,
        user_hash=bot.store.hash_user(user_id),
        via=via,
    )
    bot.spawn(_store_question(bot, record))


async def _store_question(bot: CareerBot, record: QuestionRecord) -> None:
    try:
        if record.text:
            record = dataclasses.replace(record, normalised=bot.engine.normalise(record.text))
        await bot.store.log_question(record)
    except Exception:
        log.exception("could not store a question")


def _decline(bot: CareerBot) -> str:
    names = [c.career.name for c in bot.engine.kb.careers.values()]
    return decline_text(names)


class Ask(commands.Cog):
    def __init__(self, bot: CareerBot) -> None:
        self.bot = bot
        self.menu = app_commands.ContextMenu(name="Ask careerbot", callback=self.ask_menu)
        bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    def answer(self, question: str) -> tuple[Answer, float]:
        started = time.perf_counter()
        return self.bot.engine.ask(question), started

    def _cooldown(self, user_id: int) -> None:
        wait = self.bot.check_cooldown(user_id)
        if wait:
            from bot.app import OnCooldown

            raise OnCooldown(wait)

    @app_commands.command(name="ask", description="Ask a career question in your own words")
    @app_commands.describe(question="Your question, e.g. 'How much do CSRs earn?'")
    async def ask(
        self, interaction: Interaction, question: app_commands.Range[str, 1, 300]
    ) -> None:
        self._cooldown(interaction.user.id)
        answer, started = self.answer(question)
        await log_answer(
            self.bot, answer, interaction.user.id, interaction, "slash", started, question
        )
        if answer.outcome is Outcome.DECLINE:
            await interaction.response.send_message(_decline(self.bot), ephemeral=True)
            return
        embed, view = build_reply(answer)
        await interaction.response.send_message(embed=embed, view=view or discord.utils.MISSING)

    @ask.autocomplete("question")
    async def ask_complete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        try:
            suggestions = self.bot.engine.complete(current, 25)
        except Exception:
            log.exception("autocomplete failed")
            return []
        return [
            app_commands.Choice(name=choice_text(s.question), value=choice_text(s.question))
            for s in suggestions[:25]
        ]

    async def ask_menu(self, interaction: Interaction, message: discord.Message) -> None:
        question = message.content.strip()
        if not question:
            await interaction.response.send_message(
                "That message has no text I can answer.", ephemeral=True
            )
            return
        self._cooldown(interaction.user.id)
        answer, started = self.answer(question)
        await log_answer(
            self.bot, answer, interaction.user.id, interaction, "menu", started, question
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        mentions = self.bot.reply_mentions(message.author)
        try:
            if answer.outcome is Outcome.DECLINE:
                await message.reply(_decline(self.bot), allowed_mentions=mentions)
            else:
                embed, view = build_reply(answer)
                await message.reply(
                    embed=embed, view=view or discord.utils.MISSING, allowed_mentions=mentions
                )
        except discord.HTTPException:
            # No access to reply there: show the answer to the member who asked instead.
            embed, view = build_reply(answer)
            await interaction.followup.send(
                embed=embed, view=view or discord.utils.MISSING, ephemeral=True
            )
            return
        await interaction.followup.send("Answered ✅", ephemeral=True)

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
        passive = via == "passive"
        if not question:
            if not passive:
                await message.reply(
                    "Ask me a career question, e.g. *How much do CSRs earn?* — or see `/help`.",
                    allowed_mentions=discord.AllowedMentions.none(),
                )
            return
        wait = self.bot.check_cooldown(message.author.id)
        if wait:
            if not passive and self.bot.should_notify_cooldown(message.author.id):
                await message.reply(
                    f"You're asking quickly — please try again in {wait:.0f} s.",
                    allowed_mentions=discord.AllowedMentions.none(),
                )
            return
        answer, started = self.answer(question)
        if passive and answer.outcome is not Outcome.ANSWER:
            return  # overheard chat the bot cannot answer: stay quiet, keep gaps clean
        await log_answer(self.bot, answer, message.author.id, message, via, started, question)
        mentions = self.bot.reply_mentions(message.author)
        if answer.outcome is Outcome.DECLINE:
            await message.reply(_decline(self.bot), allowed_mentions=mentions)
            return
        embed, view = build_reply(answer)
        await message.reply(
            embed=embed, view=view or discord.utils.MISSING, allowed_mentions=mentions
        )


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Ask(cast("CareerBot", bot)))
