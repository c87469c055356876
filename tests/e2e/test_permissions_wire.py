"""/kb permissions on the wire, as if a server admin had overridden Discord's default-permission
hint so that anyone can invoke the commands: the bot's own checks are all that stands.

Refused: an ephemeral notice as the only reply, and the command did nothing. Allowed: Manage
Server (from the interaction's ``permissions`` field) or a moderator role from config; ``sync``
only for an owner.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.e2e.fake_discord import (
    EPHEMERAL,
    KIND_CALLBACK,
    MANAGE_GUILD,
    PLAIN_MEMBER_PERMISSIONS,
    FakeDiscord,
    FakeUser,
    Recorded,
    Sent,
)
from tests.e2e.test_careerbot import (
    KNOWLEDGE,
    careerbot_running,
    careerbot_settings,
    final,
    visible_text,
)

pytestmark = pytest.mark.e2e

ENTRY_ID = "csr-salary-median"
SUBCOMMANDS: dict[str, dict[str, Any]] = {
    "reload": {},
    "check": {},
    "stats": {},
    "gaps": {},
    "entry": {"id": ENTRY_ID},
    "sync": {},
}
MARKER = "ZQXPERMS reloaded"
PAY = Path("careers") / "customer-service-representative" / "qa" / "pay.yaml"


@pytest.fixture
async def bot(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[tuple[Any, str]]:
    """The bot on a copy of the knowledge whose first pay answer is edited (not yet loaded)."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    async with careerbot_running(fake, careerbot_settings(tmp_path, knowledge)) as running:
        text = (knowledge / PAY).read_text()
        data = yaml.safe_load(text)
        data["entries"][0]["answer"] += f" {MARKER}"
        (knowledge / PAY).write_text(
            text.splitlines()[0] + "\n" + yaml.safe_dump(data, sort_keys=False)
        )
        yield running, str(data["entries"][0]["question"])


def replies_to(fake: FakeDiscord, inter: Sent) -> list[Recorded]:
    return [
        r for r in fake.bot_messages() if r.interaction_id == inter.id or r.token == inter.token
    ]


def command_syncs(fake: FakeDiscord) -> int:
    return sum(1 for r in fake.requests if r.method == "PUT" and r.path.endswith("/commands"))


async def assert_refused(fake: FakeDiscord, inter: Sent, wording: str) -> None:
    """The only reply is an ephemeral notice (checked again after a later command settled)."""
    cb = await fake.response(inter, within=10)
    assert cb.kind == KIND_CALLBACK and cb.body["type"] == 4, cb.body
    assert int(cb.data.get("flags", 0) or 0) & EPHEMERAL, cb.data
    assert wording in visible_text(cb), visible_text(cb)
    later = await fake.slash("kb stats", user=fake.moderator)
    await final(fake, later, within=10)
    assert replies_to(fake, inter) == [cb], "a refused command sent more than its notice"


async def ask(fake: FakeDiscord, question: str) -> str:
    inter = await fake.slash("ask", {"question": question})
    return visible_text(await final(fake, inter, within=15))


PLAIN = FakeUser(1_400_000_000_000_000_011, "plain")
MANAGER = FakeUser(
    1_400_000_000_000_000_012, "manager", permissions=PLAIN_MEMBER_PERMISSIONS | MANAGE_GUILD
)


@pytest.mark.parametrize("sub", list(SUBCOMMANDS))
async def test_member_without_rights_is_refused_and_nothing_happens(
    fake: FakeDiscord, bot: tuple[Any, str], sub: str
) -> None:
    _, question = bot
    syncs = command_syncs(fake)
    inter = await fake.slash(
        f"kb {sub}", SUBCOMMANDS[sub], user=PLAIN, member_permissions=PLAIN_MEMBER_PERMISSIONS
    )
    await assert_refused(fake, inter, "owner" if sub == "sync" else "Only moderators")
    assert command_syncs(fake) == syncs
    assert MARKER not in await ask(fake, question)


@pytest.mark.parametrize("who", ["moderator-role", "manage-server"])
@pytest.mark.parametrize("sub", [s for s in SUBCOMMANDS if s != "sync"])
async def test_moderators_may_use_kb(
    fake: FakeDiscord, bot: tuple[Any, str], sub: str, who: str
) -> None:
    _, question = bot
    user = fake.moderator if who == "moderator-role" else MANAGER
    inter = await fake.slash(f"kb {sub}", SUBCOMMANDS[sub], user=user)
    text = visible_text(await final(fake, inter, within=30))
    assert "Only moderators" not in text and "can't use" not in text, text
    if sub == "reload":
        assert text.startswith("✅"), text
        assert MARKER in await ask(fake, question)
    if sub == "entry":
        assert ENTRY_ID in text


@pytest.mark.parametrize("who", ["moderator-role", "manage-server"])
async def test_sync_is_owner_only(fake: FakeDiscord, bot: tuple[Any, str], who: str) -> None:
    user = fake.moderator if who == "moderator-role" else MANAGER
    syncs = command_syncs(fake)
    inter = await fake.slash("kb sync", user=user)
    await assert_refused(fake, inter, "owner")
    assert command_syncs(fake) == syncs


async def test_owner_may_sync(fake: FakeDiscord, bot: tuple[Any, str]) -> None:
    syncs = command_syncs(fake)
    inter = await fake.slash("kb sync", user=fake.owner)
    text = visible_text(await final(fake, inter, within=15))
    assert text.startswith("Synced"), text
    assert command_syncs(fake) == syncs + 1


@pytest.mark.parametrize("who", ["plain", "moderator-role", "manage-server"])
async def test_entry_autocomplete_lists_ids_only_to_moderators(
    fake: FakeDiscord, bot: tuple[Any, str], who: str
) -> None:
    """Autocomplete skips command checks in discord.py: the callback itself must check."""
    user = {"plain": PLAIN, "moderator-role": fake.moderator, "manage-server": MANAGER}[who]
    inter = await fake.autocomplete("kb entry", {"id": ENTRY_ID[:10]}, focused="id", user=user)
    cb = await fake.response(inter, within=10)
    assert cb.body["type"] == 8
    choices = cb.data.get("choices") or []
    if who == "plain":
        assert choices == []
    else:
        assert ENTRY_ID in [c["value"] for c in choices]
