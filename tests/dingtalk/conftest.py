"""The DingTalk tests use tests/conftest.py's ``standin``: the stand-in on its own thread,
on the port the SDK was aimed at (tests/dingtalk/sdk.py)."""
