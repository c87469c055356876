"""Settings: ``config.yaml`` + ``CAREERBOT_<KEY>`` environment overrides, validated.

The token only ever comes from the ``DISCORD_TOKEN`` environment variable and is a
``SecretStr``: it never shows in a repr, a log line or an error message.
Nothing here is built at import time.
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic.fields import FieldInfo

from bot.config_file import ConfigError as ConfigError
from bot.config_file import KeyPath as KeyPath
from bot.config_file import closest, read_config_file, suggest_path, unknown_key

if TYPE_CHECKING:
    from bot.engine import Engine, EngineSettings


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EngineConfig(_Section):
    answer_threshold: float | None = Field(
        default=None, ge=0, le=1, description="Override of the answer threshold (None: fitted)."
    )
    unsure_threshold: float | None = Field(
        default=None, ge=0, le=1, description="Override of the unsure threshold (None: fitted)."
    )
    matcher: Literal["legacy", "learned"] = "learned"
    model_path: Path | None = Field(
        default=None, description="A LOCAL embedding model folder; nothing is downloaded."
    )
    cache_dir: Path | None = Field(
        default=None,
        description="Trained-model cache; None: a 'cache' folder beside database_path.",
    )


class CooldownConfig(_Section):
    """Two buckets per member: questions (the engine ranks them) and quick facts (/salary,
    /skills… are cheap lookups people fire in a row), so browsing facts never blocks asking."""

    rate: int = Field(default=8, ge=1, description="Questions a member may ask per window.")
    per_seconds: float = Field(default=30.0, gt=0)
    facts_rate: int = Field(default=20, ge=1, description="Quick facts per member per window.")
    facts_per_seconds: float = Field(default=30.0, gt=0)


class MessageContentConfig(_Section):
    enabled: bool = False
    channel_ids: list[int] = Field(default_factory=list)


class Settings(_Section):
    knowledge_path: Path = Path("knowledge")
    database_path: Path = Path("data/careerbot.sqlite3")
    database_url: SecretStr | None = Field(
        default=None,
        description="postgresql://user:password@host:port/db: the question log on PostgreSQL, "
        "shared by every process (else SQLite at database_path). A secret: never shown.",
    )
    question_log_wait_ms: int = Field(
        default=250, ge=0, le=2000, description="Longest a reply waits for its log write."
    )
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
    _origins: dict[tuple[str | int, ...], str] = PrivateAttr(default_factory=dict)

    def __eq__(self, other: object) -> bool:
        """Equal values are equal settings, wherever they were written."""
        if not isinstance(other, Settings):
            return NotImplemented
        return self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]  # lists inside: never hashable anyway

    def origin(self, *key: str | int) -> str | None:
        """Where a setting was given: ``config.yaml:3``, ``CAREERBOT_DEFAULT_CAREER``, or
        None for a built-in default (errors found after loading point there too)."""
        return self._origins.get(key)

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, url: SecretStr | None) -> SecretStr | None:
        if url is not None and not url.get_secret_value().startswith(
            ("postgresql://", "postgres://")
        ):
            raise ValueError("must be a postgresql://user:password@host:port/database URL")
        return url


# --------------------------------------------------------------------------------------------
# Loading: file + environment -> Settings, with one-line errors that say where the problem is.
# --------------------------------------------------------------------------------------------

ENV_PREFIX = "CAREERBOT_"
TOKEN_ENV = "DISCORD_TOKEN"  # noqa: S105 - a variable name, not a secret
CONFIG_ENV = "CAREERBOT_CONFIG"
DEFAULT_CONFIG = Path("config.yaml")
# CAREERBOT_* variables that are not settings (config path, test switches).
_NOT_SETTINGS = frozenset({"CONFIG", "SOAK", "UPDATE_README", "REQUIRE_POSTGRES"})


def config_path(cli_path: Path | None, environ: Mapping[str, str]) -> Path | None:
    """The file to read: ``--config``, else ``$CAREERBOT_CONFIG``, else ``config.yaml`` if any."""
    if cli_path is not None:
        return cli_path
    if environ.get(CONFIG_ENV):
        return Path(environ[CONFIG_ENV])
    return DEFAULT_CONFIG if DEFAULT_CONFIG.is_file() else None


def format_key(path: KeyPath) -> str:
    """``("engine", "answer_threshold")`` -> ``engine.answer_threshold``; list items as ``[i]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out or "(top level)"


