"""The DingTalk adapter: the Stream connection, its inbox rows, and the renderer."""
