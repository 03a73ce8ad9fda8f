"""Datasette plugins loaded by ``duban browse`` (``--plugins-dir``), never by the bot."""
