"""``duban backup`` and ``duban restore`` at the desk (issue 17): a backup holds the
database, every stored evidence file and a manifest of their sha256; a restore fills only an
empty data folder, refuses a backup with a file missing or changed, and ``duban verify``
passes on what it restored."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.domain.audit import Origin
from storage.backups import last_backup
from storage.db import open_database
from storage.ledger import list_items
from storage.policy import set_policy_value
from tests.desk import at_the_desk
from tests.tamper_tools import PHOTO, ledger_with_a_photo

SHA = hashlib.sha256(PHOTO).hexdigest()


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A desk whose database has three items and one stored photo; returns its folder."""
    folder = tmp_path / "office"
    folder.mkdir()
    ledger_with_a_photo(at_the_desk(monkeypatch, folder), folder / "media")
    return folder


def _backup(capsys: pytest.CaptureFixture[str]) -> Path:
    """Run ``duban backup`` and return the folder it names."""
    assert main(["--lang", "en", "backup"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("backed up into ")
    return Path(out.removeprefix("backed up into ").split(":")[0])


def _contents(database: Path) -> list[str]:
    """Every schema object and row of a database, as SQL."""
    connection = sqlite3.connect(database)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def _set(folder: Path, key: str, value: object) -> None:
    db = open_database(folder / "duban.sqlite")
    set_policy_value(db, key, value, Origin.cli(datetime.now(UTC)))
    db.close()


def test_a_backup_holds_the_database_the_evidence_and_their_hashes(
    office: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """By default the backup goes into backups/ beside the database, named by its UTC time;
    the photo is hard-linked (same file system: no space used) and listed by its sha256,
    and the database remembers the backup for ``duban status``."""
    folder = _backup(capsys)
    assert folder.parent == office / "backups" and folder.name.startswith("duban-")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"] == [{"path": f"{SHA[:2]}/{SHA[2:4]}/{SHA}", "sha256": SHA}]
    copy = folder / "media" / SHA[:2] / SHA[2:4] / SHA
    assert copy.read_bytes() == PHOTO
    assert copy.stat().st_ino == (office / "media" / SHA[:2] / SHA[2:4] / SHA).stat().st_ino
    assert (
        hashlib.sha256((folder / "duban.sqlite").read_bytes()).hexdigest()
        == (manifest["database_sha256"])
    )
    assert not Path(f"{folder / 'duban.sqlite'}-wal").exists()  # one file, standing alone
    recorded = last_backup(open_database(office / "duban.sqlite"))
    assert recorded is not None and recorded.folder == folder.resolve()


def test_a_restore_into_an_empty_folder_passes_verify(
    office: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """On a new machine: restore into an empty data folder, the check passes, and
    ``duban verify`` afterwards says the same; the items and the photo are all there."""
    folder = _backup(capsys)
    fresh = tmp_path / "new-server"
    fresh.mkdir()
    database = at_the_desk(monkeypatch, fresh)
    assert main(["--lang", "en", "restore", str(folder), "--media", str(fresh / "media")]) == 0
    out = capsys.readouterr().out
    assert "restored the database" in out and "1 evidence file into" in out
    assert out.rstrip().endswith("OK: every evidence file and every audit event matches")
    assert main(["--lang", "en", "verify"]) == 0
    restored = [item.problem for item in list_items(open_database(database))]
    assert restored == [item.problem for item in list_items(open_database(office / "duban.sqlite"))]
    assert (fresh / "media" / SHA[:2] / SHA[2:4] / SHA).read_bytes() == PHOTO


def test_a_restore_never_overwrites_a_database(
    office: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Restoring over the live database is refused in the desk's language, and the live
    database is left exactly as it was."""
    folder = _backup(capsys)
    live = office / "duban.sqlite"
    before = _contents(live)
    assert main(["restore", str(folder), "--media", str(office / "empty")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"duban: 不予恢复：{live} 已存在") and "绝不覆盖" in err
    assert _contents(live) == before
    assert not (office / "empty").exists()


@pytest.mark.parametrize("damage", ["missing", "altered"])
def test_a_restore_refuses_a_backup_with_a_file_missing_or_changed(
    damage: str, office: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """A listed evidence file gone from the backup, or replaced by other bytes: refused,
    naming the file, and nothing is written into the new data folder."""
    folder = _backup(capsys)
    copy = folder / "media" / SHA[:2] / SHA[2:4] / SHA
    copy.unlink()  # the backup's own link: the live photo is untouched
    if damage == "altered":
        copy.write_bytes(PHOTO + b"retouched")
    fresh = tmp_path / "new-server"
    fresh.mkdir()
    database = at_the_desk(monkeypatch, fresh)
    assert main(["--lang", "en", "restore", str(folder)]) == 2
    err = capsys.readouterr().err
    expected = "is missing" if damage == "missing" else "differs from the manifest's"
    assert str(copy) in err and expected in err
    assert not database.exists() and not (fresh / "media").exists()


def test_a_restore_refuses_a_folder_that_is_no_backup_or_a_media_folder_in_use(
    office: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """A folder without a manifest is not restored; nor is a backup into evidence already
    there (a mix of two installations' files)."""
    folder = _backup(capsys)
    fresh = tmp_path / "new-server"
    fresh.mkdir()
    database = at_the_desk(monkeypatch, fresh)
    assert main(["--lang", "en", "restore", str(office / "media")]) == 2
    assert "is not a Duban backup manifest" in capsys.readouterr().err
    assert main(["--lang", "en", "restore", str(folder), "--media", str(office / "media")]) == 2
    assert "is not empty" in capsys.readouterr().err
    assert not database.exists()


def test_only_the_newest_backups_are_kept_in_the_folder_the_policy_names(
    office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """backup_keep 2 and an absolute backup_dir: after three backups the two newest are
    there, the oldest removed, and a folder of the operator's own is never touched."""
    target = tmp_path / "other-disk" / "duban"
    _set(office, "backup_dir", str(target))
    _set(office, "backup_keep", 2)
    (target / "notes").mkdir(parents=True)
    taken = [_backup(capsys) for _ in range(3)]
    assert sorted(entry.name for entry in target.iterdir()) == sorted(
        ["notes", taken[1].name, taken[2].name]
    )


def test_on_another_file_system_files_are_copied_once_then_linked_to_the_last_backup(
    office: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """When MEDIA_DIR cannot be linked from the backup folder, the first backup copies the
    photo and the next links to that copy: a daily backup does not copy every file daily."""
    media = office / "media"
    real_link = os.link

    def link(source: str | Path, destination: str | Path) -> None:
        if Path(source).is_relative_to(media):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        real_link(source, destination)

    monkeypatch.setattr(os, "link", link)
    first, second = _backup(capsys), _backup(capsys)
    relative = Path(SHA[:2]) / SHA[2:4] / SHA
    copied = (first / "media" / relative).stat()
    assert copied.st_ino != (media / relative).stat().st_ino
    assert (second / "media" / relative).stat().st_ino == copied.st_ino


def test_a_missing_evidence_file_is_reported_and_the_rest_backed_up(
    office: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The database is backed up even when an evidence file is gone; the command says
    which file and exits 1, and the manifest lists only files that are really there."""
    (office / "media" / SHA[:2] / SHA[2:4] / SHA).unlink()
    assert main(["--lang", "en", "backup"]) == 1
    out, err = capsys.readouterr()
    assert "the database and 0 evidence files" in out
    assert f"not backed up: Evidence file missing: sha256 {SHA} (evidence #1)" in err
    folder = Path(out.removeprefix("backed up into ").split(":")[0])
    assert json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["files"] == []


def test_alive_says_whether_the_database_answers(
    office: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """The container's health check: exit 0 on a database that answers, 1 without one."""
    assert main(["--lang", "en", "alive"]) == 0
    assert capsys.readouterr().out.startswith("alive: the database")
    at_the_desk(monkeypatch, tmp_path)
    assert main(["--lang", "en", "alive"]) == 1
    assert "no database at" in capsys.readouterr().err


def _rewrite_manifest(folder: Path, change) -> None:
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    change(manifest)
    path.write_text(json.dumps(manifest), encoding="utf-8")


def test_a_backup_from_a_newer_version_or_with_a_forged_manifest_is_refused(
    office: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """A backup whose database has a migration this version does not know is not restored
    (the bot could not open it); nor one whose manifest points outside the backup."""
    folder = _backup(capsys)
    copy = folder / "duban.sqlite"
    connection = sqlite3.connect(copy)
    connection.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('duban', '9999_from_the_future', '2030-01-01')"
    )
    connection.commit()
    connection.close()
    digest = hashlib.sha256(copy.read_bytes()).hexdigest()
    _rewrite_manifest(folder, lambda manifest: manifest.update(database_sha256=digest))
    fresh = tmp_path / "new-server"
    fresh.mkdir()
    database = at_the_desk(monkeypatch, fresh)
    assert main(["--lang", "en", "restore", str(folder)]) == 2
    assert "9999_from_the_future" in capsys.readouterr().err

    other = _backup_again(office, monkeypatch, capsys)
    _rewrite_manifest(other, lambda manifest: manifest["files"][0].update(path="../../x"))
    at_the_desk(monkeypatch, fresh)
    assert main(["--lang", "en", "restore", str(other)]) == 2
    assert "is not a Duban backup manifest" in capsys.readouterr().err
    assert not database.exists() and not (fresh / "media").exists()


def _backup_again(office: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> Path:
    at_the_desk(monkeypatch, office)
    return _backup(capsys)


def test_a_full_disk_leaves_no_half_backup_and_a_crash_leftover_is_cleared(
    office: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """A backup that cannot be finished (the disk is full) says so and leaves nothing that
    looks like a backup, nor a record of one; the folder a crashed backup left behind is
    removed by the next backup that finishes."""
    crashed = office / "backups" / "duban-20240101-000000Z.partial"
    (crashed / "media").mkdir(parents=True)

    def full(_source: object, _destination: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(os, "link", full)
        patch.setattr(shutil, "copy2", full)
        assert main(["--lang", "en", "backup"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("duban: the backup failed and left nothing half-written")
    assert "No space left on device" in err
    assert [entry.name for entry in (office / "backups").iterdir()] == [crashed.name]
    assert last_backup(open_database(office / "duban.sqlite")) is None
    folder = _backup(capsys)
    assert [entry.name for entry in (office / "backups").iterdir()] == [folder.name]
