"""Every command and button of Duban, read top to bottom.

Each module below declares its actions beside the functions that do them (bot/actions.py);
the order here, and within a module the order of definition, is the order of the command
menus and of /help. A new module of actions is added to this list.
"""

from __future__ import annotations

from bot.actions import Registry

ACTIONS = Registry.collect(())
