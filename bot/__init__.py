"""careerbot: a Discord bot that answers career questions from a cited knowledge base."""

__version__ = "0.1.0"
