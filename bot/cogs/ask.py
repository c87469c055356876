"""Asking: /ask, @mentions, DMs, the "Ask careerbot" menu, did-you-mean and vote buttons."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, cast

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

CACHED_QUESTION_MAX: Final = 300
"""Longer questions (mentions, DMs) are answered but not kept in the answer cache."""


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
        embed, view = shared_reply(bot, answer)
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


Reply = tuple[discord.Embed, discord.ui.View | None]
EntryReply = tuple[tuple[object, ...], discord.Embed, discord.ui.View | None]


def _shown(answer: Answer) -> tuple[object, ...]:
    """Everything of an answer that its embed and view show."""
    return (
        answer.outcome,
        answer.entry_id,
        answer.title,
        answer.body,
        answer.fields,
        answer.sources,
        answer.related,
        answer.suggestions,
    )


def shared_reply(bot: CareerBot, answer: Answer) -> Reply:
    """The embed and view of ``answer``, built once per entry and shared by its replies.

    Only for public (non-ephemeral) replies: the embed is only read when sent, and the view
    holds nothing but persistent DynamicItems, so discord.py never dispatches through it nor
    keeps it per message (ephemeral sends would give it a timeout: build those fresh). The
    cache is the bot's, cleared with every new engine; a changed answer is rebuilt.
    """
    if answer.outcome is not Outcome.ANSWER or not answer.entry_id:
        return build_reply(answer)
    shown = _shown(answer)
    hit = bot.entry_replies.get(answer.entry_id)
    if hit is not None and hit[0] == shown:
        return hit[1], hit[2]
    embed, view = build_reply(answer)
    bot.entry_replies.put(answer.entry_id, (shown, embed, view))
    return embed, view


@dataclass(frozen=True, slots=True)
class Prepared:
    """One question's answer and its reply, computed once (kept for repeated questions)."""

    answer: Answer
    normalised: str
    reply: Reply | None
    """None when the question is declined (the reply is plain text)."""


def prepare(bot: CareerBot, question: str) -> Prepared:
    """Answer ``question`` from the bot's answer cache, or ask the engine and keep the result.

    The engine is asked and the question normalised (for the gaps report) once per distinct
    question text per engine; the bot clears the cache when it swaps the engine.
    """
    hit = bot.answers.get(question)
    if hit is not None:
        return hit
    engine = bot.engine
    answer = engine.ask(question)
    reply = None if answer.outcome is Outcome.DECLINE else shared_reply(bot, answer)
    prepared = Prepared(answer, engine.normalise(question), reply)
    if len(question) <= CACHED_QUESTION_MAX:
        bot.answers.put(question, prepared)
    return prepared


async def log_answer(
    bot: CareerBot,
    answer: Answer,
    user_id: int,
    where: Interaction | discord.Message,
    via: str,
    started: float,
    question: str,
    normalised: str | None = None,
) -> None:
    """Log (no question text at INFO) and store one answered question, before the reply.

    Awaited before the reply is sent, so every answer a member saw is in the question log
    even if the process is killed right after (the store commits in groups, so a burst
    shares a few commits). A store failure is logged and the member still gets the answer.
    """
    latency_ms = (time.perf_counter() - started) * 1000
    if log.isEnabledFor(logging.INFO):
        log.info(
            "question via=%s outcome=%s entry=%s score=%.3f latency_ms=%.1f",
            via,
            answer.outcome.value,
            answer.entry_id,
            answer.confidence,
            latency_ms,
        )
    text = question or (answer.title if answer.entry_id else "")
    if normalised is None:
        normalised = bot.engine.normalise(text) if text else ""
    if isinstance(where, discord.Interaction):  # plain ids: no guild/channel object lookups
        guild_id, channel_id = where.guild_id, where.channel_id
    else:
        guild_id = where.guild.id if where.guild else None
        channel_id = where.channel.id if where.channel else None
    record = QuestionRecord(
        text=text,
        normalised=normalised,
        outcome=answer.outcome.value,
        entry_id=answer.entry_id,
        score=answer.confidence,
        latency_ms=latency_ms,
        guild_id=guild_id,
        channel_id=channel_id,
        user_hash=bot.store.hash_user(user_id),
        via=via,
    )
    try:
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

    def answer(self, question: str) -> tuple[Prepared, float]:
        started = time.perf_counter()
        return prepare(self.bot, question), started

    @app_commands.command(name="ask", description="Ask a career question in your own words")
    @app_commands.describe(question="Your question, e.g. 'How much do CSRs earn?'")
    async def ask(
        self, interaction: Interaction, question: app_commands.Range[str, 1, 300]
    ) -> None:
        self.bot.enforce_cooldown(interaction.user.id)
        p, started = self.answer(question)
        await log_answer(
            self.bot,
            p.answer,
            interaction.user.id,
            interaction,
            "slash",
            started,
            question,
            p.normalised,
        )
        if p.reply is None:
            await interaction.response.send_message(_decline(self.bot), ephemeral=True)
            return
        embed, view = p.reply
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
        texts = (choice_text(s.question) for s in suggestions[:25])
        return [app_commands.Choice(name=text, value=text) for text in texts]

    async def ask_menu(self, interaction: Interaction, message: discord.Message) -> None:
        question = message.content.strip()
        if not question:
            await interaction.response.send_message(
                "That message has no text I can answer.", ephemeral=True
            )
            return
        self.bot.enforce_cooldown(interaction.user.id)
        p, started = self.answer(question)
        answer = p.answer
        await log_answer(
            self.bot,
            answer,
            interaction.user.id,
            interaction,
            "menu",
            started,
            question,
            p.normalised,
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        mentions = self.bot.reply_mentions(message.author)
        try:
            if p.reply is None:
                await message.reply(_decline(self.bot), allowed_mentions=mentions)
            else:
                embed, view = p.reply
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
        p, started = self.answer(question)
        if passive and p.answer.outcome is not Outcome.ANSWER:
            return  # overheard chat the bot cannot answer: stay quiet, keep gaps clean
        await log_answer(
            self.bot, p.answer, message.author.id, message, via, started, question, p.normalised
        )
        mentions = self.bot.reply_mentions(message.author)
        if p.reply is None:
            await message.reply(_decline(self.bot), allowed_mentions=mentions)
            return
        embed, view = p.reply
        await message.reply(
            embed=embed, view=view or discord.utils.MISSING, allowed_mentions=mentions
        )


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Ask(cast("CareerBot", bot)))
