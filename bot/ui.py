"""Buttons under replies: did-you-mean picks, related questions, 👍/👎 and "More".

Every button is a persistent ``DynamicItem``: its custom_id carries all it needs (the entry id,
and for a pick who asked), so it still works after a restart. Clicks are handed to the bot's
reply pipeline through the small ``Handler`` protocol below, so this module imports neither
the pipeline nor the app (no import cycle).
"""

from __future__ import annotations

import re
from typing import Any, Final, Protocol, cast

import discord

from bot import wording
from bot.engine.answer import Answer, Outcome

Interaction = discord.Interaction[Any]

CUSTOM_ID_MAX: Final = 100
_ID: Final = r"[a-z0-9.-]+"
ASK_TEMPLATE: Final = rf"careerbot:ask:(?P<entry_id>{_ID})(?::(?P<owner>[0-9a-z]{{1,13}}))?"
RELATED_TEMPLATE: Final = rf"careerbot:rel:(?P<entry_id>{_ID})"
VOTE_TEMPLATE: Final = rf"careerbot:vote:(?P<vote>up|down):(?P<entry_id>{_ID})"
MORE_TEMPLATE: Final = rf"careerbot:more:(?P<entry_id>{_ID})"
_ASK_RE: Final = re.compile(ASK_TEMPLATE)
_RELATED_RE: Final = re.compile(RELATED_TEMPLATE)
_VOTE_RE: Final = re.compile(VOTE_TEMPLATE)
_MORE_RE: Final = re.compile(MORE_TEMPLATE)
SUGGESTIONS_SHOWN: Final = 3
RELATED_SHOWN: Final = 4


# --------------------------------------------------------------------------- custom ids
def _b36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def ask_custom_id(entry_id: str, owner: int | None = None) -> str | None:
    """custom_id of a did-you-mean button (``owner``: who asked, so their pick edits the
    message in place), or None if the id cannot be carried safely."""
    if owner is not None:
        with_owner = f"careerbot:ask:{entry_id}:{_b36(owner)}"
        if len(with_owner) <= CUSTOM_ID_MAX and parse_ask(with_owner) == (entry_id, owner):
            return with_owner
    custom_id = f"careerbot:ask:{entry_id}"
    if len(custom_id) > CUSTOM_ID_MAX or parse_ask(custom_id) != (entry_id, None):
        return None
    return custom_id


def related_custom_id(entry_id: str) -> str | None:
    custom_id = f"careerbot:rel:{entry_id}"
    ok = len(custom_id) <= CUSTOM_ID_MAX and parse_related(custom_id) == entry_id
    return custom_id if ok else None


def vote_custom_id(vote: str, entry_id: str) -> str | None:
    custom_id = f"careerbot:vote:{vote}:{entry_id}"
    if len(custom_id) > CUSTOM_ID_MAX or parse_vote(custom_id) != (vote, entry_id):
        return None
    return custom_id


def more_custom_id(entry_id: str) -> str | None:
    custom_id = f"careerbot:more:{entry_id}"
    ok = len(custom_id) <= CUSTOM_ID_MAX and parse_more(custom_id) == entry_id
    return custom_id if ok else None


def parse_ask(custom_id: str) -> tuple[str, int | None] | None:
    m = _ASK_RE.fullmatch(custom_id)
    if not m:
        return None
    return m["entry_id"], int(m["owner"], 36) if m["owner"] else None


def parse_related(custom_id: str) -> str | None:
    m = _RELATED_RE.fullmatch(custom_id)
    return m["entry_id"] if m else None


def parse_vote(custom_id: str) -> tuple[str, str] | None:
    m = _VOTE_RE.fullmatch(custom_id)
    return (m["vote"], m["entry_id"]) if m else None


def parse_more(custom_id: str) -> str | None:
    m = _MORE_RE.fullmatch(custom_id)
    return m["entry_id"] if m else None


# --------------------------------------------------------------------------- the handler
class Handler(Protocol):
    """What a click needs from the bot: the reply pipeline (bot/pipeline.py)."""

    async def pick(self, interaction: Interaction, entry_id: str, owner: int | None) -> None: ...

    async def related(self, interaction: Interaction, entry_id: str) -> None: ...

    async def vote(self, interaction: Interaction, vote: str, entry_id: str) -> None: ...

    async def more(self, interaction: Interaction, entry_id: str) -> None: ...


class _HasPipeline(Protocol):
    @property
    def pipeline(self) -> Handler: ...


