"""Answer -> what people read: Discord embeds (a short default and "More" pages), plain
text, the salary chart. The only code that knows Discord's limits (``limits``). Pure: no
discord import (the Discord layer turns the dicts into embeds).
"""

from __future__ import annotations

from bot.render.embed import COLOURS, chunks, embed_size, more_embeds, to_embed
from bot.render.limits import (
    DEFAULT_FIELDS,
    DEFAULT_MAX,
    DESCRIPTION_MAX,
    EMBED_TOTAL_MAX,
    FIELD_NAME_MAX,
    FIELD_VALUE_MAX,
    FIELDS_MAX,
    FOOTER_MAX,
    MESSAGE_MAX,
    PAGE_MAX,
    TITLE_MAX,
    clip,
)
from bot.render.text import to_message, to_text

__all__ = [
    "COLOURS",
    "DEFAULT_FIELDS",
    "DEFAULT_MAX",
    "DESCRIPTION_MAX",
    "EMBED_TOTAL_MAX",
    "FIELDS_MAX",
    "FIELD_NAME_MAX",
    "FIELD_VALUE_MAX",
    "FOOTER_MAX",
    "MESSAGE_MAX",
    "PAGE_MAX",
    "TITLE_MAX",
    "chunks",
    "clip",
    "embed_size",
    "more_embeds",
    "to_embed",
    "to_message",
    "to_text",
]
