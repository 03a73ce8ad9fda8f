"""Duban (督办): supervision visits and follow-up on Telegram."""

import os

# python-telegram-bot 22 warns each time it builds a RetryAfter unless this opt-in to its
# future timedelta API is set; the bot handles retry_after as a timedelta either way.
os.environ.setdefault("PTB_TIMEDELTA", "1")