def _field_for(path: Sequence[str]) -> FieldInfo | None:
    """The pydantic field a key path names, or None if there is no such setting."""
    model: type[BaseModel] = Settings
    info: FieldInfo | None = None
    for i, part in enumerate(path):
        info = model.model_fields.get(part)
        if info is None:
            return None
        if i < len(path) - 1:
            ann = info.annotation
            if not (isinstance(ann, type) and issubclass(ann, BaseModel)):
                return None
            model = ann
    return info


def _is_list(info: FieldInfo) -> bool:
    ann = info.annotation
    if get_origin(ann) is list:
        return True
    return any(get_origin(arg) is list for arg in get_args(ann))


def _env_value(raw: str, info: FieldInfo) -> Any:
    """Environment text -> a value pydantic can validate: JSON, comma lists, empty = None."""
    text = raw.strip()
    if text.startswith(("[", "{")):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return raw
    if _is_list(info):
        return [item.strip() for item in text.split(",") if item.strip()]
    if text == "" and not info.is_required() and info.default is None:
        return None
    return raw


def _env_overrides(environ: Mapping[str, str]) -> dict[KeyPath, tuple[str, Any]]:
    """``CAREERBOT_ENGINE__ANSWER_THRESHOLD=0.8`` -> ``{("engine", "answer_threshold"): ...}``."""
    found: dict[KeyPath, tuple[str, Any]] = {}
    for name in sorted(environ):
        if not name.startswith(ENV_PREFIX) or name[len(ENV_PREFIX) :] in _NOT_SETTINGS:
            continue
        path = tuple(part.lower() for part in name[len(ENV_PREFIX) :].split("__"))
        if path == ("token",):
            raise ConfigError(f"{name}: the token is read only from {TOKEN_ENV}")
        info = _field_for(path)
        if info is None:
            close = suggest_path(Settings, path)
            hint = f"; did you mean {_env_name(close)}?" if close is not None else ""
            raise ConfigError(f"{name}: {format_key(path)}: no such setting{hint}")
        found[path] = (name, _env_value(environ[name], info))
    return found


def _env_name(path: KeyPath) -> str:
    return ENV_PREFIX + "__".join(str(part).upper() for part in path)


def _set(data: dict[str, Any], path: KeyPath, value: Any) -> None:
    node = data
    for part in path[:-1]:
        child = node.get(str(part))
        if not isinstance(child, dict):
            child = {}
            node[str(part)] = child
        node = child
    node[str(path[-1])] = value


def _where_of(
    loc: KeyPath,
    source: str | None,
    lines: dict[KeyPath, int],
    env: dict[KeyPath, tuple[str, Any]],
) -> tuple[str, KeyPath]:
    """Where an error at pydantic ``loc`` comes from: ``file:line`` or the variable's name."""
    # pydantic appends union-member tags ("int", "literal['auto']") to loc: keep the real keys.
    known = set(lines) | set(env)
    path = loc
    while path and path not in known and not any(k[: len(path)] == path for k in known):
        path = path[:-1]
    key = path or loc
    for n in range(len(key), 0, -1):
        if key[:n] in env:
            return env[key[:n]][0], key
    for n in range(len(key), 0, -1):
        if key[:n] in lines and source is not None:
            return f"{source}:{lines[key[:n]]}", key
    return source or "settings", key


