"""Visits as a DingTalk person meets them (issue 16): the visit card's last line names only
what their platform can send (a DingTalk robot receives no location)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "visit.card_hint": (
        "直接发送文字、照片、文件、语音或位置，都会记入本次走访。结束时发送 /done。",
        "Send texts, photos, files, voice notes or your location: all of it goes into this "
        "visit. Send /done when you leave.",
    ),
    "visit.card_hint_no_location": (
        "直接发送文字、照片、文件或语音，都会记入本次走访。结束时发送 /done。",
        "Send texts, photos, files or voice notes: all of it goes into this visit. "
        "Send /done when you leave.",
    ),
}
