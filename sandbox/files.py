"""Files the sandbox holds: bots' uploads and users' photos, documents, voice and video.

Each file gets a ``file_id`` (what bots pass back to re-send or download it) and a
``file_unique_id`` (stable across bots, as Telegram promises). Bytes stay in memory and,
when the state is saved, under ``files/`` next to ``state.json``.
"""

from __future__ import annotations

import base64
import itertools
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sandbox.images import make_jpeg, photo_ladder

# Kind → (file_path folder, extension used when the name gives none, Telegram's type name).
_KINDS = {
    "photo": ("photos", ".jpg", "Photo"),
    "document": ("documents", "", "Document"),
    "video": ("videos", ".mp4", "Video"),
    "voice": ("voice", ".oga", "Voice"),
    "audio": ("music", ".mp3", "Audio"),
    "animation": ("animations", ".mp4", "Animation"),
    "sticker": ("stickers", ".webp", "Sticker"),
    "video_note": ("video_notes", ".mp4", "VideoNote"),
}


def kind_title(kind: str) -> str:
    """Telegram's name for a file kind, as in "can't use file of type Document as Photo"."""
    return _KINDS.get(kind, ("", "", kind.title()))[2]


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str
    file_path: str
    size: int
    mime_type: str | None = None
    file_name: str | None = None
    width: int | None = None
    height: int | None = None
    # For photos: the file_ids of the whole PhotoSize ladder this file belongs to.
    photo_set: list[str] = field(default_factory=list)


class FileStore:
    """file_id → metadata and bytes; persisted by ``SandboxState``."""

    def __init__(self) -> None:
        self.files: dict[str, StoredFile] = {}
        self.data: dict[str, bytes] = {}  # by file_unique_id
        self._counter = itertools.count(1)

    def add(
        self,
        kind: str,
        data: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        width: int | None = None,
        height: int | None = None,
    ) -> StoredFile:
        number = next(self._counter)
        folder, _, _ = _KINDS.get(kind, ("documents", "", ""))
        unique = "AQAD" + base64.urlsafe_b64encode(secrets.token_bytes(9)).decode()
        file_id = _file_id_prefix(kind) + base64.urlsafe_b64encode(secrets.token_bytes(33)).decode()
        record = StoredFile(
            file_id=file_id,
            file_unique_id=unique,
            kind=kind,
            file_path=f"{folder}/file_{number}{_suffix(kind, file_name)}",
            size=len(data),
            mime_type=mime_type,
            file_name=file_name,
            width=width,
            height=height,
        )
        self.files[file_id] = record
        self.data[unique] = data
        return record

    def add_photo(self, data: bytes, width: int, height: int) -> list[StoredFile]:
        """The PhotoSize ladder for one photo; the largest entry keeps the original bytes."""
        sizes = []
        for index, (_, w, h, original) in enumerate(photo_ladder(width, height)):
            content = data if original else make_jpeg(w, h, index)
            sizes.append(self.add("photo", content, mime_type="image/jpeg", width=w, height=h))
        ids = [record.file_id for record in sizes]
        for record in sizes:
            record.photo_set = ids
        return sizes

    def get(self, file_id: str) -> StoredFile | None:
        return self.files.get(file_id)

    def read(self, record: StoredFile) -> bytes:
        return self.data[record.file_unique_id]

    def by_path(self, file_path: str) -> StoredFile | None:
        for record in self.files.values():
            if record.file_path == file_path:
                return record
        return None

    def to_json(self) -> list[dict[str, Any]]:
        return [asdict(record) for record in self.files.values()]

    def save_bytes(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        for unique, content in self.data.items():
            target = directory / unique
            if not target.exists():
                target.write_bytes(content)

    @classmethod
    def from_json(cls, records: list[dict[str, Any]], directory: Path) -> FileStore:
        store = cls()
        for item in records:
            record = StoredFile(**item)
            store.files[record.file_id] = record
            store.data[record.file_unique_id] = (directory / record.file_unique_id).read_bytes()
        store._counter = itertools.count(len(store.files) + 1)
        return store


def photo_sizes_json(records: list[StoredFile]) -> list[dict[str, Any]]:
    """The ``photo`` array of a Message: PhotoSize objects, smallest first."""
    return [
        {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "file_size": record.size,
            "width": record.width,
            "height": record.height,
        }
        for record in records
    ]


def _suffix(kind: str, file_name: str | None) -> str:
    if file_name and "." in file_name:
        return "." + file_name.rsplit(".", 1)[1].lower()
    return _KINDS.get(kind, ("", "", ""))[1]


def _file_id_prefix(kind: str) -> str:
    # Real file_ids start with a type-dependent header; keeping that makes logs readable.
    return {"photo": "AgACAgIAAxk", "document": "BQACAgIAAxk", "video": "BAACAgIAAxk"}.get(
        kind, "AwACAgIAAxk"
    )
