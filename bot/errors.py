"""Errors the Discord layer raises and turns into one friendly line (never a traceback).

Commands raise these; the command tree's ``on_error`` (bot/app.py) logs them and sends
``error_message(error)`` ephemerally. Buttons answer their own errors the same way.
"""

from __future__ import annotations

from discord import app_commands

from bot import wording


class NotModerator(app_commands.CheckFailure):
    """The member has neither Manage Server nor a moderator role."""


class NotOwner(app_commands.CheckFailure):
    """Only the bot's owner(s) may do this."""


class OnCooldown(app_commands.CheckFailure):
    """The member asked too often in the bucket's window."""

    def __init__(self, retry_after: float, bucket: str = "questions") -> None:
        super().__init__(f"retry after {retry_after:.0f}s")
        self.retry_after = retry_after
        self.bucket = bucket


class BadInput(app_commands.AppCommandError):
    """An option value the bot cannot use; ``text`` says so in one line."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def error_message(error: BaseException) -> str:
    """The friendly text a member sees for a failed command (never a traceback)."""
    if isinstance(error, app_commands.CommandInvokeError) and isinstance(error.original, BadInput):
        error = error.original
    if isinstance(error, BadInput):
        return error.text
    if isinstance(error, NotModerator):
        return wording.NOT_MODERATOR
    if isinstance(error, NotOwner):
        return wording.NOT_OWNER
    if isinstance(error, OnCooldown):
        return wording.on_cooldown(error.retry_after, error.bucket)
    if isinstance(error, app_commands.CommandOnCooldown):
        return wording.slow_down(error.retry_after)
    if isinstance(error, app_commands.NoPrivateMessage):
        return wording.NO_PRIVATE_MESSAGE
    if isinstance(error, app_commands.CheckFailure):
        return wording.CANT_USE_HERE
    return wording.SOMETHING_WENT_WRONG


def is_expected(error: BaseException) -> bool:
    """A refusal or bad input (logged at INFO), not a bug (logged with its traceback)."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    return isinstance(error, (app_commands.CheckFailure, BadInput, app_commands.TransformerError))
