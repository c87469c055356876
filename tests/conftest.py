"""Fixtures shared by every test folder."""

from __future__ import annotations

import warnings

import pytest

with warnings.catch_warnings():
    # discord.py imports the stdlib audioop (deprecated since 3.11) for voice: import it once
    # with that warning silenced, so filterwarnings = error still applies to our code.
    warnings.simplefilter("ignore", DeprecationWarning)
    import discord  # noqa: F401

import os
from collections.abc import Iterator

from bot.engine import Engine, EngineSettings
from bot.engine.trained import user_cache_dir
from bot.knowledge.loader import load_knowledge
from tests.paths import KNOWLEDGE
from tests.pg_server import pg_url, postgres_server  # noqa: F401 - fixtures for every folder


@pytest.fixture(scope="session", autouse=True)
def engine_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One trained-model cache for the whole run, shared with the bot and CLI subprocesses
    the tests start ($XDG_CACHE_HOME: the CLIs' default; e2e bots get it as their
    engine.cache_dir), so the shipped knowledge is trained once per run, not per process."""
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old


@pytest.fixture(scope="session", autouse=True)
def shipped_engine(engine_cache: None) -> Engine:
    """The engine on the knowledge this repository ships (built once per run, first: its
    trained model is then in the shared cache for every process a test starts)."""
    return Engine(load_knowledge(KNOWLEDGE), EngineSettings(cache_dir=user_cache_dir()))


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
