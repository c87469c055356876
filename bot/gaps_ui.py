"""The ``/kb gaps`` reply: one line per gap and, for the first few, a select of the entries to
teach it to ("Not something we answer" teaches it as declined; "Skip" does nothing).

Each select is a persistent ``DynamicItem`` whose custom_id carries the gap's key, so it works
after a restart. Picking is moderator-only, checked in code on every pick. The pick edits the
gaps message: that gap's line says what was done, by whom and which file:line changed.
"""

from __future__ import annotations

import io
import re
from typing import Any, Final, Protocol, cast

import discord

from bot.checks import member_is_moderator
from bot.engine import Engine
from bot.render import clip
from bot.store import Gap
from bot.teacher import DECLINE_VALUE, SKIP_VALUE, Outcome, Teacher, gap_choices, gap_key

Interaction = discord.Interaction[Any]
GAP_TEMPLATE: Final = r"careerbot:gap:(?P<key>[0-9a-f]{16})"
SELECTS_SHOWN: Final = 5  # Discord allows 5 rows of components per message
NOT_ALLOWED: Final = "Only moderators can teach the bot."


class _HasTeacher(Protocol):
    @property
    def teacher(self) -> Teacher: ...


def gap_line(index: int, gap: Gap) -> str:
    picked = ", ".join(f"`{p.entry_id}` ×{p.count}" for p in gap.picks)
    extra = f" — members picked {picked}" if picked else ""
    if gap.down_votes:
        extra += f" (👎 {gap.down_votes})"
    return f"{index}. {gap.count}× {clip(gap.example, 120)}{extra}"


def gaps_view(engine: Engine, gaps: list[Gap]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for index, gap in enumerate(gaps[:SELECTS_SHOWN], 1):
        view.add_item(GapSelect(gap_key(gap.normalised), index, gap_choices(engine, gap)))
    return view


class GapSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=GAP_TEMPLATE):
    def __init__(
        self, key: str, index: int = 0, choices: list[tuple[str, str]] | None = None
    ) -> None:
        options = [
            discord.SelectOption(label=clip(question, 100), value=entry_id, description=entry_id)
            for entry_id, question in (choices or [])
        ]
        options.append(discord.SelectOption(label="Not something we answer", value=DECLINE_VALUE))
        options.append(discord.SelectOption(label="Skip", value=SKIP_VALUE))
        super().__init__(
            discord.ui.Select(
                custom_id=f"careerbot:gap:{key}",
                placeholder=clip(f"{index}. Teach it to…" if index else "Teach it to…", 150),
                options=options,
            )
        )
        self.key = key

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> GapSelect:
        return cls(match["key"])

    async def callback(self, interaction: Interaction) -> None:
        if not member_is_moderator(interaction):
            await interaction.response.send_message(NOT_ALLOWED, ephemeral=True)
            return
        values = self.item.values
        choice = str(values[0]) if values else SKIP_VALUE
        teacher = cast(_HasTeacher, interaction.client).teacher
        if choice == SKIP_VALUE:
            await self._edit(interaction, None, "⏭️ skipped")
            return
        await interaction.response.defer()
        gap = await teacher.find_gap(self.key)
        if gap is None:
            outcome = Outcome(False, "❌ That gap is no longer in the question log.")
        else:
            entry = None if choice == DECLINE_VALUE else choice
            outcome = await teacher.teach(gap.example, entry, moderator_name(interaction))
        await self._edit(interaction, outcome, outcome.text)

    async def _edit(self, interaction: Interaction, outcome: Outcome | None, text: str) -> None:
        message = interaction.message
        content = message.content if message else ""
        view = discord.ui.View.from_message(message, timeout=None) if message else None
        if view is not None:
            for child in list(view.children):
                if getattr(child, "custom_id", None) == f"careerbot:gap:{self.key}":
                    view.remove_item(child)
        content = clip(f"{content}\n{text}", 2000)
        if interaction.response.is_done():
            await interaction.edit_original_response(content=content, view=view)
        else:
            await interaction.response.edit_message(content=content, view=view)
        if outcome is not None and outcome.diff:
            await interaction.followup.send(
                "The change to commit:",
                file=discord.File(io.BytesIO(outcome.diff.encode()), "taught.diff"),
                ephemeral=True,
            )


def moderator_name(interaction: Interaction) -> str:
    """Who taught, as kept in the history: the name and the id (no mention)."""
    return f"{interaction.user.name} ({interaction.user.id})"
