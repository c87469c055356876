"""compose.yaml (bot + PostgreSQL), read as compose would: no Docker engine is needed to check
that the services' environment makes settings the bot accepts, and that no secret is written."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from bot.config import load_settings

COMPOSE = Path(__file__).resolve().parents[1] / "compose.yaml"
VARIABLE = re.compile(r"\$\{(\w+)(?::\?[^}]*)?\}")
ENVIRONMENT = {"DISCORD_TOKEN": "token-from-env", "POSTGRES_PASSWORD": "pw-from-env"}


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return data


def substituted(value: str) -> str:
    """``${NAME:?message}`` -> the value compose would take from the environment."""
    return VARIABLE.sub(lambda m: ENVIRONMENT[m.group(1)], value)


def bot_services() -> dict[str, dict[str, Any]]:
    return {k: v for k, v in compose()["services"].items() if k != "postgres"}


def test_secrets_come_only_from_the_environment() -> None:
    for name, service in compose()["services"].items():
        for key, value in service.get("environment", {}).items():
            if "TOKEN" in key or "PASSWORD" in key or key.endswith("DATABASE_URL"):
                variables = VARIABLE.findall(str(value))
                assert variables, f"{name}: {key} is written in compose.yaml"
                assert ":?" in str(value), f"{name}: {key} must fail when the variable is unset"


def test_postgres_keeps_its_data_in_a_named_volume_and_has_a_healthcheck() -> None:
    data = compose()
    pg = data["services"]["postgres"]
    volume = pg["volumes"][0].split(":")[0]
    assert volume in data["volumes"]
    assert "pg_isready" in " ".join(pg["healthcheck"]["test"])


@pytest.mark.parametrize("name", sorted(bot_services()))
def test_every_bot_service_starts_with_settings_the_bot_accepts(name: str) -> None:
    data = compose()
    service = bot_services()[name]
    assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert service["healthcheck"]["test"] == ["CMD", "python", "-m", "bot", "health"]
    env = {k: substituted(str(v)) for k, v in service["environment"].items()}
    settings = load_settings(None, env)
    assert settings.token is not None and settings.token.get_secret_value() == "token-from-env"
    assert settings.database_url is not None
    url = urlsplit(settings.database_url.get_secret_value())
    pg_env = data["services"]["postgres"]["environment"]
    assert (url.hostname, url.port, url.path) == ("postgres", 5432, f"/{pg_env['POSTGRES_DB']}")
    assert (url.username, url.password) == (pg_env["POSTGRES_USER"], "pw-from-env")
    if name.startswith("bot-shard-"):
        assert settings.shard_count == 2
        assert settings.shard_ids == [int(name.rsplit("-", 1)[1])]


def test_the_shards_cover_every_shard_once() -> None:
    shards = [
        int(s["environment"]["CAREERBOT_SHARD_IDS"])
        for s in bot_services().values()
        if "CAREERBOT_SHARD_IDS" in s.get("environment", {})
    ]
    assert sorted(shards) == [0, 1]
