"""Telegram: the Bot API adapter (python-telegram-bot)."""
