"""Run careerbot from ``./config.yaml`` without the CLI (fallback while ``python -m bot run`` is
missing): ``python -m tests.e2e.run_careerbot``. Token from ``DISCORD_TOKEN``."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import yaml
from bot.app import start_bot
from pydantic import SecretStr

from bot.config import Settings


def main() -> None:
    data = yaml.safe_load(Path("config.yaml").read_text()) or {}
    settings = Settings.model_validate({**data, "token": SecretStr(os.environ["DISCORD_TOKEN"])})
    asyncio.run(start_bot(settings))


if __name__ == "__main__":
    main()