def _handler(interaction: Interaction) -> Handler:
    return cast(_HasPipeline, interaction.client).pipeline


def _label(item: discord.ui.Item[Any], default: str) -> str:
    return getattr(item, "label", None) or default


# --------------------------------------------------------------------------- buttons
class AskButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=ASK_TEMPLATE):
    """A did-you-mean choice. The asker's pick turns the message into the answer; anyone
    else's pick is answered privately."""

    def __init__(self, entry_id: str, label: str = "Ask", owner: int | None = None) -> None:
        custom_id = ask_custom_id(entry_id, owner)
        if custom_id is None:
            raise ValueError(f"entry id cannot be a custom_id: {entry_id!r}")
        super().__init__(
            discord.ui.Button(
                label=wording.button_label(label),
                style=discord.ButtonStyle.secondary,
                custom_id=custom_id,
            )
        )
        self.entry_id = entry_id
        self.owner = owner if custom_id.count(":") == 3 else None

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> AskButton:
        owner = int(match["owner"], 36) if match["owner"] else None
        return cls(match["entry_id"], _label(item, "Ask"), owner)

    async def callback(self, interaction: Interaction) -> None:
        await _handler(interaction).pick(interaction, self.entry_id, self.owner)


class RelatedButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=RELATED_TEMPLATE):
    """A related question under an answer: answered privately to whoever clicks it."""

    def __init__(self, entry_id: str, label: str = "Related") -> None:
        custom_id = related_custom_id(entry_id)
        if custom_id is None:
            raise ValueError(f"entry id cannot be a custom_id: {entry_id!r}")
        super().__init__(
            discord.ui.Button(
                label=wording.button_label(label),
                style=discord.ButtonStyle.secondary,
                custom_id=custom_id,
                row=1,
            )
        )
        self.entry_id = entry_id

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RelatedButton:
        return cls(match["entry_id"], _label(item, "Related"))

    async def callback(self, interaction: Interaction) -> None:
        await _handler(interaction).related(interaction, self.entry_id)


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
                row=0,
            )
        )
        self.vote = vote
        self.entry_id = entry_id

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> VoteButton:
        return cls(match["vote"], match["entry_id"])

    async def callback(self, interaction: Interaction) -> None:
        await _handler(interaction).vote(interaction, self.vote, self.entry_id)


class MoreButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=MORE_TEMPLATE):
    """The details of a short answer, shown privately to whoever clicks."""

    def __init__(self, entry_id: str) -> None:
        custom_id = more_custom_id(entry_id)
        if custom_id is None:
            raise ValueError(f"entry id cannot be a custom_id: {entry_id!r}")
        super().__init__(
            discord.ui.Button(
                label=wording.MORE_LABEL,
                style=discord.ButtonStyle.primary,
                custom_id=custom_id,
                row=0,
            )
        )
        self.entry_id = entry_id

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> MoreButton:
        return cls(match["entry_id"])

    async def callback(self, interaction: Interaction) -> None:
        await _handler(interaction).more(interaction, self.entry_id)


DYNAMIC_ITEMS: Final = (AskButton, RelatedButton, VoteButton, MoreButton)
"""Registered once by the app (``bot.add_dynamic_items(*DYNAMIC_ITEMS)``)."""


# --------------------------------------------------------------------------- views
def build_view(
    answer: Answer, *, owner: int | None = None, more: bool = False, votes: bool = True
) -> discord.ui.View | None:
    """Did-you-mean buttons for an unsure answer; for an answer 👍/👎 (``votes``), "More"
    (``more``: details exist) and its related questions."""
    view = discord.ui.View(timeout=None)
    if answer.outcome is Outcome.UNSURE:
        for s in answer.suggestions[:SUGGESTIONS_SHOWN]:
            if ask_custom_id(s.entry_id):
                view.add_item(AskButton(s.entry_id, s.question, owner))
    elif answer.outcome is Outcome.ANSWER and answer.entry_id:
        if votes:
            for vote in ("up", "down"):
                if vote_custom_id(vote, answer.entry_id):
                    view.add_item(VoteButton(vote, answer.entry_id))
        if more and more_custom_id(answer.entry_id):
            view.add_item(MoreButton(answer.entry_id))
        shown = {answer.entry_id}
        for r in answer.related:
            if len(shown) > RELATED_SHOWN:
                break
            if related_custom_id(r.entry_id) and r.entry_id not in shown:
                shown.add(r.entry_id)
                view.add_item(RelatedButton(r.entry_id, wording.RELATED_PREFIX + r.question))
    return view if view.children else None
