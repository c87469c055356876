"""``UnavailableStore``: the ``Store`` used when the question log cannot be opened.

Members keep getting answers; questions are counted (and the count logged), not stored;
``stats``/``gaps``/``record_vote`` raise ``StoreUnavailable`` with one sentence moderators can
read. The reason itself (which file, what to do) was logged once when the open failed.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable

from bot.store import (
    Gap,
    QuestionRecord,
    Stats,
    Store,
    StoreUnavailable,
    Teaching,
    Vote,
    salted_hash,
)

log = logging.getLogger("bot.store")


def _should_log(n: int) -> bool:
    """1, 10, 100, … then every 1,000: a count that grows in the log without flooding it."""
    return n % 1000 == 0 or (n < 1000 and str(n).rstrip("0") == "1")


class UnavailableStore:
    def __init__(self, problem: str) -> None:
        self.problem = problem
        self.dropped = 0
        """Questions asked while the log was unavailable (not stored)."""
        self.picks_dropped = 0
        """Did-you-mean picks not stored (counted in the closing log line)."""
        self._salt = secrets.token_hex(16)  # hashes are never stored: any salt will do

    def sentence(self) -> str:
        return (
            f"The question log is unavailable (it {self.problem}), so there are no stats or "
            "gaps to show; members still get answers. The bot's log names the file and what "
            "to do."
        )

    def hash_user(self, user_id: int) -> str:
        return salted_hash(self._salt, user_id)

    async def log_question(self, record: QuestionRecord) -> None:
        self.dropped += 1
        if _should_log(self.dropped):
            log.warning("question log unavailable: %d question(s) not stored so far", self.dropped)

    async def record_vote(self, message_id: int, user_hash: str, entry_id: str, vote: Vote) -> bool:
        raise StoreUnavailable(self.sentence(), problem=self.problem)

    async def record_pick(
        self, user_hash: str, question: str, normalised: str, entry_id: str
    ) -> None:
        """Like a question: runs while a member is being answered, so counted, never raised."""
        self.picks_dropped += 1

    async def record_teaching(self, teaching: Teaching) -> int:
        raise StoreUnavailable(self.sentence(), problem=self.problem)

    async def teachings(self, limit: int = 20) -> list[Teaching]:
        raise StoreUnavailable(self.sentence(), problem=self.problem)

    async def teaching(self, teaching_id: int) -> Teaching | None:
        raise StoreUnavailable(self.sentence(), problem=self.problem)

    async def mark_undone(self, teaching_id: int) -> bool:
        raise StoreUnavailable(self.sentence(), problem=self.problem)

    async def stats(self, limit: int = 10) -> Stats:
        raise StoreUnavailable(self.sentence(), problem=self.problem)

    async def gaps(self, limit: int = 20) -> list[Gap]:
        raise StoreUnavailable(self.sentence(), problem=self.problem)

    async def close(self) -> None:
        if self.dropped or self.picks_dropped:
            log.warning(
                "question log unavailable: %d question(s) and %d pick(s) were not stored",
                self.dropped,
                self.picks_dropped,
            )


async def open_or_unavailable(opening: Awaitable[Store]) -> Store:
    """The store ``opening`` opens (e.g. ``factory.open_store(settings)``), or an
    ``UnavailableStore`` when it raises ``StoreUnavailable``; then logs one error line
    naming the file and what to do (no traceback)."""
    try:
        return await opening
    except StoreUnavailable as exc:
        log.error(
            "questions will NOT be logged (answers are not affected): %s; then restart the bot",
            exc,
        )
        return UnavailableStore(exc.problem)
