"""Periodic work, registered in one visible list (bot/jobs/schedule.py)."""
