"""Settings loading: one-line errors with file lines, env overrides, the token only from env."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from bot.config import ConfigError, Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "config.example.yaml"
TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0Mw.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_file_or_env() -> None:
    settings = load_settings(None, {})
    assert settings == Settings()
    assert settings.token is None


def test_unknown_key_names_key_path_and_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "default_career: teller\nengine:\n  answer_threshold: 0.8\n\n  answer_treshold: 0.9\n",
    )
    with pytest.raises(ConfigError) as info:
        load_settings(path, {})
    message = str(info.value)
    assert (
        message == f"{path}:5: engine.answer_treshold: unknown key; did you mean answer_threshold?"
    )


def test_wrong_type_names_key_path_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "# comment\nengine:\n  answer_threshold: 0.7\n  unsure_threshold: 7\n")
    with pytest.raises(ConfigError) as info:
        load_settings(path, {})
    assert str(info.value) == (
        f"{path}:4: engine.unsure_threshold: Input should be less than or equal to 1"
    )


def test_wrong_type_in_a_list_item(tmp_path: Path) -> None:
    path = write(tmp_path, "owner_ids:\n  - 123\n  - not-a-number\n")
    with pytest.raises(ConfigError, match=r"config\.yaml:3: owner_ids\[1\]: Input should be"):
        load_settings(path, {})


def test_union_error_is_still_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, "log_level: INFO\nshard_count: four\n")
    with pytest.raises(ConfigError) as info:
        load_settings(path, {})
    message = str(info.value)
    assert message.startswith(f"{path}:2: shard_count: ")
    assert "'auto'" in message
    assert "\n" not in message


def test_yaml_syntax_error_has_a_line(tmp_path: Path) -> None:
    path = write(tmp_path, "engine:\n  answer_threshold: [0.7\nlog_level: INFO\n")
    with pytest.raises(ConfigError) as info:
        load_settings(path, {})
    # The knowledge reader's wording (its hints may change); the line is where it started or
    # where the parser noticed.
    assert re.match(rf"^{re.escape(str(path))}:[23]: \S", str(info.value))
    assert "\n" not in str(info.value)


def test_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.yaml", {})


def test_env_overrides_file(tmp_path: Path) -> None:
    path = write(tmp_path, "engine:\n  answer_threshold: 0.6\nlog_level: WARNING\nowner_ids: [1]\n")
    env = {
        "CAREERBOT_ENGINE__ANSWER_THRESHOLD": "0.8",
        "CAREERBOT_LOG_LEVEL": "debug",
        "CAREERBOT_OWNER_IDS": "7, 8",
        "CAREERBOT_MODERATOR_ROLE_IDS": "[11, 12]",
        "CAREERBOT_SHARD_COUNT": "auto",
        "CAREERBOT_MESSAGE_CONTENT__ENABLED": "true",
        "CAREERBOT_DATABASE_PATH": "/data/careerbot.sqlite3",
        "CAREERBOT_CONFIG": str(path),  # names the file, not a setting
        "UNRELATED": "x",
    }
    settings = load_settings(path, env)
    assert settings.engine.answer_threshold == 0.8
    assert settings.engine.unsure_threshold is None  # untouched sibling keeps its default
    assert settings.log_level == "DEBUG"
    assert settings.owner_ids == [7, 8]
    assert settings.moderator_role_ids == [11, 12]
    assert settings.shard_count == "auto"
    assert settings.message_content.enabled is True
    assert settings.database_path == Path("/data/careerbot.sqlite3")


def test_bad_env_value_names_the_variable() -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(None, {"CAREERBOT_ENGINE__ANSWER_THRESHOLD": "1.5"})
    assert str(info.value) == (
        "CAREERBOT_ENGINE__ANSWER_THRESHOLD: engine.answer_threshold: "
        "Input should be less than or equal to 1"
    )


def test_unknown_env_setting_is_an_error() -> None:
    with pytest.raises(ConfigError, match=r"CAREERBOT_ENGINE__ANSWER_TRESHOLD: .*no such setting"):
        load_settings(None, {"CAREERBOT_ENGINE__ANSWER_TRESHOLD": "0.5"})


def test_token_only_from_env_and_never_shown(tmp_path: Path) -> None:
    settings = load_settings(None, {"DISCORD_TOKEN": TOKEN})
    assert settings.token is not None
    assert settings.token.get_secret_value() == TOKEN
    for shown in (repr(settings), str(settings), settings.model_dump(), settings.model_dump_json()):
        assert TOKEN not in str(shown)
        assert "token" not in str(shown)

    path = write(tmp_path, f"log_level: INFO\ntoken: {TOKEN}\n")
    with pytest.raises(ConfigError) as info:
        load_settings(path, {"DISCORD_TOKEN": TOKEN})
    message = str(info.value)
    assert message.startswith(f"{path}:2: token: ")
    assert "DISCORD_TOKEN" in message
    assert TOKEN not in message
    with pytest.raises(ConfigError, match="DISCORD_TOKEN"):
        load_settings(None, {"CAREERBOT_TOKEN": TOKEN})


def _leaf_fields(model: type[BaseModel], prefix: str = "") -> list[str]:
    out: list[str] = []
    for name, info in model.model_fields.items():
        if info.exclude:
            continue
        ann = info.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            out += _leaf_fields(ann, f"{prefix}{name}.")
        else:
            out.append(prefix + name)
    return out


def _documented_keys(text: str) -> dict[str, int]:
    """Dotted keys set in the example -> the key's line."""
    keys: dict[str, int] = {}
    stack: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        m = re.match(r"^(\s*)([a-z_]+):(?:\s|$)", raw)
        if not m:
            continue
        indent = len(m.group(1))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, m.group(2)))
        keys[".".join(k for _, k in stack)] = number
    return keys


