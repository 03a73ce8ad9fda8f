"""The DingTalk front-end (issue 16): its OpenAPI client, outbox courier and evidence downloads."""
