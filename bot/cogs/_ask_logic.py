"""Pure decisions behind the cogs (no discord import), so they are tested without a client."""

from __future__ import annotations

import re
from collections import OrderedDict, deque
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final, Generic, TypeVar

from bot.render import clip

CUSTOM_ID_MAX: Final = 100
ASK_TEMPLATE: Final = r"careerbot:ask:(?P<entry_id>[a-z0-9.-]+)"
VOTE_TEMPLATE: Final = r"careerbot:vote:(?P<vote>up|down):(?P<entry_id>[a-z0-9.-]+)"
_ASK_RE: Final = re.compile(ASK_TEMPLATE)
_VOTE_RE: Final = re.compile(VOTE_TEMPLATE)


def ask_custom_id(entry_id: str) -> str | None:
    """custom_id of a did-you-mean button, or None if the id cannot be carried safely."""
    custom_id = f"careerbot:ask:{entry_id}"
    if len(custom_id) > CUSTOM_ID_MAX or parse_ask(custom_id) != entry_id:
        return None
    return custom_id


def vote_custom_id(vote: str, entry_id: str) -> str | None:
    custom_id = f"careerbot:vote:{vote}:{entry_id}"
    if len(custom_id) > CUSTOM_ID_MAX or parse_vote(custom_id) != (vote, entry_id):
        return None
    return custom_id


def parse_ask(custom_id: str) -> str | None:
    m = _ASK_RE.fullmatch(custom_id)
    return m["entry_id"] if m else None


def parse_vote(custom_id: str) -> tuple[str, str] | None:
    m = _VOTE_RE.fullmatch(custom_id)
    return (m["vote"], m["entry_id"]) if m else None


def strip_mention(content: str, bot_id: int) -> str | None:
    """The question in a message that mentions the bot, or None if it does not mention it.

    Removes every ``<@id>``/``<@!id>`` of the bot; an empty remainder is returned as "".
    """
    pattern = re.compile(rf"<@!?{bot_id}>")
    if not pattern.search(content):
        return None
    return " ".join(pattern.sub(" ", content).split())


def addressed(
    content: str,
    bot_id: int,
    *,
    is_dm: bool,
    channel_id: int,
    passive_channel_ids: Iterable[int] = (),
) -> tuple[str, str] | None:
    """(question, via) if a message is for the bot, else None.

    via is "mention" (the bot is mentioned; the mention is removed), "dm" (any DM), or
    "passive" (any message in a configured channel when the message-content intent is on).
    """
    stripped = strip_mention(content, bot_id)
    if stripped is not None:
        return stripped, "mention"
    if is_dm:
        return content.strip(), "dm"
    if channel_id in set(passive_channel_ids):
        return content.strip(), "passive"
    return None


@dataclass
class Cooldown:
    """Sliding-window limiter: at most ``rate`` hits per ``per_seconds`` for each key.

    ``hit`` returns 0.0 when allowed (and counts the hit) or the seconds to wait.
    ``should_notify`` says whether a refused key should be told (once per window).
    """

    rate: int
    per_seconds: float
    _hits: dict[int, deque[float]] = field(default_factory=dict, repr=False)
    _notified: dict[int, float] = field(default_factory=dict, repr=False)

    def hit(self, key: int, now: float) -> float:
        window = self._hits.setdefault(key, deque())
        while window and window[0] <= now - self.per_seconds:
            window.popleft()
        if len(window) >= self.rate:
            return window[0] + self.per_seconds - now
        window.append(now)
        self._notified.pop(key, None)
        if len(self._hits) > 10_000:
            self._prune(now)
        return 0.0

    def should_notify(self, key: int, now: float) -> bool:
        last = self._notified.get(key)
        if last is not None and now - last < self.per_seconds:
            return False
        self._notified[key] = now
        return True

    def _prune(self, now: float) -> None:
        """Forget users whose whole window has expired (keeps memory bounded)."""
        stale = [k for k, w in self._hits.items() if not w or w[-1] <= now - self.per_seconds]
        for k in stale:
            del self._hits[k]
            self._notified.pop(k, None)


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LRU(Generic[K, V]):
    """A small least-recently-used map (``maxsize`` 0 keeps nothing). Counts hits and misses.

    Popular questions repeat in real servers: the bot keeps their prepared replies here and
    clears it whenever the engine is replaced, so an entry never outlives its knowledge.
    """

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is None:
            self.misses += 1
            return None
        self._items.move_to_end(key)
        self.hits += 1
        return value

    def put(self, key: K, value: V) -> None:
        if self.maxsize <= 0:
            return
        self._items[key] = value
        self._items.move_to_end(key)
        if len(self._items) > self.maxsize:
            self._items.popitem(last=False)

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


def is_moderator(
    manage_guild: bool, role_ids: Iterable[int], moderator_role_ids: Sequence[int]
) -> bool:
    """Manage Server permission, or any role configured as a moderator role."""
    return manage_guild or not set(moderator_role_ids).isdisjoint(role_ids)


def fit_lines(lines: Sequence[str], limit: int, more: str = "… and {n} more") -> str:
    """Join as many whole lines as fit in ``limit`` chars, then say how many were left out."""
    out: list[str] = []
    size = 0
    for i, line in enumerate(lines):
        if len(line) > limit // 2:
            line = line[: limit // 2 - 1] + "…"
        last = i == len(lines) - 1
        reserve = 0 if last else len(more.format(n=len(lines) - i - 1)) + 1
        if size + len(line) + reserve > limit:
            out.append(more.format(n=len(lines) - i))
            break
        out.append(line)
        size += len(line) + 1
    return "\n".join(out)[:limit]


def describe_counts(before: dict[str, int], after: dict[str, int]) -> str:
    """'entries 40 → 42 (+2), careers 8' : what a reload changed."""
    parts = []
    for key, new in after.items():
        old = before.get(key, 0)
        if old == new:
            parts.append(f"{key} {new}")
        else:
            parts.append(f"{key} {old} → {new} ({new - old:+d})")
    return ", ".join(parts)


def button_label(question: str) -> str:
    """Discord button labels hold at most 80 characters."""
    return clip(question, 80)


def choice_text(text: str) -> str:
    """Autocomplete choice names and values hold at most 100 characters."""
    return clip(text, 100)


def decline_text(career_names: Sequence[str]) -> str:
    """What the bot says when a question is outside what it knows."""
    careers = ", ".join(career_names[:8]) or "customer service careers"
    return (
        "I can only answer questions about these careers: "
        f"{careers} — pay, career path, skills, certifications, outlook and education.\n"
        "Try `/help` to see everything I can do."
    )


HELP_TEXT: Final = (
    "**Ask me anything about these careers**\n"
    "`/ask question` — ask in your own words (suggestions appear as you type)\n"
    "Mention me with a question, send me a DM, or use *Apps → Ask careerbot* on a message.\n\n"
    "**Quick facts** (career is optional, autocompleted)\n"
    "`/salary [level] [career]` — pay ranges by level, with a chart\n"
    "`/path` · `/skills` · `/certs` · `/outlook` · `/education` `[career]`\n"
    "`/career name` — a career's profile · `/compare a b` — two careers side by side\n"
    "`/sources` — the documents every answer is based on\n\n"
    "Rate answers with 👍/👎 so the moderators can improve them."
)
