"""/kb: moderators reload and check the knowledge, read stats and gaps, inspect entries.

/kb is registered with Manage Server as its default permission, so Discord shows it only to
members with Manage Server until a server admin adds an override for a moderator role
(Server Settings → Integrations → careerbot → /kb). The commands check again themselves
(``moderator_check``): Manage Server or one of ``moderator_role_ids``.
"""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING, Any, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot import wording
from bot.checks import member_is_moderator, moderator_check, owner_check
from bot.cluster import describe
from bot.cogs._ask_logic import describe_counts, fit_lines
from bot.gaps_ui import gap_line, gaps_view, moderator_name
from bot.render import clip, to_embed
from bot.store import StoreUnavailable
from bot.teacher import DECLINE_VALUE
from bot.teacher import Outcome as TeachOutcome

if TYPE_CHECKING:
    from bot.app import CareerBot

log = logging.getLogger("bot.moderation")

Interaction = discord.Interaction[Any]
MESSAGE_ROOM = 1900  # a 2,000-character message, minus our own wording


def problems_text(lead: str, problems: list[str]) -> str:
    """``lead`` + "problems:" + as many path:line problems as fit one message (``problems``
    come grouped and capped from problems_of, so their count is not the problems' count)."""
    head = f"{lead}problems:\n"
    return head + "```\n" + fit_lines(problems, MESSAGE_ROOM - len(head)) + "\n```"