def test_example_file_loads_and_documents_every_field() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert load_settings(EXAMPLE, {}) is not None
    # The example's active values are the defaults, so copying it changes nothing by surprise.
    assert load_settings(EXAMPLE, {}) == Settings()
    lines = text.splitlines()
    documented = _documented_keys(text)
    for key in _leaf_fields(Settings):
        assert key in documented, f"config.example.yaml does not document {key}"
        line = documented[key]
        # a comment directly above the key (its documentation)
        assert lines[line - 2].strip().startswith("#"), f"{key} has no comment above it"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "engine:\n  answer_threshold: 0.5\n  unsure_threshold: 0.6\n",
            ":3: engine.unsure_threshold: 0.6 must not be above engine.answer_threshold (0.5)",
        ),
        ("shard_count: auto\nshard_ids: [0, 1]\n", ":2: shard_ids: needs a numeric shard_count"),
        (
            "shard_count: 2\n\nshard_ids: [1, 2]\n",
            ":3: shard_ids: 2 is not a shard of shard_count 2",
        ),
        ("shard_count: 0\n", ":1: shard_count: must be at least 1"),
    ],
)
def test_settings_that_contradict_each_other(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_settings(path, {})
    assert str(info.value).startswith(f"{path}{expected}")


def test_cross_check_error_names_the_variable_that_caused_it(tmp_path: Path) -> None:
    path = write(tmp_path, "shard_count: 4\nshard_ids: [0, 1]\n")
    assert load_settings(path, {}).shard_ids == [0, 1]
    with pytest.raises(ConfigError, match=r"^CAREERBOT_SHARD_IDS: shard_ids: 7 is not a shard"):
        load_settings(path, {"CAREERBOT_SHARD_IDS": "0,7"})


# -- hostile or broken files: the knowledge's bounded reader -----------------------------------
LAUGHS = "\n".join(
    ["a0: &a0 [lol]"] + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
)
"""Ten lines, 10**9 values once expanded ("billion laughs"); read naively it ran to 6.4 GB."""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (LAUGHS, r":\d+: file expands to more than 50,000 values"),
        ("a: &a [*a]\n", r":1: file expands to more than 50,000 values or 50 levels"),
        ("engine: " + "[" * 10_000 + "]" * 10_000 + "\n", r":1: .*(nested|deep|levels)"),
        ("".join(f"{'  ' * i}k{i}:\n" for i in range(200)), r":\d+: .*(nested|deep|levels)"),
        ("log_level: INFO\nlog_level: DEBUG\n", r":2: duplicate key 'log_level'"),
    ],
    ids=["billion-laughs", "recursive-alias", "deep-flow", "deep-block", "duplicate-key"],
)
def test_hostile_yaml_is_one_bounded_error(tmp_path: Path, text: str, expected: str) -> None:
    """Alias bombs, recursive aliases and deep nesting used to expand without bound or raise
    RecursionError; now the same bounded reader as the knowledge stops them with one line."""
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_settings(path, {})
    message = str(info.value)
    assert re.match(rf"^{re.escape(str(path))}{expected}", message), message
    assert "\n" not in message


def test_non_utf8_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_bytes(b"log_level: INFO\ndefault_career: caf\xe9\n")
    with pytest.raises(ConfigError) as info:
        load_settings(path, {})
    assert str(info.value).startswith(f"{path}:2: not valid UTF-8 (byte 0xe9)")


