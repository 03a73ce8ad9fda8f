"""A local stand-in for DingTalk's Stream gateway and robot OpenAPI (see server.py)."""
