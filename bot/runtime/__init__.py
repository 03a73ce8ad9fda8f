"""The runtime: receiving updates, one transaction per update, delivering the outbox."""
