"""Reports, charts, exports and meeting documents built off the event loop."""
