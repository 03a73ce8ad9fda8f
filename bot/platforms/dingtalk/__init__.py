"""The DingTalk front-end (issue 16): the Stream connection and its inbox rows, the renderer,
the OpenAPI client, the outbox courier and evidence downloads."""