def test_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    import os
    import threading

    fifo = tmp_path / "config.yaml"
    os.mkfifo(fifo)

    opened = threading.Event()

    def writer() -> None:  # would let a reader that opens the FIFO finish (the old behaviour)
        with fifo.open("w", encoding="utf-8") as fh:
            opened.set()  # a reader opened the FIFO
            fh.write("log_level: INFO\n")

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        with pytest.raises(ConfigError, match=rf"^{re.escape(str(fifo))}: not a regular file"):
            load_settings(fifo, {})
        # Not opened at all (the comment-only check opened it before looking, and closing it
        # broke the writer's pipe at random). Only a reader can set the event, so this wait
        # cannot fail when nothing opens the FIFO, however slow the machine.
        assert not opened.wait(0.2)
    finally:
        fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # release the writer either way
        thread.join()
        os.close(fd)


@pytest.mark.parametrize(
    "text", ["", "\n\n", "# nothing set yet\n\n  # indented comment\n", "---\n"]
)
def test_empty_or_comment_only_file_means_defaults(tmp_path: Path, text: str) -> None:
    assert load_settings(write(tmp_path, text), {}) == Settings()


# -- naming the right key ---------------------------------------------------------------------
def test_misspelled_keys_suggest_the_right_one(tmp_path: Path) -> None:
    path = write(tmp_path, "defualt_career: teller\n")
    with pytest.raises(ConfigError) as info:
        load_settings(path, {})
    assert str(info.value) == f"{path}:1: defualt_career: unknown key; did you mean default_career?"
    path = write(tmp_path, "colour: blue\n")
    with pytest.raises(ConfigError, match=r":1: colour: unknown key; config.example.yaml lists"):
        load_settings(path, {})
    with pytest.raises(ConfigError) as info:
        load_settings(None, {"CAREERBOT_ENGNE__ANSWER_TRESHOLD": "0.5"})
    assert str(info.value) == (
        "CAREERBOT_ENGNE__ANSWER_TRESHOLD: engne.answer_treshold: no such setting; "
        "did you mean CAREERBOT_ENGINE__ANSWER_THRESHOLD?"
    )


def test_env_value_out_of_range_names_the_variable() -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(None, {"CAREERBOT_ENGINE__ANSWER_THRESHOLD": "2"})
    assert str(info.value).startswith(
        "CAREERBOT_ENGINE__ANSWER_THRESHOLD: engine.answer_threshold: "
    )


def test_lowered_answer_threshold_names_unsure_threshold(tmp_path: Path) -> None:
    """Both thresholds are optional overrides of the fitted ones: answer_threshold alone is
    valid (the unsure threshold then never exceeds it); both written, unsure above answer, the
    error names unsure_threshold and points at the line that made it wrong."""
    path = write(tmp_path, "log_level: INFO\nengine:\n  answer_threshold: 0.3\n")
    assert load_settings(path, {}).engine.answer_threshold == 0.3
    path = write(tmp_path, "engine:\n  answer_threshold: 0.3\n  unsure_threshold: 0.45\n")
    with pytest.raises(ConfigError) as info:
        load_settings(path, {})
    assert str(info.value) == (
        f"{path}:3: engine.unsure_threshold: 0.45 must not be above engine.answer_threshold (0.3)"
    )


def test_configured_default_career_must_exist_in_the_knowledge(tmp_path: Path) -> None:
    from bot.config import build_engine, check_default_career

    path = write(
        tmp_path, f"knowledge_path: {ROOT / 'knowledge'}\ndefault_career: no-such-career\n"
    )
    settings = load_settings(path, {})
    with pytest.raises(ConfigError) as info:
        build_engine(settings)
    message = str(info.value)
    assert message.startswith(f"{path}:2: default_career: no career 'no-such-career' ")
    assert "known careers: " in message and "teller" in message and "\n" not in message

    env = {"CAREERBOT_DEFAULT_CAREER": "tellr"}
    with pytest.raises(ConfigError) as info:
        check_default_career(load_settings(None, env), {"teller", "receptionist"})
    assert str(info.value).startswith("CAREERBOT_DEFAULT_CAREER: default_career: no career 'tellr'")
    assert "did you mean teller?" in str(info.value)

    # Left at the built-in value it is no error: the engine falls back to a career it has.
    check_default_career(load_settings(None, {}), {"teller"})
    assert build_engine(load_settings(path, {"CAREERBOT_DEFAULT_CAREER": "teller"})) is not None
