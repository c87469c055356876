"""The one reply pipeline: every question and quick fact goes cooldown → engine → render →
log → send, whatever it came from (``/ask``, an @mention, a DM, the "Ask careerbot" menu, a
did-you-mean pick, a related question, a quick-fact command).

Where a reply goes is a ``Source`` (bot/sources.py): it knows how to send publicly or
privately there. What is public is decided here, once:

- an answer is public, with 👍/👎, "More" when there are details, and its related questions;
- a decline, a small-talk reply, and a quick fact with no data are private where Discord
  allows it (interactions) and never carry votes;
- a did-you-mean is public where the question was (so the asker sees it), and its buttons
  carry who asked: the asker's pick turns that message into the answer (one message per
  question in the channel, no stale buttons), anyone else's pick is answered privately.

This module never imports the app or a cog: the bot is reached through the ``Host`` protocol.
"""

from __future__ import annotations

import dataclasses
import io
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Protocol

import discord

from bot import render, ui, wording
from bot.cooldown import LRU, Cooldown
from bot.engine.answer import Answer, Outcome
from bot.errors import OnCooldown, error_message
from bot.sources import ButtonSource, Reply, Source
from bot.store import QuestionRecord, Store, Vote

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.engine import Engine

log = logging.getLogger("bot.pipeline")

Interaction = discord.Interaction[Any]
ANSWER_CACHE_SIZE: Final = 1024
"""Distinct question texts whose prepared reply is kept (popular questions repeat)."""
CACHED_QUESTION_MAX: Final = 300
"""Longer questions (mentions, DMs) are answered but not kept in the answer cache."""
EMBEDS_PER_MESSAGE: Final = 10
MORE_MESSAGES: Final = 5
"""Private messages "More" sends at most (its pages are a few in practice)."""
QUESTIONS: Final = "questions"
Chart = Callable[[Answer], Awaitable[tuple[bytes, str] | None]]
"""Draws an image for an answer: (PNG bytes, file name), or None."""
FACTS: Final = "quick facts"


class Host(Protocol):
    """What the pipeline needs from the bot (bot.app.CareerBot has it)."""

    @property
    def engine(self) -> Engine: ...

    @property
    def store(self) -> Store: ...

    settings: Settings


@dataclass(frozen=True, slots=True)
class Prepared:
    """One question's answer, computed once (kept for repeated questions)."""

    answer: Answer
    normalised: str


def is_public(answer: Answer) -> bool:
    """Answers and did-you-means are shown where asked; the rest only to the asker."""
    return answer.outcome in (Outcome.ANSWER, Outcome.UNSURE)


def more_embeds(answer: Answer) -> list[dict[str, Any]]:
    """The details beyond the short default reply (presentation's pages)."""
    return render.more_embeds(answer)


def _embed(answer: Answer) -> dict[str, Any]:
    """render.to_embed, also for an outcome presentation has no colour for yet (small talk)."""
    try:
        return render.to_embed(answer)
    except KeyError:
        return render.to_embed(dataclasses.replace(answer, outcome=Outcome.ANSWER))


def pack_embeds(embeds: Sequence[dict[str, Any]]) -> list[list[discord.Embed]]:
    """The pages as messages: each at most 10 embeds and 6,000 characters in all."""
    messages: list[list[discord.Embed]] = []
    total = 0
    for data in embeds:
        size = render.embed_size(data)
        full = bool(messages) and len(messages[-1]) >= EMBEDS_PER_MESSAGE
        if not messages or full or total + size > render.EMBED_TOTAL_MAX:
            messages.append([])
            total = 0
        messages[-1].append(discord.Embed.from_dict(data))
        total += size
    return messages


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


