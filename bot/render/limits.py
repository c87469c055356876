"""Discord's limits, and the one ``clip``: the only place that knows them.

https://discord.com/developers/docs/resources/message#embed-object-embed-limits
"""

from __future__ import annotations

from typing import Final

TITLE_MAX: Final = 256
DESCRIPTION_MAX: Final = 4096
FIELDS_MAX: Final = 25
FIELD_NAME_MAX: Final = 256
FIELD_VALUE_MAX: Final = 1024
FOOTER_MAX: Final = 2048
EMBED_TOTAL_MAX: Final = 6000
MESSAGE_MAX: Final = 2000

DEFAULT_MAX: Final = 1200
"""The default reply to any question or quick fact: a short answer, the rest behind "More"."""
DEFAULT_FIELDS: Final = 6
LEAD_MAX: Final = 700
"""The answer's own text in the default reply; longer text continues on the first More page."""
DEFAULT_FOOTER_MAX: Final = 400
"""Sources in the default reply; when they need more, the full list is on the More pages."""
PAGE_MAX: Final = EMBED_TOTAL_MAX - 100
"""One More page: Discord's total with room to spare."""

ELLIPSIS: Final = "…"


def clip(text: str, limit: int) -> str:
    """``text`` shortened to at most ``limit`` characters, ending in "…" when cut.

    Cuts at the last space in the final fifth when there is one, so words stay whole.
    """
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    if limit == 1:
        return ELLIPSIS
    head = text[: limit - 1]
    space = head.rfind(" ")
    if space >= (limit - 1) * 4 // 5:
        head = head[:space]
    return head.rstrip() + ELLIPSIS