def load_settings(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Read ``path`` (None: built-in defaults), apply ``CAREERBOT_*`` overrides, validate.

    The token comes only from ``DISCORD_TOKEN``. Raises :class:`ConfigError` with a one-line
    message such as ``config.yaml:7: engine.answer_threshold: Input should be ...``.
    """
    environ = os.environ if environ is None else environ
    data: dict[str, Any] = {}
    lines: dict[KeyPath, int] = {}
    source = str(path) if path is not None else None
    if path is not None:
        data, lines = read_config_file(path)
        if "token" in data:
            raise ConfigError(
                f"{source}:{lines[('token',)]}: token: never put the token in a file; "
                f"set the {TOKEN_ENV} environment variable"
            )
    env = _env_overrides(environ)
    for key, (_, value) in env.items():
        _set(data, key, value)
    if isinstance(data.get("log_level"), str):
        data["log_level"] = data["log_level"].upper()
    token = environ.get(TOKEN_ENV, "").strip()
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        where, key = _where_of(tuple(first["loc"]), source, lines, env)
        if first["type"] == "extra_forbidden":
            raise ConfigError(f"{where}: {format_key(key)}: {unknown_key(Settings, key)}") from None
        messages = [first["msg"]]
        for err in errors[1:]:  # the other members of a union, for the same key
            if _where_of(tuple(err["loc"]), source, lines, env)[1] == key:
                messages.append(err["msg"])
        raise ConfigError(f"{where}: {format_key(key)}: {' or '.join(messages)}") from None
    for key, message, anchor in _cross_checks(settings):
        # Point at the key when it was written, else at the setting that made it wrong
        # (a lowered answer_threshold under the default unsure_threshold).
        given = key in lines or key in env
        where, _ = _where_of(key if given or anchor is None else anchor, source, lines, env)
        raise ConfigError(f"{where}: {format_key(key)}: {message}")
    origins = {key: env[key][0] for key in env}
    if source is not None:
        origins.update({k: f"{source}:{n}" for k, n in lines.items() if k not in origins})
    settings._origins.update(origins)
    if token:
        if problem := _token_problem(token):
            # Never echo the token, not even a part of it: say only what is wrong with it.
            raise ConfigError(f"{TOKEN_ENV}: the token is malformed ({problem}); copy it again")
        settings = settings.model_copy(update={"token": SecretStr(token)})
    return settings


def _token_problem(token: str) -> str | None:
    """Why ``token`` cannot be a Discord token (printable ASCII, no spaces), or None.

    A line break in it otherwise surfaces as a ValueError traceback from the HTTP library."""
    if any(c in "\r\n" for c in token):
        return "it contains a line break"
    if any(c.isspace() for c in token):
        return "it contains a space"
    if not token.isascii() or not token.isprintable():
        return "it contains a character that is not printable ASCII"
    return None


def _cross_checks(settings: Settings) -> list[tuple[KeyPath, str, KeyPath | None]]:
    """Rules between settings that one field's type cannot express: (the key to name, the
    problem, the key to point at when the named one was left at its default)."""
    problems: list[tuple[KeyPath, str, KeyPath | None]] = []
    engine = settings.engine
    if (
        engine.unsure_threshold is not None
        and engine.answer_threshold is not None
        and engine.unsure_threshold > engine.answer_threshold
    ):
        problems.append(
            (
                ("engine", "unsure_threshold"),
                f"{engine.unsure_threshold:g} must not be above engine.answer_threshold "
                f"({engine.answer_threshold:g})",
                ("engine", "answer_threshold"),
            )
        )
    if settings.shard_ids is not None:
        if not isinstance(settings.shard_count, int):
            problems.append((("shard_ids",), "needs a numeric shard_count, not 'auto'", None))
        elif bad := [i for i in settings.shard_ids if not 0 <= i < settings.shard_count]:
            problems.append(
                (
                    ("shard_ids",),
                    f"{bad[0]} is not a shard of shard_count {settings.shard_count} "
                    f"(0 to {settings.shard_count - 1})",
                    None,
                )
            )
    if isinstance(settings.shard_count, int) and settings.shard_count < 1:
        problems.append((("shard_count",), "must be at least 1 (or 'auto')", None))
    return problems


def check_default_career(settings: Settings, careers: Collection[str]) -> None:
    """Raise :class:`ConfigError` if ``default_career`` was configured (file or environment)
    and the knowledge has no such career. Left at its built-in value, it is not an error:
    the engine then falls back to a career the folder has.
    """
    if "default_career" not in settings.model_fields_set or settings.default_career in careers:
        return
    where = settings.origin("default_career") or "settings"
    known = sorted(careers)
    close = closest(settings.default_career, known)
    hint = f"did you mean {close}? " if close is not None else ""
    shown = ", ".join(known[:12]) + (f", … ({len(known) - 12} more)" if len(known) > 12 else "")
    raise ConfigError(
        f"{where}: default_career: no career {settings.default_career!r} in the knowledge at "
        f"{settings.knowledge_path}; {hint}known careers: {shown or '(none)'}"
    )


def engine_settings(settings: Settings) -> EngineSettings:
    """The engine's options as configured."""
    from bot.engine import EngineSettings

    return EngineSettings(
        default_career=settings.default_career,
        answer_threshold=settings.engine.answer_threshold,
        unsure_threshold=settings.engine.unsure_threshold,
        matcher=settings.engine.matcher,
        model_path=settings.engine.model_path,
        cache_dir=settings.engine.cache_dir or settings.database_path.parent / "cache",
    )


def build_engine(settings: Settings) -> Engine:
    """Load and validate the configured knowledge, then build a complete engine: the same
    way for Discord and terminal mode (blocking: the bot runs it in a thread).

    Raises :class:`ConfigError` when a configured ``default_career`` is not in the knowledge
    (so ``/salary``, ``/path`` never fail later, and a reload that drops it is refused)."""
    from bot.engine import Engine
    from bot.knowledge.loader import load_knowledge

    kb = load_knowledge(settings.knowledge_path)
    check_default_career(settings, kb.careers)
    return Engine(kb, engine_settings(settings))
