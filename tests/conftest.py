"""Fixtures shared by every test folder."""

from __future__ import annotations

import warnings

import pytest

with warnings.catch_warnings():
    # discord.py imports the stdlib audioop (deprecated since 3.11) for voice: import it once
    # with that warning silenced, so filterwarnings = error still applies to our code.
    warnings.simplefilter("ignore", DeprecationWarning)
    import discord  # noqa: F401

from bot.engine import Engine
from bot.knowledge.loader import load_knowledge
from tests.paths import KNOWLEDGE
from tests.pg_server import pg_url, postgres_server  # noqa: F401 - fixtures for every folder


@pytest.fixture(scope="session")
def shipped_engine() -> Engine:
    """The engine on the knowledge this repository ships (built once per run)."""
    return Engine(load_knowledge(KNOWLEDGE))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say at the end of every run (``-q`` included) when the seed documents are missing:
    the figure checks then skip, and a green run has not checked the figures."""
    from tests.paths import ROOT, SEEDS

    if SEEDS is None:
        terminalreporter.write_line(
            "careerbot: figure checks SKIPPED: no shared/seeds folder found beside or above "
            f"{ROOT} (expected ../shared/seeds); see README, 'Tests and benchmarks'",
            yellow=True,
            bold=True,
        )
