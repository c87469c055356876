"""Quick facts: /salary (with a chart), /path, /skills, /certs, /outlook, /education,
/career, /compare, /sources and /help."""

from __future__ import annotations

import asyncio
import io
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs._ask_logic import HELP_TEXT, choice_text
from bot.cogs.ask import build_reply, log_answer
from bot.engine import facts
from bot.engine.answer import Answer
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.model import Level
from bot.render import clip
from bot.render.chart import salary_chart

if TYPE_CHECKING:
    from bot.app import CareerBot

log = logging.getLogger("bot.facts")

Interaction = discord.Interaction[Any]
LevelName = Literal["entry", "mid", "senior", "manager"]
CHART_FILE = "salary.png"


class UnknownCareer(app_commands.AppCommandError):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class Facts(commands.Cog):
    def __init__(self, bot: CareerBot) -> None:
        self.bot = bot

    # ------------------------------------------------------------------ helpers
    def _career(self, text: str | None) -> str | None:
        return self.bot.engine.resolve_career(text)

    async def _unknown(self, interaction: Interaction, text: str | None) -> None:
        names = ", ".join(c.career.name for c in self.bot.engine.kb.careers.values())
        await interaction.response.send_message(
            clip(
                f"I don't know a career called “{clip(text or '', 80)}”. "
                f"I know: {names}. Pick one from the suggestions.",
                2000,
            ),
            ephemeral=True,
        )

    async def _send(
        self, interaction: Interaction, answer: Answer, started: float, via: str
    ) -> None:
        await log_answer(self.bot, answer, interaction.user.id, interaction, via, started, "")
        embed, view = build_reply(answer)
        await interaction.response.send_message(embed=embed, view=view or discord.utils.MISSING)

    async def _topic(
        self,
        interaction: Interaction,
        career: str | None,
        fn: Callable[[KnowledgeBase, str], Answer],
        via: str,
    ) -> None:
        self.bot.enforce_cooldown(interaction.user.id)
        slug = self._career(career)
        if slug is None:
            await self._unknown(interaction, career)
            return
        started = time.perf_counter()
        await self._send(interaction, fn(self.bot.engine.kb, slug), started, via)

    async def career_complete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        try:
            careers = self.bot.engine.complete_career(current, 25)
        except Exception:
            log.exception("career autocomplete failed")
            return []
        return [
            app_commands.Choice(name=choice_text(name), value=slug) for slug, name in careers[:25]
        ]

    # ------------------------------------------------------------------ commands
    @app_commands.command(name="salary", description="Pay ranges by level, with a chart")
    @app_commands.describe(level="Career level", career="Career (default: customer service)")
    async def salary(
        self,
        interaction: Interaction,
        level: LevelName | None = None,
        career: str | None = None,
    ) -> None:
        self.bot.enforce_cooldown(interaction.user.id)
        slug = self._career(career)
        if slug is None:
            await self._unknown(interaction, career)
            return
        started = time.perf_counter()
        await interaction.response.defer(thinking=True)
        kb = self.bot.engine.kb
        answer = facts.salary(kb, slug, Level(level) if level else None)
        name = kb.careers[slug].career.name if slug in kb.careers else slug
        png = await asyncio.to_thread(
            salary_chart, facts.salary_chart_data(kb, slug), f"{name}: pay by level"
        )
        await log_answer(self.bot, answer, interaction.user.id, interaction, "salary", started, "")
        embed, view = build_reply(answer)
        if png is None:
            await interaction.followup.send(embed=embed, view=view or discord.utils.MISSING)
            return
        embed.set_image(url=f"attachment://{CHART_FILE}")
        await interaction.followup.send(
            embed=embed,
            file=discord.File(io.BytesIO(png), filename=CHART_FILE),
            view=view or discord.utils.MISSING,
        )

    @app_commands.command(name="path", description="How people advance in this career")
    @app_commands.describe(career="Career (default: customer service)")
    async def path(self, interaction: Interaction, career: str | None = None) -> None:
        await self._topic(interaction, career, facts.path, "path")

    @app_commands.command(name="skills", description="Skills this career needs")
    @app_commands.describe(career="Career (default: customer service)")
    async def skills(self, interaction: Interaction, career: str | None = None) -> None:
        await self._topic(interaction, career, facts.skills, "skills")

    @app_commands.command(name="certs", description="Certifications for this career")
    @app_commands.describe(career="Career (default: customer service)")
    async def certs(self, interaction: Interaction, career: str | None = None) -> None:
        await self._topic(interaction, career, facts.certifications, "certs")

    @app_commands.command(name="outlook", description="Job outlook: growth, openings, automation")
    @app_commands.describe(career="Career (default: customer service)")
    async def outlook(self, interaction: Interaction, career: str | None = None) -> None:
        await self._topic(interaction, career, facts.outlook, "outlook")

    @app_commands.command(name="education", description="Education and training needed")
    @app_commands.describe(career="Career (default: customer service)")
    async def education(self, interaction: Interaction, career: str | None = None) -> None:
        await self._topic(interaction, career, facts.education, "education")

    @app_commands.command(name="career", description="A career's profile")
    @app_commands.describe(name="Career name")
    async def career(self, interaction: Interaction, name: str) -> None:
        await self._topic(interaction, name, facts.profile, "career")

    @app_commands.command(name="compare", description="Compare two careers side by side")
    @app_commands.describe(a="First career", b="Second career")
    async def compare(self, interaction: Interaction, a: str, b: str) -> None:
        self.bot.enforce_cooldown(interaction.user.id)
        slug_a, slug_b = self._career(a), self._career(b)
        if slug_a is None or slug_b is None:
            await self._unknown(interaction, a if slug_a is None else b)
            return
        started = time.perf_counter()
        answer = facts.compare(self.bot.engine.kb, slug_a, slug_b)
        await self._send(interaction, answer, started, "compare")

    @app_commands.command(name="sources", description="The documents every answer comes from")
    async def sources(self, interaction: Interaction) -> None:
        embed, _ = build_reply(facts.sources(self.bot.engine.kb))
        await interaction.response.send_message(embed=embed)

    @app_commands.command(name="help", description="What careerbot can answer and how to ask")
    async def help(self, interaction: Interaction) -> None:
        names = ", ".join(c.career.name for c in self.bot.engine.kb.careers.values())
        embed = discord.Embed(title="careerbot help", description=HELP_TEXT, color=0x2E86C1)
        embed.set_footer(text=clip(f"Careers: {names}", 2048))
        await interaction.response.send_message(embed=embed, ephemeral=True)

    for _cmd in (salary, path, skills, certs, outlook, education):
        _cmd.autocomplete("career")(career_complete)
    career.autocomplete("name")(career_complete)
    compare.autocomplete("a")(career_complete)
    compare.autocomplete("b")(career_complete)
    del _cmd


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Facts(cast("CareerBot", bot)))
