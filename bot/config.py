"""Settings: ``config.yaml`` + ``CAREERBOT_<KEY>`` environment overrides, validated.

The token only ever comes from the ``DISCORD_TOKEN`` environment variable and is a
``SecretStr``: it never shows in a repr, a log line or an error message.
Nothing here is built at import time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EngineConfig(_Section):
    answer_threshold: float = Field(default=0.70, ge=0, le=1)
    unsure_threshold: float = Field(default=0.45, ge=0, le=1)


class CooldownConfig(_Section):
    rate: int = Field(default=5, ge=1, description="Questions a member may ask per window.")
    per_seconds: float = Field(default=30.0, gt=0)


class MessageContentConfig(_Section):
    enabled: bool = False
    channel_ids: list[int] = Field(default_factory=list)


class Settings(_Section):
    knowledge_path: Path = Path("knowledge")
    database_path: Path = Path("data/careerbot.sqlite3")
    heartbeat_path: Path = Path("data/heartbeat")
    default_career: str = "customer-service-representative"
    engine: EngineConfig = Field(default_factory=EngineConfig)
    cooldown: CooldownConfig = Field(default_factory=CooldownConfig)
    moderator_role_ids: list[int] = Field(default_factory=list)
    owner_ids: list[int] = Field(default_factory=list)
    watch_knowledge: bool = False
    sync_on_start_guild: int | None = None
    message_content: MessageContentConfig = Field(default_factory=MessageContentConfig)
    ping_asker: bool = False
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    shard_count: int | Literal["auto"] = 1
    shard_ids: list[int] | None = None
    token: SecretStr | None = Field(default=None, exclude=True, repr=False)