class Pipeline:
    """The bot's replies. Built by the app; ``clear()`` whenever the engine is replaced."""

    def __init__(self, host: Host) -> None:
        self.host = host
        cfg = host.settings.cooldown
        self.cooldowns: dict[str, Cooldown] = {
            QUESTIONS: Cooldown(cfg.rate, cfg.per_seconds),
            FACTS: Cooldown(cfg.facts_rate, cfg.facts_per_seconds),
        }
        self.answers: LRU[str, Prepared] = LRU(ANSWER_CACHE_SIZE)
        """Prepared answers by raw question text, for the current engine only."""
        self.entry_replies: LRU[str, tuple[tuple[object, ...], Reply]] = LRU(ANSWER_CACHE_SIZE)
        """Rendered public replies by entry id, for the current engine only."""
        self.unsure_asked: LRU[tuple[int, tuple[str, ...]], tuple[str, str]] = LRU(
            ANSWER_CACHE_SIZE
        )
        """(asker, suggested ids) -> (question, normalised) of recent did-you-means, so a pick
        is stored with the question it answers (the gaps report shows what members picked)."""

    def clear(self) -> None:
        """Nothing prepared by the previous engine may be served after a swap."""
        self.answers.clear()
        self.entry_replies.clear()

    # ------------------------------------------------------------------ cooldown
    def wait(self, bucket: str, user_id: int) -> float:
        """0.0 if the user may go on now (and counts it), else seconds to wait."""
        return self.cooldowns[bucket].hit(user_id, time.monotonic())

    def should_notify(self, bucket: str, user_id: int) -> bool:
        return self.cooldowns[bucket].should_notify(user_id, time.monotonic())

    async def _cooled(self, source: Source, bucket: str) -> bool:
        """True if the source may be answered; otherwise it was told (at most once a window)."""
        wait = self.wait(bucket, source.user_id)
        if not wait:
            return True
        if source.always_told or self.should_notify(bucket, source.user_id):
            await source.notice(error_message(OnCooldown(wait, bucket)))
        return False

    # ------------------------------------------------------------------ engine
    def prepare(self, question: str) -> Prepared:
        """The engine's answer to ``question``, from the cache or asked once and kept."""
        hit = self.answers.get(question)
        if hit is not None:
            return hit
        engine = self.host.engine
        prepared = Prepared(engine.ask(question), engine.normalise(question))
        if len(question) <= CACHED_QUESTION_MAX:
            self.answers.put(question, prepared)
        return prepared

    # ------------------------------------------------------------------ render
    def reply_for(self, answer: Answer, *, owner: int | None = None, votes: bool = True) -> Reply:
        """The message for ``answer``. Public answers are built once per entry and shared:
        their view holds nothing but persistent DynamicItems, so discord.py keeps nothing
        per message (ephemeral and did-you-mean replies are built fresh)."""
        public = is_public(answer)
        owner = owner if answer.outcome is Outcome.UNSURE else None
        shareable = answer.outcome is Outcome.ANSWER and answer.entry_id and votes
        shown = _shown(answer)
        if shareable and answer.entry_id:
            hit = self.entry_replies.get(answer.entry_id)
            if hit is not None and hit[0] == shown:
                return hit[1]
        view = None
        more = answer.outcome is Outcome.ANSWER and bool(more_embeds(answer))
        if answer.outcome in (Outcome.ANSWER, Outcome.UNSURE):
            view = ui.build_view(answer, owner=owner, more=more, votes=votes)
        embed = discord.Embed.from_dict(_embed(answer))
        reply = Reply(answer, embed, view, public, owner=owner, more=more, votes=votes)
        if shareable and answer.entry_id:
            self.entry_replies.put(answer.entry_id, (shown, reply))
        return reply

    # ------------------------------------------------------------------ log
    async def log(
        self,
        source: Source,
        answer: Answer,
        started: float,
        question: str,
        normalised: str | None = None,
    ) -> None:
        """Log (no question text at INFO) and store one answer, before the reply is sent.

        Awaited before sending, so every answer a member saw is in the question log even if
        the process is killed right after. A store failure is logged; the member still gets
        the answer."""
        latency_ms = (time.perf_counter() - started) * 1000
        outcome = str(answer.outcome)
        if log.isEnabledFor(logging.INFO):
            log.info(
                "question via=%s outcome=%s entry=%s score=%.3f latency_ms=%.1f",
                source.via,
                outcome,
                answer.entry_id,
                answer.confidence,
                latency_ms,
            )
        store = self.host.store
        text = question or (answer.title if answer.entry_id else "")
        if normalised is None:
            normalised = self.host.engine.normalise(text) if text else ""
        record = QuestionRecord(
            text=text,
            normalised=normalised,
            outcome=outcome,
            entry_id=answer.entry_id,
            score=answer.confidence,
            latency_ms=latency_ms,
            guild_id=source.guild_id,
            channel_id=source.channel_id,
            user_hash=store.hash_user(source.user_id),
            via=source.via,
        )
        try:
            await store.log_question(record)
        except Exception:
            log.exception("could not store a question")

    # ------------------------------------------------------------------ entry points
    async def respond(self, source: Source, question: str) -> None:
        """A question in the member's words: cooldown → engine → render → log → send."""
        if not await self._cooled(source, QUESTIONS):
            return
        started = time.perf_counter()
        p = self.prepare(question)
        if source.passive and p.answer.outcome is not Outcome.ANSWER:
            return  # overheard chat the bot cannot answer: stay quiet, keep gaps clean
        await self.log(source, p.answer, started, question, p.normalised)
        if p.answer.outcome is Outcome.UNSURE:
            shown = tuple(sorted(s.entry_id for s in p.answer.suggestions[: ui.SUGGESTIONS_SHOWN]))
            self.unsure_asked.put((source.user_id, shown), (question, p.normalised))
        await source.send(self.reply_for(p.answer, owner=source.user_id))

    async def respond_entry(self, source: Source, entry_id: str) -> None:
        """A picked suggestion or related question: cooldown → engine → render → log → send."""
        if not await self._cooled(source, QUESTIONS):
            return
        started = time.perf_counter()
        answer = self.host.engine.answer_entry(entry_id)
        if answer is None:
            await source.notice(wording.ENTRY_GONE)
            return
        await self.log(source, answer, started, "")
        await source.send(self.reply_for(answer))

    async def quick_fact(
        self,
        source: Source,
        build: Callable[[], Answer],
        *,
        has_data: bool = True,
        lead: str | None = None,
        votes: bool = True,
        chart: Chart | None = None,
    ) -> None:
        """A quick fact: cooldown → fact builder → render → log → send.

        A fact with no data for the career is sent privately, without votes, worded by
        ``lead`` (the line saying so and which careers have it); a fact with data is an
        answer like any other. ``chart`` draws an image for it (after a defer: drawing takes
        a moment)."""
        if not await self._cooled(source, FACTS):
            return
        started = time.perf_counter()
        answer = build()
        if not has_data and lead:
            # The builder can only say it has nothing; the lead says so and what has data.
            answer = dataclasses.replace(answer, body=lead)
        reply = self.reply_for(answer, votes=votes and has_data)
        if not has_data:
            reply = dataclasses.replace(reply, public=False)
        if chart is not None:
            await source.defer(reply.public)
            drawn = await chart(answer)
            if drawn is not None:
                png, filename = drawn
                embed = discord.Embed.from_dict(reply.embed.to_dict())  # the shared one stays
                embed.set_image(url=f"attachment://{filename}")
                file = discord.File(io.BytesIO(png), filename=filename)
                reply = dataclasses.replace(reply, embed=embed, file=file)
        await self.log(source, answer, started, "")
        await source.send(reply)

    # ------------------------------------------------------------------ buttons (ui.Handler)
    async def pick(self, interaction: Interaction, entry_id: str, owner: int | None) -> None:
        """A did-you-mean pick: the asker's turns the message into the answer."""
        mine = owner is not None and owner == interaction.user.id
        await self._record_pick(interaction, entry_id, owner)
        await self.respond_entry(ButtonSource(interaction, "button", edit=mine), entry_id)

    async def _record_pick(
        self, interaction: Interaction, entry_id: str, owner: int | None
    ) -> None:
        """Store which suggestion was picked for which question (when the bot still knows
        the question: picks on did-you-means from before a restart are only answered)."""
        message = interaction.message
        if message is None or owner is None:
            return
        ids = [
            parsed[0]
            for row in message.components
            for child in getattr(row, "children", ())
            if (parsed := ui.parse_ask(getattr(child, "custom_id", None) or ""))
        ]
        asked = self.unsure_asked.get((owner, tuple(sorted(ids))))
        if asked is None:
            return
        store = self.host.store
        try:
            await store.record_pick(store.hash_user(interaction.user.id), *asked, entry_id)
        except Exception:
            log.exception("could not store a pick")

    async def related(self, interaction: Interaction, entry_id: str) -> None:
        await self.respond_entry(ButtonSource(interaction, "related", edit=False), entry_id)

    async def vote(self, interaction: Interaction, vote: str, entry_id: str) -> None:
        """👍/👎: stored only for an entry the knowledge still has."""
        engine, store = self.host.engine, self.host.store
        if engine.answer_entry(entry_id) is None:
            log.info("vote refused: entry %s is gone", entry_id)
            await interaction.response.send_message(wording.VOTE_ENTRY_GONE, ephemeral=True)
            return
        message_id = interaction.message.id if interaction.message else 0
        try:
            changed = await store.record_vote(
                message_id, store.hash_user(interaction.user.id), entry_id, Vote(vote)
            )
        except Exception:
            log.exception("could not store a vote")
            await interaction.response.send_message(wording.VOTE_FAILED, ephemeral=True)
            return
        log.info("vote %s entry=%s new=%s", vote, entry_id, changed)
        text = wording.VOTE_SAVED if changed else wording.VOTE_ALREADY
        await interaction.response.send_message(text, ephemeral=True)

    async def more(self, interaction: Interaction, entry_id: str) -> None:
        """The details of an answer, privately (no cooldown: nothing new is asked)."""
        answer = self.host.engine.answer_entry(entry_id)
        if answer is None:
            await interaction.response.send_message(wording.ENTRY_GONE, ephemeral=True)
            return
        messages = pack_embeds(more_embeds(answer))
        if not messages:
            await interaction.response.send_message(wording.NO_MORE, ephemeral=True)
            return
        await interaction.response.send_message(embeds=messages[0], ephemeral=True)
        for rest in messages[1:MORE_MESSAGES]:
            await interaction.followup.send(embeds=rest, ephemeral=True)
