"""A trivial discord.py bot used to prove the fake (and as the latency floor in bench/e2e.py)."""

from __future__ import annotations

import io
import zlib

import discord
from discord import app_commands

PING_ANSWER = "pong: the trivial bot is alive"
MENTION_ANSWER = "you called?"
FRUITS = ["apple", "apricot", "banana", "blueberry", "cherry", "grape", "kiwi", "mango"]


def tiny_png() -> bytes:
    """A valid 1x1 PNG, built by hand so the trivial bot needs no imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    ihdr = (1).to_bytes(4, "big") + (1).to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    idat = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


class TrivialBot(discord.Client):
    def __init__(self, **options: object) -> None:
        options.setdefault("guild_ready_timeout", 0.05)
        super().__init__(intents=discord.Intents.default(), **options)  # type: ignore[arg-type]
        self.tree = app_commands.CommandTree(self)
        self._register()

    def _register(self) -> None:
        tree = self.tree

        @tree.command(name="ping", description="Answer a fixed string")
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message(PING_ANSWER)

        @tree.command(name="fruit", description="Autocomplete a fruit")
        async def fruit(interaction: discord.Interaction, name: str) -> None:
            await interaction.response.send_message(f"you picked {name}")

        @fruit.autocomplete("name")
        async def fruit_complete(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=f, value=f) for f in FRUITS if f.startswith(current)]

        @tree.command(name="picture", description="Upload a PNG")
        async def picture(interaction: discord.Interaction) -> None:
            file = discord.File(io.BytesIO(tiny_png()), filename="dot.png")
            await interaction.response.send_message("here", file=file)

        @tree.command(name="button", description="A message with a button")
        async def button(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("press it", view=HelloView())

        @tree.context_menu(name="Echo")
        async def echo(interaction: discord.Interaction, message: discord.Message) -> None:
            await interaction.response.send_message(f"echo: {message.content}", ephemeral=True)

        @tree.command(name="slow", description="Defer, then follow up")
        async def slow(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.followup.send("done")

    async def setup_hook(self) -> None:
        await self.tree.sync()

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or self.user is None:
            return
        if message.guild is None:
            await message.channel.send(MENTION_ANSWER)
        elif self.user.mentioned_in(message):
            await message.reply(MENTION_ANSWER, mention_author=False)


class HelloView(discord.ui.View):
    @discord.ui.button(label="Hello", custom_id="trivial:hello")
    async def hello(
        self, interaction: discord.Interaction, button: discord.ui.Button[HelloView]
    ) -> None:
        await interaction.response.send_message(f"hello {interaction.user.name}")


if __name__ == "__main__":
    import os

    TrivialBot().run(os.environ["DISCORD_TOKEN"], log_handler=None)
