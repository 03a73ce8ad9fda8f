"""The files in deploy/ (issue 17): the systemd unit passes ``systemd-analyze verify`` with
nothing said on stderr (it exits 0 on unknown keys and bad values, so only its silence
proves anything), and the container file names only paths, modules and commands that
exist (no image can be built here)."""

from __future__ import annotations

import importlib
import json
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from bot.cli.main import build_parser

ROOT = Path(__file__).parents[2]
UNIT = ROOT / "deploy" / "duban.service"
CONTAINERFILE = ROOT / "deploy" / "Containerfile"
ANALYZER = shutil.which("systemd-analyze")
needs_analyzer = pytest.mark.skipif(
    ANALYZER is None, reason="systemd-analyze missing: make system-deps installs it"
)


def _verify(unit_text: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """``systemd-analyze verify`` on the unit text, with ExecStart pointing at this
    checkout's own ``duban`` (the unit's /opt/duban does not exist here)."""
    duban = Path(sys.executable).parent / "duban"
    lines = [
        f"ExecStart={duban} run" if line.startswith("ExecStart=") else line
        for line in unit_text.splitlines()
    ]
    path = folder / "duban.service"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert ANALYZER is not None
    return subprocess.run(
        [ANALYZER, "verify", str(path)],
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=60,
        check=False,
    )


def _keys(unit_text: str) -> dict[str, list[str]]:
    """Every key of the unit with its values (a key may be given more than once)."""
    keys: dict[str, list[str]] = {}
    for line in unit_text.splitlines():
        if "=" in line and not line.lstrip().startswith(("#", ";", "[")):
            key, value = line.split("=", 1)
            keys.setdefault(key.strip(), []).append(value.strip())
    return keys


@needs_analyzer
def test_the_unit_passes_systemd_analyze_verify_in_silence(tmp_path: Path) -> None:
    """Not one line on stderr: no unknown key, no bad value, no missing executable."""
    result = _verify(UNIT.read_text(encoding="utf-8"), tmp_path)
    assert result.stderr == "", result.stderr
    assert result.returncode == 0


@needs_analyzer
def test_the_analyzer_would_complain_of_a_mistake_here(tmp_path: Path) -> None:
    """The check above means something on this machine: a misspelt key and a bad value,
    which still exit 0, each make a line on stderr."""
    broken = UNIT.read_text(encoding="utf-8").replace("ProtectHome=yes", "ProtectHome=maybe")
    broken = broken.replace("NoNewPrivileges=yes", "NoNewPrivilege=yes")
    result = _verify(broken, tmp_path)
    assert "protect home value" in result.stderr
    assert "Unknown key 'NoNewPrivilege'" in result.stderr


def test_the_unit_runs_as_its_own_user_with_only_the_data_folder_writable() -> None:
    """What issue 17 asks of the unit, key by key."""
    keys = _keys(UNIT.read_text(encoding="utf-8"))
    assert keys["User"] == ["duban"] and keys["Group"] == ["duban"]
    assert keys["Restart"] == ["always"] and keys["StartLimitIntervalSec"] == ["0"]
    assert keys["ProtectSystem"] == ["strict"] and keys["NoNewPrivileges"] == ["yes"]
    assert keys["StateDirectory"] == ["duban"]
    assert keys["ReadWritePaths"] == ["/var/lib/duban"]
    assert keys["WorkingDirectory"] == ["/var/lib/duban"]
    assert keys["EnvironmentFile"] == ["/etc/duban/duban.env"]
    assert keys["ExecStart"] == ["/opt/duban/.venv/bin/duban run"]
    assert "MemoryDenyWriteExecute" not in keys  # the builder process needs libffi


def _instructions(text: str) -> list[tuple[str, str]]:
    """The container file's instructions, continuation lines joined, comments dropped."""
    joined: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        joined.append(pending + line)
        pending = ""
    assert not pending, "a continuation runs off the end of the file"
    result = []
    for line in joined:
        word, _, rest = line.partition(" ")
        result.append((word.upper(), rest.strip()))
    return result


def _exec_form(value: str) -> list[str]:
    """A JSON array (exec form) as the container runtime reads it."""
    words = json.loads(value)
    assert isinstance(words, list) and all(isinstance(word, str) for word in words)
    return words


def _subcommands() -> set[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return set(action.choices)


def test_the_container_file_names_only_what_exists() -> None:
    """Every COPY source is in the repository and together they hold every package
    pyproject.toml installs; the entry point is the console script ``duban``, whose module
    and function exist; its command and the health check are subcommands of it."""
    instructions = _instructions(CONTAINERFILE.read_text(encoding="utf-8"))
    copied: list[str] = []
    for word, rest in instructions:
        if word == "COPY":
            *sources, _target = shlex.split(rest)
            assert not any(source.startswith("--") for source in sources)
            copied += sources
    for source in copied:
        assert (ROOT / source).exists(), f"COPY names {source}, not in the repository"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = project["tool"]["setuptools"]["packages"]["find"]["include"]
    assert {package.rstrip("*") for package in packages} <= set(copied)
    assert {"pyproject.toml", "README.md"} <= set(copied)  # pip reads both to install
    commands = {word: rest for word, rest in instructions}
    assert _exec_form(commands["ENTRYPOINT"]) == ["duban"]
    module, function = project["project"]["scripts"]["duban"].split(":")
    assert callable(getattr(importlib.import_module(module), function))
    subcommands = _subcommands()
    assert _exec_form(commands["CMD"])[0] in subcommands
    check = _exec_form(commands["HEALTHCHECK"].split(" CMD ", 1)[1])
    assert check[0] == "duban" and check[1] in subcommands
    build_parser().parse_args(check[1:])  # its options are the subcommand's own


def test_the_container_runs_unprivileged_with_its_data_on_the_volume() -> None:
    """A non-root user, and the database and evidence under the declared volume."""
    instructions = _instructions(CONTAINERFILE.read_text(encoding="utf-8"))
    user = [rest for word, rest in instructions if word == "USER"]
    assert user and user[-1].split(":")[0] not in ("root", "0")
    volumes = [Path(v) for word, rest in instructions if word == "VOLUME" for v in _exec_form(rest)]
    settings = {}
    for word, rest in instructions:
        if word == "ENV":
            for pair in shlex.split(rest):
                name, _, value = pair.partition("=")
                settings[name] = value
    for name in ("DATABASE_PATH", "MEDIA_DIR"):
        assert any(Path(settings[name]).is_relative_to(volume) for volume in volumes), name
