"""A local fake of Discord's REST API and gateway, good enough to drive the real discord.py client.

The server listens on 127.0.0.1 (random port). REST lives under ``/api/v10``; the gateway is a
websocket at ``/gateway``. Every REST request is recorded (method, path, query, JSON body or
multipart ``payload_json`` plus the files' bytes, headers) so tests assert on exactly what the bot
sent over the wire. Tests drive the bot by dispatching gateway events (slash commands, autocomplete,
button clicks, context menus, messages) and wait for the bot's answers with
:meth:`FakeDiscord.response`, :meth:`FakeDiscord.followup` and :meth:`FakeDiscord.channel_message`.

Fault injection: :meth:`drop` (close the gateway with a code, 1006 = abort the TCP connection),
:meth:`reconnect_op` (op 7), :meth:`invalid_session` (op 9) and :meth:`fail_next` (the next N
requests of a kind answered with 429 + ``Via`` / 5xx / 404).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

log = logging.getLogger("fake_discord")

JSON = dict[str, Any]
RETRAIN_WITHIN = 120.0
"""Seconds to wait for a reply or log that follows a retrain of the shipped knowledge (a reload
or a teach trains the model cold: 10-20 s alone, more on a loaded 2-core CI machine). Only a
failure ever waits this long: it bounds a hang, it does not measure speed (bench/ does)."""

APP_ID = 1_100_000_000_000_000_001
GUILD_ID = 1_200_000_000_000_000_001
CHANNEL_ID = 1_300_000_000_000_000_001
DM_CHANNEL_ID = 1_300_000_000_000_000_099
OWNER_ID = 1_400_000_000_000_000_001
MEMBER_ID = 1_400_000_000_000_000_002
MODERATOR_ID = 1_400_000_000_000_000_003
MODERATOR_ROLE_ID = 1_500_000_000_000_000_001

#: Permission bits (as Discord sends them: a decimal string).
MANAGE_GUILD = 1 << 5
PLAIN_MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 31)
ALL_PERMISSIONS = (1 << 50) - 1
EPHEMERAL = 1 << 6

KIND_CALLBACK = "callback"
KIND_FOLLOWUP = "followup"
KIND_EDIT_ORIGINAL = "edit_original"
KIND_CHANNEL_MESSAGE = "channel_message"


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


def user_payload(user_id: int, name: str, *, bot: bool = False) -> JSON:
    """A Discord user object."""
    return {
        "id": str(user_id),
        "username": name,
        "global_name": name,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


@dataclass
class FileUpload:
    """One file of a multipart request."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class Recorded:
    """One REST request the client made, and what the fake answered."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any = None
    files: list[FileUpload] = field(default_factory=list)
    status: int = 200
    kind: str = "other"
    interaction_id: int | None = None
    token: str | None = None
    channel_id: int | None = None
    message: JSON | None = None
    at: float = field(default_factory=time.monotonic)

    @property
    def body(self) -> JSON:
        """The JSON body (for a multipart request: its ``payload_json``)."""
        return self.json if isinstance(self.json, dict) else {}

    @property
    def data(self) -> JSON:
        """The message data: ``body['data']`` for an interaction callback, else the body."""
        body = self.body
        if self.kind == KIND_CALLBACK:
            inner = body.get("data")
            return inner if isinstance(inner, dict) else {}
        return body


@dataclass
class Sent:
    """An interaction the fake dispatched to the bot."""

    id: int
    token: str
    payload: JSON
    sent_at: float


@dataclass
class Fault:
    status: int
    body: JSON
    headers: dict[str, str]


@dataclass
class Hold:
    """One request held by the fake until the test releases it (see ``FakeDiscord.hold_next``)."""

    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class FakeUser:
    """A guild member the fake knows about."""

    id: int
    name: str
    roles: list[int] = field(default_factory=list)
    permissions: int = PLAIN_MEMBER_PERMISSIONS

    def user(self) -> JSON:
        return user_payload(self.id, self.name)

    def member(self, *, with_user: bool = True, permissions: int | None = None) -> JSON:
        data: JSON = {
            "roles": [str(r) for r in self.roles],
            "joined_at": "2024-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "nick": None,
            "avatar": None,
        }
        if with_user:
            data["user"] = self.user()
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


class FakeDiscord:
    """The fake. ``async with FakeDiscord() as fake:`` starts and stops it."""

    def __init__(self, *, heartbeat_interval_ms: int = 41_250) -> None:
        self.bot_user = user_payload(APP_ID, "careerbot", bot=True)
        self.owner = FakeUser(OWNER_ID, "owner", permissions=ALL_PERMISSIONS)
        self.member = FakeUser(MEMBER_ID, "asker")
        self.moderator = FakeUser(MODERATOR_ID, "moderator", roles=[MODERATOR_ROLE_ID])
        self.users: dict[int, FakeUser] = {
            u.id: u for u in (self.owner, self.member, self.moderator)
        }
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.requests: list[Recorded] = []
        self.unhandled: list[Recorded] = []
        self.gateway_received: list[JSON] = []
        self.identify_count = 0
        self.resume_count = 0
        self.heartbeat_count = 0
        self.commands: dict[int | None, list[JSON]] = {}
        self.messages: dict[int, JSON] = {}
        self.interactions: dict[int, Sent] = {}
        self._by_token: dict[str, int] = {}
        self._faults: dict[str, list[Fault]] = {}
        self._holds: list[Hold] = []
        self._ids = itertools.count(1_600_000_000_000_000_001)
        self._seq = 0
        self._session_id: str | None = None
        self._ws: web.WebSocketResponse | None = None
        self._ws_request: web.Request | None = None
        self._ws_tasks: set[asyncio.Task[None]] = set()
        self._ready = asyncio.Event()
        self._changed = asyncio.Condition()
        self._waiters: list[tuple[Callable[[Recorded], bool], asyncio.Future[Recorded]]] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        sockets = getattr(server, "sockets", None)
        assert sockets
        self.port = sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._ws is not None and not self._ws.closed:
            await self._ws.close(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def next_id(self) -> int:
        return next(self._ids)

    # ------------------------------------------------------------------ waiting
    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(
        self, predicate: Callable[[Recorded], bool], *, within: float = 5.0, start: int = 0
    ) -> Recorded:
        """The first recorded request from index ``start`` on that matches ``predicate``.

        Waiters get a future resolved as each request is recorded (no broadcast wake-ups), so the
        fake stays cheap with hundreds of concurrent waiters (the bench)."""
        for rec in self.requests[start:]:
            if predicate(rec):
                return rec
        future: asyncio.Future[Recorded] = asyncio.get_running_loop().create_future()
        waiter = (predicate, future)
        self._waiters.append(waiter)
        try:
            return await asyncio.wait_for(future, within)
        finally:
            with contextlib.suppress(ValueError):
                self._waiters.remove(waiter)

    def _record(self, rec: Recorded) -> None:
        self.requests.append(rec)
        for predicate, future in list(self._waiters):
            if not future.done() and predicate(rec):
                future.set_result(rec)

    async def wait_ready(self, within: float = 10.0) -> None:
        """Until the client identified and got READY + every GUILD_CREATE."""
        await asyncio.wait_for(self._ready.wait(), within)

    async def wait_identify_count(self, count: int, within: float = 10.0) -> None:
        await self._wait_counter(lambda: self.identify_count >= count, within)

    async def wait_resume_count(self, count: int, within: float = 10.0) -> None:
        await self._wait_counter(lambda: self.resume_count >= count, within)

    async def _wait_counter(self, check: Callable[[], bool], within: float) -> None:
        async def loop() -> None:
            async with self._changed:
                await self._changed.wait_for(check)

        await asyncio.wait_for(loop(), within)

    async def response(self, inter: Sent, within: float = 5.0) -> Recorded:
        """The bot's interaction callback (a successful one) for ``inter``."""
        return await self.wait_for(
            lambda r: r.kind == KIND_CALLBACK and r.interaction_id == inter.id and r.status < 300,
            within=within,
        )

    async def followup(self, inter: Sent, within: float = 5.0, start: int = 0) -> Recorded:
        """The bot's (successful) followup message or original-response edit for ``inter``."""
        return await self.wait_for(
            lambda r: (
                r.kind in (KIND_FOLLOWUP, KIND_EDIT_ORIGINAL)
                and r.token == inter.token
                and r.status < 300
            ),
            within=within,
            start=start,
        )

    async def final_message(self, inter: Sent, within: float = 5.0) -> Recorded:
        """What the user finally sees: the callback, or if it was a defer (5: a message to come,
        6: an update of the clicked message to come), the followup/edit."""
        cb = await self.response(inter, within)
        if cb.body.get("type") in (5, 6):
            return await self.followup(inter, within)
        return cb

    async def channel_message(
        self, channel_id: int, within: float = 5.0, start: int = 0
    ) -> Recorded:
        """The next (successful) ``POST /channels/{channel_id}/messages``."""
        return await self.wait_for(
            lambda r: (
                r.kind == KIND_CHANNEL_MESSAGE and r.channel_id == channel_id and r.status < 300
            ),
            within=within,
            start=start,
        )

    def mark(self) -> int:
        """An index into :attr:`requests`; pass it as ``start=`` to wait for later requests."""
        return len(self.requests)

    def bot_messages(self) -> list[Recorded]:
        """Every successful request by which the bot posted or edited a message."""
        kinds = (KIND_CALLBACK, KIND_FOLLOWUP, KIND_EDIT_ORIGINAL, KIND_CHANNEL_MESSAGE)
        return [r for r in self.requests if r.kind in kinds and r.status < 300]

    # ------------------------------------------------------------------ faults
    def fail_next(
        self,
        kind: str,
        *,
        status: int,
        count: int = 1,
        retry_after: float = 0.05,
        via: bool = True,
    ) -> None:
        """Answer the next ``count`` requests of ``kind`` (callback, followup, edit_original,
        channel_message) with ``status``. A 429 carries ``retry_after`` and, if ``via``, the
        ``Via`` header without which discord.py does not retry; a 404 is "Unknown Webhook"."""
        headers: dict[str, str] = {}
        body: JSON
        if status == 429:
            body = {"message": "You are being rate limited.", "retry_after": retry_after}
            body["global"] = False
            headers["Retry-After"] = str(retry_after)
            headers["X-RateLimit-Scope"] = "user"
            if via:
                headers["Via"] = "1.1 google"
        elif status == 404:
            body = {"message": "Unknown Webhook", "code": 10015}
        else:
            body = {"message": "Server error", "code": 0}
        self._faults.setdefault(kind, []).extend(Fault(status, body, headers) for _ in range(count))

    def hold_next_callback(self) -> Hold:
        """Hold the next interaction callback request (the bot's first answer) unanswered until
        the test sets ``hold.release``; ``hold.arrived`` is set when the request comes in."""
        hold = Hold()
        self._holds.append(hold)
        return hold

    async def drop(self, code: int = 1006) -> None:
        """Close the gateway connection. 1006 aborts the TCP connection (no close frame)."""
        ws, request = self._ws, self._ws_request
        assert ws is not None and request is not None, "no gateway connection"
        self._ready.clear()
        if code == 1006:
            transport = request.transport
            assert transport is not None
            transport.abort()  # type: ignore[attr-defined]
        else:
            await ws.close(code=code, message=b"fake drop")

    async def reconnect_op(self) -> None:
        """Send op 7 RECONNECT: the client closes and RESUMEs."""
        self._ready.clear()
        await self._send({"op": 7, "d": None})

    async def invalid_session(self, resumable: bool = False) -> None:
        """Send op 9 INVALID_SESSION; with ``resumable=False`` the client must IDENTIFY again."""
        self._ready.clear()
        if not resumable:
            self._session_id = None
        await self._send({"op": 9, "d": resumable})

    # ------------------------------------------------------------------ gateway
    async def _send(self, payload: JSON) -> None:
        ws = self._ws
        assert ws is not None and not ws.closed, "no gateway connection"
        await ws.send_str(json.dumps(payload))

    async def dispatch(self, event: str, data: JSON) -> None:
        """Send a DISPATCH (op 0) event to the connected client."""
        self._seq += 1
        await self._send({"op": 0, "t": event, "s": self._seq, "d": data})

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        if self._ws is not None and not self._ws.closed:
            await self._ws.close(code=4000)
        self._ws, self._ws_request = ws, request
        await ws.send_str(
            json.dumps({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
        )
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                self.gateway_received.append(payload)
                await self._on_gateway(ws, payload)
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            if self._ws is ws:
                self._ready.clear()
        return ws

    async def _on_gateway(self, ws: web.WebSocketResponse, payload: JSON) -> None:
        op = payload.get("op")
        if op == 1:
            self.heartbeat_count += 1
            await ws.send_str(json.dumps({"op": 11}))
        elif op == 2:
            self.identify_count += 1
            self._session_id = secrets.token_hex(8)
            self._seq = 0
            await self._notify()
            await self.dispatch("READY", self._ready_payload())
            for guild in self._guilds():
                await self.dispatch("GUILD_CREATE", guild)
            self._ready.set()
            await self._notify()
        elif op == 6:
            d = payload.get("d") or {}
            if self._session_id is not None and d.get("session_id") == self._session_id:
                self.resume_count += 1
                await self.dispatch("RESUMED", {})
                self._ready.set()
            else:
                await ws.send_str(json.dumps({"op": 9, "d": False}))
            await self._notify()
        elif op == 8:
            d = payload.get("d") or {}
            await self.dispatch(
                "GUILD_MEMBERS_CHUNK",
                {
                    "guild_id": str(GUILD_ID),
                    "members": self._members(),
                    "chunk_index": 0,
                    "chunk_count": 1,
                    "nonce": d.get("nonce"),
                },
            )

    def _ready_payload(self) -> JSON:
        return {
            "v": 10,
            "user": {**self.bot_user, "verified": True, "mfa_enabled": False, "flags": 0},
            "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
            "session_id": self._session_id,
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(APP_ID), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "user_settings": {},
            "presences": [],
            "shard": [0, 1],
        }

    def _members(self) -> list[JSON]:
        bot = {
            "user": self.bot_user,
            "roles": [],
            "joined_at": "2024-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
        }
        return [bot, *(u.member() for u in self.users.values())]

    def channel_payload(self, channel_id: int = CHANNEL_ID, guild_id: int = GUILD_ID) -> JSON:
        return {
            "id": str(channel_id),
            "type": 0,
            "guild_id": str(guild_id),
            "name": "careers",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "parent_id": None,
            "flags": 0,
        }

    def _guilds(self) -> list[JSON]:
        members = self._members()
        everyone = {
            "id": str(GUILD_ID),
            "name": "@everyone",
            "permissions": str(PLAIN_MEMBER_PERMISSIONS),
            "position": 0,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }
        moderator = {
            **everyone,
            "id": str(MODERATOR_ROLE_ID),
            "name": "moderator",
            "position": 1,
        }
        return [
            {
                "id": str(GUILD_ID),
                "name": "Careers test guild",
                "icon": None,
                "owner_id": str(OWNER_ID),
                "roles": [everyone, moderator],
                "channels": [self.channel_payload()],
                "threads": [],
                "members": members,
                "member_count": len(members),
                "presences": [],
                "voice_states": [],
                "emojis": [],
                "stickers": [],
                "features": [],
                "stage_instances": [],
                "guild_scheduled_events": [],
                "soundboard_sounds": [],
                "large": False,
                "unavailable": False,
                "joined_at": "2024-01-01T00:00:00+00:00",
                "verification_level": 0,
                "default_message_notifications": 0,
                "explicit_content_filter": 0,
                "mfa_level": 0,
                "nsfw_level": 0,
                "premium_tier": 0,
                "preferred_locale": "en-US",
                "system_channel_flags": 0,
                "afk_timeout": 300,
            }
        ]

    # ------------------------------------------------------------------ interactions
    def _user_for(self, user: FakeUser | int | None) -> FakeUser:
        if user is None:
            return self.member
        if isinstance(user, FakeUser):
            self.users.setdefault(user.id, user)
            return user
        return self.users[user]

    def _find_command(self, name: str, ctype: int) -> tuple[JSON | None, int | None]:
        for guild_id, cmds in self.commands.items():
            for cmd in cmds:
                if cmd.get("name") == name and int(cmd.get("type", 1)) == ctype:
                    return cmd, guild_id
        return None, None

    async def _interaction(
        self,
        itype: int,
        data: JSON,
        *,
        user: FakeUser | int | None = None,
        member_permissions: int | None = None,
        roles: list[int] | None = None,
        dm: bool = False,
        channel_id: int = CHANNEL_ID,
        message: JSON | None = None,
        locale: str = "en-US",
        guild_id: int = GUILD_ID,
    ) -> Sent:
        who = self._user_for(user)
        iid = self.next_id()
        token = f"itoken-{iid}-{secrets.token_hex(4)}"
        payload: JSON = {
            "id": str(iid),
            "application_id": str(APP_ID),
            "type": itype,
            "token": token,
            "version": 1,
            "data": data,
            "locale": locale,
            "entitlements": [],
            "attachment_size_limit": 8 * 1024 * 1024,
            "app_permissions": str(ALL_PERMISSIONS),
            "authorizing_integration_owners": {"0": str(guild_id)}
            if not dm
            else {"1": str(who.id)},
        }
        if dm:
            payload["channel_id"] = str(DM_CHANNEL_ID)
            payload["channel"] = {"id": str(DM_CHANNEL_ID), "type": 1, "recipients": [who.user()]}
            payload["user"] = who.user()
            payload["context"] = 1
        else:
            perms = who.permissions if member_permissions is None else member_permissions
            member = who.member(permissions=perms)
            if roles is not None:
                member["roles"] = [str(r) for r in roles]
            payload["guild_id"] = str(guild_id)
            payload["guild_locale"] = "en-US"
            payload["channel_id"] = str(channel_id)
            payload["channel"] = self.channel_payload(channel_id, guild_id)
            payload["member"] = member
            payload["context"] = 0
        if message is not None:
            payload["message"] = message
        sent = Sent(iid, token, payload, time.monotonic())
        self.interactions[iid] = sent
        self._by_token[token] = iid
        await self.dispatch("INTERACTION_CREATE", payload)
        return sent

    @staticmethod
    def _option(name: str, value: Any, focused: bool = False) -> JSON:
        if isinstance(value, dict):
            return {"name": name, **value}
        if isinstance(value, bool):
            otype = 5
        elif isinstance(value, int):
            otype = 4
        elif isinstance(value, float):
            otype = 10
        else:
            otype = 3
        opt: JSON = {"name": name, "type": otype, "value": value}
        if focused:
            opt["focused"] = True
        return opt

    def _command_data(
        self, name: str, options: Mapping[str, Any] | None, focused: str | None = None
    ) -> JSON:
        parts = name.split()
        opts = [self._option(k, v, focused == k) for k, v in (options or {}).items()]
        if len(parts) == 3:
            opts = [
                {
                    "type": 2,
                    "name": parts[1],
                    "options": [{"type": 1, "name": parts[2], "options": opts}],
                }
            ]
        elif len(parts) == 2:
            opts = [{"type": 1, "name": parts[1], "options": opts}]
        cmd, guild_id = self._find_command(parts[0], 1)
        data: JSON = {
            "id": str(cmd["id"]) if cmd else str(self.next_id()),
            "name": parts[0],
            "type": 1,
            "options": opts,
        }
        if guild_id is not None:
            data["guild_id"] = str(guild_id)
        return data

    async def slash(
        self,
        name: str,
        options: Mapping[str, Any] | None = None,
        **kw: Any,
    ) -> Sent:
        """Dispatch a slash command. ``name`` may be ``"kb reload"`` (subcommand) or
        ``"a b c"`` (group + subcommand). Option values: str/int/float/bool or a full dict."""
        return await self._interaction(2, self._command_data(name, options), **kw)

    async def autocomplete(
        self, name: str, options: Mapping[str, Any], focused: str, **kw: Any
    ) -> Sent:
        """Dispatch an autocomplete request (type 4) with ``focused`` as the focused option."""
        return await self._interaction(4, self._command_data(name, options, focused), **kw)

    async def click(self, message_id: int, custom_id: str, **kw: Any) -> Sent:
        """Click the button ``custom_id`` on a message the bot sent."""
        message = self.messages[message_id]
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._interaction(3, data, message=message, **kw)

    async def select(self, message_id: int, custom_id: str, values: list[str], **kw: Any) -> Sent:
        """Pick ``values`` in the string select ``custom_id`` on a message the bot sent."""
        message = self.messages[message_id]
        data = {"custom_id": custom_id, "component_type": 3, "values": values}
        return await self._interaction(3, data, message=message, **kw)

    async def context_menu_message(self, name: str, target: JSON, **kw: Any) -> Sent:
        """Run the message context menu ``name`` on ``target`` (a message payload)."""
        cmd, guild_id = self._find_command(name, 3)
        data: JSON = {
            "id": str(cmd["id"]) if cmd else str(self.next_id()),
            "name": name,
            "type": 3,
            "target_id": target["id"],
            "resolved": {"messages": {target["id"]: target}},
        }
        if guild_id is not None:
            data["guild_id"] = str(guild_id)
        return await self._interaction(2, data, **kw)

    def user_message(
        self,
        content: str,
        *,
        user: FakeUser | int | None = None,
        mentions: Iterable[JSON] = (),
        dm: bool = False,
        channel_id: int = CHANNEL_ID,
    ) -> JSON:
        """A message payload by a user (not dispatched)."""
        who = self._user_for(user)
        mid = self.next_id()
        msg: JSON = {
            "id": str(mid),
            "type": 0,
            "channel_id": str(DM_CHANNEL_ID if dm else channel_id),
            "author": who.user(),
            "content": content,
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": list(mentions),
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "pinned": False,
            "flags": 0,
            "components": [],
        }
        if not dm:
            msg["guild_id"] = str(GUILD_ID)
            msg["member"] = who.member(with_user=False)
        self.messages[mid] = msg
        return msg

    async def message(
        self,
        content: str,
        *,
        mention_bot: bool = False,
        **kw: Any,
    ) -> JSON:
        """Dispatch MESSAGE_CREATE by a user; returns the message payload."""
        mentions = [self.bot_user] if mention_bot else []
        msg = self.user_message(content, mentions=mentions, **kw)
        await self.dispatch("MESSAGE_CREATE", msg)
        return msg

    # ------------------------------------------------------------------ REST
    async def _read_body(self, request: web.Request) -> tuple[Any, list[FileUpload]]:
        ctype = request.headers.get("Content-Type", "")
        files: list[FileUpload] = []
        body: Any = None
        if ctype.startswith("multipart/"):
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                assert not isinstance(part, type(reader)), "nested multipart"
                raw = await part.read()  # type: ignore[union-attr]
                name = part.name or ""
                if name == "payload_json":
                    body = json.loads(raw)
                else:
                    files.append(
                        FileUpload(name, part.filename, part.headers.get("Content-Type"), raw)
                    )
        elif request.can_read_body:
            raw_text = await request.text()
            if raw_text:
                try:
                    body = json.loads(raw_text)
                except ValueError:
                    body = raw_text
        return body, files

    @staticmethod
    def _reply(
        data: Any, status: int = 200, headers: Mapping[str, str] | None = None
    ) -> web.Response:
        if status == 204:
            return web.Response(status=204, headers=headers)
        # Exactly "application/json": discord.py compares the header verbatim.
        hdrs = {"Content-Type": "application/json", **(headers or {})}
        return web.Response(status=status, body=json.dumps(data).encode(), headers=hdrs)

    def _message_from(
        self,
        body: JSON,
        files: list[FileUpload],
        *,
        channel_id: int,
        message_id: int | None = None,
        interaction: Sent | None = None,
        webhook: bool = False,
    ) -> JSON:
        mid = message_id if message_id is not None else self.next_id()
        old = self.messages.get(mid, {})
        attachments = [
            {
                "id": str(self.next_id()),
                "filename": f.filename or "file",
                "size": len(f.data),
                "url": f"{self.url}/attachments/{f.filename}",
                "proxy_url": f"{self.url}/attachments/{f.filename}",
                "content_type": f.content_type,
            }
            for f in files
        ]
        msg: JSON = {
            "id": str(mid),
            "type": 0,
            "channel_id": str(channel_id),
            "author": self.bot_user,
            "content": body.get("content", old.get("content", "")) or "",
            "timestamp": old.get("timestamp", _now_iso()),
            "edited_timestamp": _now_iso() if old else None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": attachments or old.get("attachments", []),
            "embeds": body.get("embeds", old.get("embeds", [])) or [],
            "components": body.get("components", old.get("components", [])) or [],
            "pinned": False,
            "flags": int(body.get("flags", old.get("flags", 0)) or 0),
        }
        if channel_id != DM_CHANNEL_ID:
            msg["guild_id"] = str(GUILD_ID)
        if webhook:
            msg["webhook_id"] = str(APP_ID)
            msg["application_id"] = str(APP_ID)
        if interaction is not None:
            msg["interaction_metadata"] = {
                "id": str(interaction.id),
                "type": interaction.payload["type"],
                "user": interaction.payload.get("member", {}).get("user")
                or interaction.payload.get("user"),
                "authorizing_integration_owners": {},
            }
        ref = body.get("message_reference")
        if ref:
            msg["type"] = 19
            msg["message_reference"] = ref
            target = self.messages.get(int(ref["message_id"]))
            if target is not None:
                msg["referenced_message"] = target
        self.messages[mid] = msg
        return msg

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body, files = await self._read_body(request)
        rec = Recorded(
            method=request.method,
            path=path,
            query=dict(request.query),
            headers=dict(request.headers),
            json=body,
            files=files,
        )
        parts = path.strip("/").split("/")
        if self._holds and parts[0] == "interactions" and parts[-1] == "callback":
            hold = self._holds.pop(0)
            hold.arrived.set()
            await hold.release.wait()
        try:
            response = self._route(request.method, parts, rec)
        except Exception:  # a bug in the fake must surface as a 500, not hang the client
            log.exception("fake route failed for %s %s", request.method, path)
            response = self._reply({"message": "fake error"}, 500)
            rec.status = 500
        self._record(rec)
        return response

    def _fault(self, kind: str, rec: Recorded) -> web.Response | None:
        queue = self._faults.get(kind)
        if not queue:
            return None
        fault = queue.pop(0)
        rec.status = fault.status
        return self._reply(fault.body, fault.status, fault.headers)

    def _route(self, method: str, parts: list[str], rec: Recorded) -> web.Response:
        body = rec.body
        match method, parts:
            case "GET", ["users", "@me"]:
                return self._reply(self.bot_user)
            case "GET", ["oauth2", "applications", "@me"] | ["applications", "@me"]:
                return self._reply(self._app_info())
            case "PUT", ["applications", _, "commands"]:
                return self._reply(self._store_commands(None, rec.json or []))
            case "PUT", ["applications", _, "guilds", guild, "commands"]:
                return self._reply(self._store_commands(int(guild), rec.json or []))
            case "GET", ["applications", _, "commands"]:
                return self._reply(self.commands.get(None, []))
            case "GET", ["applications", _, "guilds", guild, "commands"]:
                return self._reply(self.commands.get(int(guild), []))
            case "POST", ["interactions", iid, token, "callback"]:
                rec.kind, rec.interaction_id, rec.token = KIND_CALLBACK, int(iid), token
                return self._fault(KIND_CALLBACK, rec) or self._callback(int(iid), body, rec)
            case "POST", ["webhooks", _, token]:
                rec.kind, rec.token = KIND_FOLLOWUP, token
                rec.interaction_id = self._by_token.get(token)
                if (fault := self._fault(KIND_FOLLOWUP, rec)) is not None:
                    return fault
                if rec.interaction_id is None:
                    rec.status = 404
                    return self._reply({"message": "Unknown Webhook", "code": 10015}, 404)
                inter = self.interactions[rec.interaction_id]
                rec.message = self._message_from(
                    body,
                    rec.files,
                    channel_id=int(inter.payload["channel_id"]),
                    interaction=inter,
                    webhook=True,
                )
                return self._reply(rec.message)
            case (("PATCH" | "GET" | "DELETE"), ["webhooks", _, token, "messages", mid]):
                rec.kind = KIND_EDIT_ORIGINAL if method == "PATCH" else "webhook_message"
                rec.token = token
                rec.interaction_id = self._by_token.get(token)
                if method == "PATCH" and (fault := self._fault(KIND_EDIT_ORIGINAL, rec)):
                    return fault
                if rec.interaction_id is None:
                    rec.status = 404
                    return self._reply({"message": "Unknown Webhook", "code": 10015}, 404)
                inter = self.interactions[rec.interaction_id]
                msg_id = self._original_id(inter) if mid == "@original" else int(mid)
                if method == "DELETE":
                    self.messages.pop(msg_id, None)
                    rec.status = 204
                    return self._reply(None, 204)
                if method == "GET":
                    return self._reply(self.messages.get(msg_id) or {})
                rec.message = self._message_from(
                    body,
                    rec.files,
                    channel_id=int(inter.payload["channel_id"]),
                    message_id=msg_id,
                    interaction=inter,
                    webhook=True,
                )
                return self._reply(rec.message)
            case "POST", ["channels", cid, "messages"]:
                rec.kind, rec.channel_id = KIND_CHANNEL_MESSAGE, int(cid)
                if (fault := self._fault(KIND_CHANNEL_MESSAGE, rec)) is not None:
                    return fault
                rec.message = self._message_from(body, rec.files, channel_id=int(cid))
                return self._reply(rec.message)
            case "POST", ["users", "@me", "channels"]:
                recipient = str(body.get("recipient_id", MEMBER_ID))
                rec.kind = "open_dm"
                return self._reply(
                    {
                        "id": str(DM_CHANNEL_ID),
                        "type": 1,
                        "recipients": [self._user_for(int(recipient)).user()],
                        "last_message_id": None,
                    }
                )
            case "POST", ["channels", _, "typing"]:
                rec.status = 204
                return self._reply(None, 204)
            case _:
                log.info("fake: unhandled %s /%s", method, "/".join(parts))
                self.unhandled.append(rec)
                if method in ("PUT", "DELETE"):
                    rec.status = 204
                    return self._reply(None, 204)
                return self._reply({})

    def _original_id(self, inter: Sent) -> int:
        for rec in self.requests:
            if rec.kind == KIND_CALLBACK and rec.interaction_id == inter.id and rec.message:
                return int(rec.message["id"])
        return self.next_id()

    def _callback(self, iid: int, body: JSON, rec: Recorded) -> web.Response:
        inter = self.interactions.get(iid)
        if inter is None:
            rec.status = 404
            return self._reply({"message": "Unknown interaction", "code": 10062}, 404)
        ctype = int(body.get("type", 0))
        data = body.get("data") or {}
        channel_id = int(inter.payload["channel_id"])
        answer: JSON = {
            "interaction": {
                "id": str(iid),
                "type": inter.payload["type"],
                "response_message_loading": ctype == 5,
                "response_message_ephemeral": bool(int(data.get("flags", 0) or 0) & EPHEMERAL),
            },
            "resource": {"type": ctype},
        }
        if ctype in (4, 5):
            msg_body = dict(data)
            if ctype == 5:
                msg_body["flags"] = int(data.get("flags", 0) or 0) | 128
            rec.message = self._message_from(
                msg_body, rec.files, channel_id=channel_id, interaction=inter, webhook=True
            )
        elif ctype == 7:
            original = inter.payload.get("message") or {}
            rec.message = self._message_from(
                data,
                rec.files,
                channel_id=channel_id,
                message_id=int(original["id"]) if original else None,
                interaction=inter,
            )
        if rec.message is not None:
            answer["interaction"]["response_message_id"] = rec.message["id"]
            answer["resource"]["message"] = rec.message
        return self._reply(answer)

    def _store_commands(self, guild_id: int | None, commands: list[JSON]) -> list[JSON]:
        stored = []
        old = {(c["name"], int(c.get("type", 1))): c for c in self.commands.get(guild_id, [])}
        for cmd in commands:
            prev = old.get((cmd["name"], int(cmd.get("type", 1))))
            full = {
                "id": prev["id"] if prev else str(self.next_id()),
                "application_id": str(APP_ID),
                "version": str(self.next_id()),
                "type": 1,
                "description": "",
                "default_member_permissions": None,
                "dm_permission": True,
                **cmd,
            }
            if guild_id is not None:
                full["guild_id"] = str(guild_id)
            stored.append(full)
        self.commands[guild_id] = stored
        return stored

    def _app_info(self) -> JSON:
        return {
            "id": str(APP_ID),
            "name": "careerbot",
            "icon": None,
            "description": "",
            "summary": "",
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.owner.user(),
            "team": None,
            "verify_key": "0" * 64,
            "flags": 0,
            "bot": self.bot_user,
            "rpc_origins": [],
            "interactions_endpoint_url": None,
            "redirect_uris": [],
        }


@contextlib.contextmanager
def pointed_at(fake: FakeDiscord) -> Any:
    """Point discord.py's REST base and gateway URL at ``fake``; restore both afterwards."""
    import discord.gateway
    import discord.http
    import yarl

    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = fake.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    try:
        yield fake
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


# ------------------------------------------------------------------------------------ shards
SECOND_GUILD_ID = GUILD_ID + (1 << 22)
"""A guild on the other shard of two: (GUILD_ID >> 22) % 2 is 1, this one's is 0."""


PEER_PORT = "X-Fake-Peer-Port"


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord sends a guild's events to."""
    return (guild_id >> 22) % shard_count


class ShardedFakeDiscord(FakeDiscord):
    """The fake with several gateway connections, one per shard, as Discord shards a bot.

    IDENTIFY's ``shard: [id, count]`` says which shard a connection is; READY and GUILD_CREATE
    on it carry only the guilds with ``(guild_id >> 22) % count == id``, and every event for a
    guild (interactions included: ``slash(..., guild_id=…)``) goes only to its shard's
    connection. A connection identifying a shard already connected replaces it.
    """

    def __init__(self, *, shard_count: int = 2, guild_ids: Iterable[int] | None = None) -> None:
        super().__init__()
        self.shard_count = shard_count
        self.guild_ids = list(guild_ids or (GUILD_ID, SECOND_GUILD_ID))
        self.shard_ws: dict[int, web.WebSocketResponse] = {}
        self.identified: list[list[int]] = []
        """The ``shard`` field of every IDENTIFY, in order."""
        self._shard_seq: dict[int, int] = {}

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        """As the base fake, and the record notes the client's TCP port in ``PEER_PORT`` (which
        process sent it: see ``tests/e2e/test_shards_wire.py``)."""
        peer = request.transport.get_extra_info("peername") if request.transport else None
        response = await super()._rest(request)
        # No await since the base recorded it: the last record is this request's.
        if peer is not None and self.requests:
            self.requests[-1].headers[PEER_PORT] = str(peer[1])
        return response

    def guilds_of(self, shard_id: int) -> list[int]:
        return [g for g in self.guild_ids if shard_of(g, self.shard_count) == shard_id]

    async def wait_shards(self, shards: Iterable[int], within: float = 30.0) -> None:
        wanted = set(shards)
        await self._wait_counter(lambda: wanted <= set(self.shard_ws), within)

    async def send_to_shard(self, shard_id: int, event: str, data: JSON) -> None:
        ws = self.shard_ws.get(shard_id)
        assert ws is not None and not ws.closed, f"shard {shard_id} is not connected"
        self._shard_seq[shard_id] = seq = self._shard_seq.get(shard_id, 0) + 1
        await ws.send_str(json.dumps({"op": 0, "t": event, "s": seq, "d": data}))

    async def dispatch(self, event: str, data: JSON) -> None:
        """An event for a guild goes to that guild's shard (others to shard 0)."""
        guild = data.get("guild_id") if isinstance(data, dict) else None
        shard = shard_of(int(guild), self.shard_count) if guild else 0
        await self.send_to_shard(shard, event, data)

    def guild_payload(self, guild_id: int) -> JSON:
        """The base fake's guild, renamed to ``guild_id`` (its @everyone role too)."""
        text = json.dumps(self._guilds()[0]).replace(f'"{GUILD_ID}"', f'"{guild_id}"')
        guild: JSON = json.loads(text)
        guild["name"] = f"Careers guild {guild_id}"
        return guild

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        await ws.send_str(
            json.dumps({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
        )
        shard_id: int | None = None
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                self.gateway_received.append(payload)
                op = payload.get("op")
                if op == 1:
                    self.heartbeat_count += 1
                    await ws.send_str(json.dumps({"op": 11}))
                elif op == 2:
                    shard = (payload.get("d") or {}).get("shard") or [0, 1]
                    shard_id = int(shard[0])
                    assert int(shard[1]) == self.shard_count, f"IDENTIFY shard {shard}"
                    await self._identify(ws, shard_id, [int(x) for x in shard])
                elif op == 6:  # no resume here: identify again
                    await ws.send_str(json.dumps({"op": 9, "d": False}))
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            if shard_id is not None and self.shard_ws.get(shard_id) is ws:
                del self.shard_ws[shard_id]
        return ws

    async def _identify(self, ws: web.WebSocketResponse, shard_id: int, shard: list[int]) -> None:
        old = self.shard_ws.get(shard_id)
        if old is not None and old is not ws and not old.closed:
            await old.close(code=4000)
        self.identify_count += 1
        self.identified.append(shard)
        self.shard_ws[shard_id] = ws
        self._shard_seq[shard_id] = 0
        ready = self._ready_payload()
        ready["shard"] = shard
        ready["guilds"] = [{"id": str(g), "unavailable": True} for g in self.guilds_of(shard_id)]
        ready["session_id"] = secrets.token_hex(8)
        await self.send_to_shard(shard_id, "READY", ready)
        for guild in self.guilds_of(shard_id):
            await self.send_to_shard(shard_id, "GUILD_CREATE", self.guild_payload(guild))
        await self._notify()
