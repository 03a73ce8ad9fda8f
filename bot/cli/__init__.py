"""The ``duban`` command line, the demo and the database browser."""
