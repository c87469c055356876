"""discord.py imports the stdlib ``audioop`` (deprecated since 3.11) for voice; import it once
here with that warning silenced so ``filterwarnings = error`` still applies to our code."""

import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import discord  # noqa: F401
