"""Per-member cooldown buckets and the small LRU the reply pipeline keeps answers in. Pure."""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar


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
