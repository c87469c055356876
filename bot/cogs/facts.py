"""Quick facts: /salary (with a chart), /path, /skills, /certs, /outlook, /education,
/career, /compare, /sources and /help.

Each command resolves its options (a bad value is one ephemeral line), then hands a fact
builder to the reply pipeline, which sends a fact without data for the career privately and
without votes. A topic's career autocomplete offers only careers with data for that topic.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, Literal, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot import wording
from bot.cogs._ask_logic import same_career
from bot.engine import facts
from bot.engine.answer import Answer
from bot.errors import BadInput
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.model import Level, Topic
from bot.render.chart import salary_chart
from bot.sources import InteractionSource

if TYPE_CHECKING:
    from bot.app import CareerBot

log = logging.getLogger("bot.facts")

Interaction = discord.Interaction[Any]
LevelName = Literal["entry", "mid", "senior", "manager"]
CHART_FILE: Final = "salary.png"

TOPICS: Final[dict[str, tuple[Topic, str]]] = {
    "salary": (Topic.SALARY, "pay figures"),
    "path": (Topic.ADVANCEMENT, "career path"),
    "skills": (Topic.SKILLS, "skills"),
    "certs": (Topic.CERTIFICATIONS, "certifications"),
    "outlook": (Topic.OUTLOOK, "job outlook"),
    "education": (Topic.EDUCATION, "education requirements"),
}
"""Quick-fact command -> (the topic whose data it shows, how a decline names it)."""


def parse_level(kb: KnowledgeBase, text: str | None) -> Level | None:
    """A level from its name or one of its synonyms; BadInput for anything else."""
    if text is None or not text.strip():
        return None
    wanted = " ".join(text.casefold().replace("-", " ").split())
    for level in Level:
        if wanted == level.value or wanted in (w.casefold() for w in kb.synonyms.levels[level]):
            return level
    raise BadInput(wording.unknown_level(text, [lv.value for lv in Level]))


class Facts(commands.Cog):
    def __init__(self, bot: CareerBot) -> None:
        self.bot = bot

    # ------------------------------------------------------------------ helpers
    def _names(self) -> list[str]:
        return [c.career.name for c in self.bot.engine.kb.careers.values()]

    def _career(self, text: str | None) -> str:
        slug = self.bot.engine.resolve_career(text)
        if slug is None or slug not in self.bot.engine.kb.careers:
            raise BadInput(wording.unknown_career(text, self._names()))
        return slug

    def _lead(self, command: str, slug: str) -> str:
        topic, what = TOPICS[command]
        kb = self.bot.engine.kb
        others = [kb.careers[s].career.name for s in facts.careers_with(kb, topic)]
        return wording.no_topic_data(what, kb.careers[slug].career.name, others)

    async def _topic(
        self,
        interaction: Interaction,
        career: str | None,
        command: str,
        fn: Callable[[KnowledgeBase, str], Answer],
    ) -> None:
        slug = self._career(career)
        kb = self.bot.engine.kb
        has = facts.has_data(kb, slug, TOPICS[command][0])
        await self.bot.pipeline.quick_fact(
            InteractionSource(interaction, command),
            lambda: fn(kb, slug),
            has_data=has,
            lead=None if has else self._lead(command, slug),
        )

    async def career_complete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        command = interaction.command.name if interaction.command else ""
        topic = TOPICS[command][0] if command in TOPICS else None
        try:
            careers = self.bot.engine.complete_career(current, 25, topic)
        except Exception:
            log.exception("career autocomplete failed")
            return []
        return [app_commands.Choice(name=wording.choice_text(n), value=s) for s, n in careers]

    # ------------------------------------------------------------------ commands
    @app_commands.command(name="salary", description="Pay ranges by level, with a chart")
    @app_commands.describe(level="Career level", career="Career (default: customer service)")
    async def salary(
        self,
        interaction: Interaction,
        level: LevelName | None = None,
        career: str | None = None,
    ) -> None:
        kb = self.bot.engine.kb
        chosen = parse_level(kb, level)
        slug = self._career(career)
        has = facts.has_data(kb, slug, Topic.SALARY, chosen)
        name = kb.careers[slug].career.name

        async def chart(answer: Answer) -> tuple[bytes, str] | None:
            png = await asyncio.to_thread(
                salary_chart, facts.salary_chart_data(kb, slug), f"{name}: pay by level"
            )
            return (png, CHART_FILE) if png else None

        await self.bot.pipeline.quick_fact(
            InteractionSource(interaction, "salary"),
            lambda: facts.salary(kb, slug, chosen),
            has_data=has,
            lead=None if has else self._lead("salary", slug),
            chart=chart if has else None,
        )

    @app_commands.command(name="path", description="How people advance in this career")
    @app_commands.describe(career="Career (default: customer service)")
    async def path(self, interaction: Interaction, career: str | None = None) -> None:
        await self._topic(interaction, career, "path", facts.path)

    @app_commands.command(name="skills", description="Skills this career needs")
    @app_commands.describe(career="Career (default: customer service)")
    async def skills(self, interaction: Interaction, career: str | None = None) -> None:
        await self._topic(interaction, career, "skills", facts.skills)

    @app_commands.command(name="certs", description="Certifications for this career")
    @app_commands.describe(career="Career (default: customer service)")
    async def certs(self, interaction: Interaction, career: str | None = None) -> None:
        await self._topic(interaction, career, "certs", facts.certifications)

    @app_commands.command(name="outlook", description="Job outlook: growth, openings, automation")
    @app_commands.describe(career="Career (default: customer service)")
    async def outlook(self, interaction: Interaction, career: str | None = None) -> None:
        await self._topic(interaction, career, "outlook", facts.outlook)

    @app_commands.command(name="education", description="Education and training needed")
    @app_commands.describe(career="Career (default: customer service)")
    async def education(self, interaction: Interaction, career: str | None = None) -> None:
        await self._topic(interaction, career, "education", facts.education)

    @app_commands.command(name="career", description="A career's profile")
    @app_commands.describe(name="Career name")
    async def career(self, interaction: Interaction, name: str) -> None:
        slug = self._career(name)
        kb = self.bot.engine.kb
        await self.bot.pipeline.quick_fact(
            InteractionSource(interaction, "career"), lambda: facts.profile(kb, slug)
        )

    @app_commands.command(name="compare", description="Compare two careers side by side")
    @app_commands.describe(a="First career", b="Second career")
    async def compare(self, interaction: Interaction, a: str, b: str) -> None:
        slug_a, slug_b = self._career(a), self._career(b)
        kb = self.bot.engine.kb
        if same_career(slug_a, slug_b):
            raise BadInput(wording.same_career(kb.careers[slug_a].career.name))
        await self.bot.pipeline.quick_fact(
            InteractionSource(interaction, "compare"), lambda: facts.compare(kb, slug_a, slug_b)
        )

    @app_commands.command(name="sources", description="The documents every answer comes from")
    async def sources(self, interaction: Interaction) -> None:
        kb = self.bot.engine.kb
        await self.bot.pipeline.quick_fact(
            InteractionSource(interaction, "sources"), lambda: facts.sources(kb), votes=False
        )

    @app_commands.command(name="help", description="What careerbot can answer and how to ask")
    async def help(self, interaction: Interaction) -> None:
        embed = discord.Embed(
            title=wording.HELP_TITLE, description=wording.HELP_TEXT, color=0x2E86C1
        )
        embed.set_footer(text=wording.help_footer(self._names()))
        await interaction.response.send_message(embed=embed, ephemeral=True)

    for _cmd in (salary, path, skills, certs, outlook, education):
        _cmd.autocomplete("career")(career_complete)
    career.autocomplete("name")(career_complete)
    compare.autocomplete("a")(career_complete)
    compare.autocomplete("b")(career_complete)
    del _cmd


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Facts(cast("CareerBot", bot)))
