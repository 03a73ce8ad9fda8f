"""Every scenario runs for people on Telegram and on DingTalk, or says why it cannot.

Issue 16 asks that every Telegram scenario a DingTalk person could run be run on both
platforms, or be marked ✗ in the README's table of features by platform with the reason.
So each module under tests/scenarios/ is marked ``both_platforms`` or ``telegram_only``
(tests/conftest.py), and each ``telegram_only`` reason — a module's or a test's — is written
in that table, word for word: a scenario cannot drop a platform without the README saying so.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "tests" / "scenarios").glob("test_*.py"))


def _marker(node: ast.expr) -> tuple[str, str | None] | None:
    """``pytest.mark.NAME`` or ``pytest.mark.NAME("reason")``: (NAME, reason)."""
    call = node if isinstance(node, ast.Call) else None
    target = call.func if call is not None else node
    if not (isinstance(target, ast.Attribute) and ast.unparse(target.value) == "pytest.mark"):
        return None
    reason = None
    if call is not None and call.args and isinstance(call.args[0], ast.Constant):
        reason = str(call.args[0].value)
    return target.attr, reason


def _module_marks(tree: ast.Module) -> list[tuple[str, str | None]]:
    marks = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets
        ):
            values = node.value.elts if isinstance(node.value, ast.List) else [node.value]
            marks += [m for m in map(_marker, values) if m is not None]
    return marks


def _test_marks(tree: ast.Module) -> list[tuple[str, str | None]]:
    marks = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            marks += [m for m in map(_marker, node.decorator_list) if m is not None]
    return marks


def _feature_table() -> str:
    """The README's table of every feature by platform."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("**Every feature by platform.**")
    return readme[start : readme.index("\n\n", readme.index("| feature |", start))]


def test_every_scenario_module_names_its_platforms() -> None:
    unmarked = [
        path.name
        for path in SCENARIOS
        if not {name for name, _ in _module_marks(ast.parse(path.read_text(encoding="utf-8")))}
        & {"both_platforms", "telegram_only"}
    ]
    assert SCENARIOS, "no scenario modules found"
    assert not unmarked, f"mark these both_platforms or telegram_only: {unmarked}"


def test_every_telegram_only_reason_is_in_the_feature_table() -> None:
    table = _feature_table()
    missing = []
    for path in SCENARIOS:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name, reason in _module_marks(tree) + _test_marks(tree):
            if name != "telegram_only":
                continue
            assert reason, f"{path.name}: telegram_only needs its reason"
            if reason not in table:
                missing.append(f"{path.name}: {reason}")
    assert not missing, "write these as ✗ rows of the README's feature table:\n" + "\n".join(
        missing
    )


def test_the_guard_reads_markers() -> None:
    """The checks above see what pytest sees: the worked example is on both platforms."""
    tree = ast.parse((ROOT / "tests/scenarios/test_followup.py").read_text(encoding="utf-8"))
    assert ("both_platforms", None) in _module_marks(tree)
    example = ast.parse('@pytest.mark.telegram_only("no location")\ndef test_x(): pass')
    assert _test_marks(example) == [("telegram_only", "no location")]
