"""Evidence received on another front-end, sent to a Telegram chat from MEDIA_DIR.

A service forwards evidence by its ``ref``, the file id it came with (a close-out's photos
to the verifiers, /history's pictures). A Telegram file_id is sent as it is; a DingTalk
downloadCode means nothing to Telegram ("Wrong file identifier"), so the row's file is
swapped, at send time, for the copy the download job stored under its sha256 — or the row
waits a little when that copy is not there yet, as DingTalk's courier does for Telegram's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.platforms.media_files import media_path
from storage import evidence
from storage.db import Store

FILE_FIELDS = ("photo", "document", "video", "audio", "voice", "animation")


class NotDownloaded(Exception):
    """The other platform's file has no bytes in MEDIA_DIR yet."""


class ForeignFiles:
    """Rewrites a Telegram payload's foreign file references into files on disk."""

    def __init__(self, store: Store, media_dir: Path) -> None:
        self.store = store
        self.media_dir = media_dir

    async def resolve(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The payload with each foreign ``ref`` replaced by ``{"path": …}`` (the same
        payload when it names none)."""
        out = dict(payload)
        for name in FILE_FIELDS:
            value = out.get(name)
            if isinstance(value, str):
                out[name] = await self._file(value)
        if isinstance(out.get("media"), list):
            items = []
            for item in out["media"]:
                media = item.get("media") if isinstance(item, dict) else None
                if isinstance(media, str):
                    item = {**item, "media": await self._file(media)}
                items.append(item)
            out["media"] = items
        return out

    async def _file(self, ref: str) -> str | dict[str, str]:
        found = await self.store.run(evidence.foreign_file, ref, "telegram")
        if found is None:
            return ref  # Telegram's own file_id
        stored, sha256 = found
        if stored == "pending":
            raise NotDownloaded("the evidence file from another platform is not downloaded yet")
        if stored != "stored" or sha256 is None:
            raise OSError(f"the evidence file was never stored ({stored})")
        return {"path": str(media_path(self.media_dir, sha256))}