class Moderation(commands.Cog):
    kb = app_commands.Group(
        name="kb",
        description="Moderators: manage the knowledge base",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )

    def __init__(self, bot: CareerBot) -> None:
        self.bot = bot

    @kb.command(name="reload", description="Validate the knowledge files and serve them if valid")
    @app_commands.check(moderator_check)
    async def reload(self, interaction: Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        reports = await self.bot.reload_everywhere()
        result = next((r for r in reports if r.local), reports[0])
        log.info("kb reload by moderator: ok=%s", [(r.shards, r.ok) for r in reports])
        if result.ok:
            text = "✅ Knowledge reloaded: " + describe_counts(result.before, result.after)
        else:
            text = problems_text(
                "❌ Not reloaded — still serving the last good knowledge. ", result.problems
            )
        if len(reports) > 1:  # several processes: say how each one did
            text = "\n".join(describe(reports)) + "\n" + text
        await interaction.followup.send(clip(text, 2000), ephemeral=True)

    @kb.command(name="check", description="Validate the knowledge files without serving them")
    @app_commands.check(moderator_check)
    async def check(self, interaction: Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.bot.check_knowledge()
        if result.ok:
            text = "✅ The knowledge files are valid: " + describe_counts(
                result.before, result.after
            )
        else:
            text = problems_text("❌ ", result.problems)
        await interaction.followup.send(clip(text, 2000), ephemeral=True)

    @kb.command(name="stats", description="Top questions, answer rate and votes per entry")
    @app_commands.check(moderator_check)
    async def stats(self, interaction: Interaction) -> None:
        try:
            stats = await self.bot.store.stats(limit=10)
        except StoreUnavailable as exc:
            await interaction.response.send_message(clip(str(exc), 2000), ephemeral=True)
            return
        lines = [
            f"**{stats.total}** questions · answer rate **{stats.answer_rate:.0%}** "
            f"({stats.answered} answered, {stats.unsure} unsure, {stats.declined} declined)",
            "",
            "**Top entries**",
        ]
        entries = self.bot.engine.kb.entries
        lines += [
            f"{e.count}× `{e.entry_id}`"
            + (f" — {entries[e.entry_id].question}" if e.entry_id in entries else "")
            for e in stats.top_entries
        ] or ["(none yet)"]
        lines += ["", "**Votes**"]
        lines += [f"👍 {v.up} 👎 {v.down} `{v.entry_id}`" for v in stats.votes] or ["(none yet)"]
        await interaction.response.send_message(fit_lines(lines, 2000), ephemeral=True)

    @kb.command(name="gaps", description="Questions the bot could not answer; teach them")
    @app_commands.check(moderator_check)
    async def gaps(self, interaction: Interaction) -> None:
        try:
            gaps = await self.bot.store.gaps(limit=50)
        except StoreUnavailable as exc:
            await interaction.response.send_message(clip(str(exc), 2000), ephemeral=True)
            return
        engine = self.bot.engine
        # A gap the knowledge now answers (taught since) is no longer a gap.
        gaps = [g for g in gaps if not engine.ask(g.example).answered][:25]
        if not gaps:
            await interaction.response.send_message(wording.NO_GAPS, ephemeral=True)
            return
        lines = ["**Unanswered questions** (count · example) — pick an entry below to teach one"]
        lines += [gap_line(i, g) for i, g in enumerate(gaps, 1)]
        await interaction.response.send_message(
            fit_lines(lines, 2000), view=gaps_view(engine, gaps), ephemeral=True
        )

    @kb.command(name="teach", description="Teach a question to an entry (or 'decline')")
    @app_commands.describe(
        question="The question as members asked it",
        entry="Entry id (autocompleted), or 'decline' for something we do not answer",
    )
    @app_commands.check(moderator_check)
    async def teach(self, interaction: Interaction, question: str, entry: str) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        target = None if entry.strip().lower() in {"decline", DECLINE_VALUE} else entry.strip()
        outcome = await self.bot.teacher.teach(question, target, moderator_name(interaction))
        await self._send_outcome(interaction, outcome)

    @teach.autocomplete("entry")
    async def teach_complete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if not member_is_moderator(interaction):
            return []
        needle = current.strip().lower()
        entries = self.bot.engine.kb.entries
        hits = [i for i, e in entries.items() if needle in i or needle in e.question.lower()][:24]
        choices = [app_commands.Choice(name="Not something we answer", value="decline")]
        choices += [
            app_commands.Choice(name=clip(f"{entries[i].question} ({i})", 100), value=i)
            for i in hits
        ]
        return choices[:25]

    @kb.command(name="history", description="What moderators taught, newest first")
    @app_commands.check(moderator_check)
    async def history(self, interaction: Interaction) -> None:
        try:
            rows = await self.bot.store.teachings(limit=20)
        except StoreUnavailable as exc:
            await interaction.response.send_message(clip(str(exc), 2000), ephemeral=True)
            return
        lines = ["**Taught** (undo with /kb untaught id:)"]
        lines += [
            f"#{t.id} {t.moderator}: “{clip(t.question, 80)}” → {t.entry_id or 'declined'} "
            f"· {t.file}:{t.line}"
            + (" · undone" if t.undone_at else "" if t.written else " · diff only")
            for t in rows
        ] or ["(nothing taught yet)"]
        await interaction.response.send_message(fit_lines(lines, 2000), ephemeral=True)

    @kb.command(name="untaught", description="Undo one teaching: remove exactly its line")
    @app_commands.describe(id="The teaching's number in /kb history")
    @app_commands.check(moderator_check)
    async def untaught(self, interaction: Interaction, id: int) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        outcome = await self.bot.teacher.untaught(id, moderator_name(interaction))
        await self._send_outcome(interaction, outcome)

    async def _send_outcome(self, interaction: Interaction, outcome: TeachOutcome) -> None:
        if outcome.diff:
            data = io.BytesIO(outcome.diff.encode())
            await interaction.followup.send(
                clip(outcome.text, 2000), file=discord.File(data, "taught.diff"), ephemeral=True
            )
        else:
            await interaction.followup.send(clip(outcome.text, 2000), ephemeral=True)

    @kb.command(name="entry", description="Show one entry, where it is written and its sources")
    @app_commands.describe(id="Entry id (autocompleted)")
    @app_commands.check(moderator_check)
    async def entry(self, interaction: Interaction, id: str) -> None:
        engine = self.bot.engine
        answer = engine.answer_entry(id)
        if answer is None:
            await interaction.response.send_message(wording.no_entry(id), ephemeral=True)
            return
        embed = to_embed(answer)
        where = engine.kb.locations.get(id)
        source_ids = ", ".join(s.id for s in answer.sources) or "none"
        info = f"`{id}` · {where or 'location unknown'} · sources: {source_ids}"
        await interaction.response.send_message(
            clip(info, 2000), embed=discord.Embed.from_dict(embed), ephemeral=True
        )

    @entry.autocomplete("id")
    async def entry_complete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        # discord.py runs no command checks for autocomplete: check here, or anyone the
        # server lets see /kb (or who crafts the request) could list the entry ids.
        if not member_is_moderator(interaction):
            return []
        needle = current.strip().lower()
        ids = [i for i in self.bot.engine.kb.entries if needle in i][:25]
        return [app_commands.Choice(name=wording.choice_text(i), value=i) for i in ids]

    @kb.command(
        name="sync", description="Owner: publish the slash commands (globally or to a guild)"
    )
    @app_commands.describe(guild_id="Sync to this server only (copies the global commands)")
    @app_commands.check(moderator_check)
    @app_commands.check(owner_check)
    async def sync(self, interaction: Interaction, guild_id: str | None = None) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        if guild_id and not guild_id.isdigit():
            await interaction.followup.send(wording.GUILD_ID_NOT_A_NUMBER, ephemeral=True)
            return
        synced = await self.bot.sync_commands(int(guild_id) if guild_id else None)
        where = (
            f"server {guild_id}" if guild_id else "all servers (global; may take a while to appear)"
        )
        log.info("synced %d commands to %s", len(synced), where)
        await interaction.followup.send(wording.synced(len(synced), where), ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Moderation(cast("CareerBot", bot)))
