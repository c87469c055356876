"""Every sentence the Discord layer says to members and moderators, in one place. Pure.

The engine writes its own answers (and its decline reasons); everything the bot adds around
them — refusals, notices, help, button labels — is worded here, so a change of tone or a
translation is one file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from bot.render import clip

# ---------------------------------------------------------------------------------- errors
NOT_MODERATOR: Final = (
    "Only moderators (Manage Server or a moderator role) can use this command. "
    "Moderators by role: a server admin must first allow your role under Server Settings → "
    "Integrations → careerbot → /kb (Discord shows /kb only to Manage Server by default)."
)
NOT_OWNER: Final = "Only the bot's owner can use this command."
NO_PRIVATE_MESSAGE: Final = "This command only works in a server."
CANT_USE_HERE: Final = "You can't use this command here."
SOMETHING_WENT_WRONG: Final = (
    "Sorry, something went wrong while answering. The moderators can see the details."
)
NO_TEXT_TO_ANSWER: Final = "That message has no text I can answer."
EMPTY_MENTION: Final = "Ask me a career question, e.g. *How much do CSRs earn?* — or see `/help`."
ENTRY_GONE: Final = "That question is no longer in the knowledge — try `/ask`."
VOTE_ENTRY_GONE: Final = (
    "That answer is no longer in the knowledge, so the vote was not counted — try `/ask`."
)
VOTE_SAVED: Final = "Thanks for the feedback!"
VOTE_ALREADY: Final = "Your vote is already counted — thanks!"
VOTE_FAILED: Final = "Sorry, I couldn't save your vote — please try again later."
NO_MORE: Final = "That's everything I have on this — there are no more details."
MENU_ANSWERED: Final = "Answered ✅"
GUILD_ID_NOT_A_NUMBER: Final = "guild_id must be a number."
NO_GAPS: Final = "No unanswered questions yet."


def on_cooldown(retry_after: float, what: str = "questions") -> str:
    return f"You're asking {what} quickly — please try again in {max(retry_after, 1):.0f} s."


def slow_down(retry_after: float) -> str:
    return f"Slow down a little — try again in {max(retry_after, 1):.0f} s."


def unknown_career(text: str | None, career_names: Sequence[str]) -> str:
    names = ", ".join(career_names) or "none yet"
    return clip(
        f"I don't know a career called “{clip(text or '', 80)}”. "
        f"I know: {names}. Pick one from the suggestions.",
        2000,
    )


def unknown_level(text: str, levels: Sequence[str]) -> str:
    return clip(
        f"“{clip(text, 40)}” is not a career level. Choose one of: {', '.join(levels)}.", 2000
    )


def same_career(name: str) -> str:
    return f"Both are {name} — it is the same career. Pick two different careers to compare."


def no_topic_data(what: str, career: str, with_data: Sequence[str]) -> str:
    """Lead line of a quick fact that has nothing for this career (sent privately)."""
    line = f"The sources have no {what} for {career} yet."
    if with_data:
        line += f" Try one of: {', '.join(with_data)}."
    return line


def no_entry(entry_id: str) -> str:
    return f"No entry `{clip(entry_id, 100)}` — pick one from the suggestions."


def synced(count: int, where: str) -> str:
    return f"Synced {count} commands to {where}."


# ---------------------------------------------------------------------------------- buttons
MORE_LABEL: Final = "More"
RELATED_PREFIX: Final = "↪ "


def button_label(question: str) -> str:
    """Discord button labels hold at most 80 characters."""
    return clip(question, 80)


def choice_text(text: str) -> str:
    """Autocomplete choice names and values hold at most 100 characters."""
    return clip(text, 100)


# ---------------------------------------------------------------------------------- help
HELP_TITLE: Final = "careerbot help"
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


def help_footer(career_names: Sequence[str]) -> str:
    return clip(f"Careers: {', '.join(career_names)}", 2048)
