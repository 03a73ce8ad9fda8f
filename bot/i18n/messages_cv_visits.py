"""Visits as a DingTalk person meets them (issue 16): a DingTalk robot receives no location,
so the visit card's last line and 📍 设置坐标 ask only for what their platform can send."""

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
    # 📍 设置坐标 for an administrator on DingTalk, whose robot receives no location: only
    # typed coordinates are asked for.
    "presence.ask_place_typed": (
        "请输入 {company} 的坐标，如 32.37, 120.56 或 32.37N 120.56E。"
        "请使用手机定位（WGS-84）坐标。",
        "Type {company}'s coordinates, e.g. 32.37, 120.56 or 32.37N 120.56E (phone GPS, WGS-84).",
    ),
    "presence.bad_place_typed": (
        "无法识别这个坐标：{reason}。请重新输入，如 32.37, 120.56。",
        "Cannot read that coordinate: {reason}. Type it again, e.g. 32.37, 120.56.",
    ),
}
