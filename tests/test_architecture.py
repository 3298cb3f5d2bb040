"""The apps' dependency rule: `members` is the hub; the other apps depend on it and on
`otop_portal.lib`, never on each other, and `members` never imports them."""

import ast
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
APPS = ["members", "equipment", "savings", "fairs"]
FORBIDDEN = {
    "members": {"equipment", "savings", "fairs"},
    "equipment": {"savings", "fairs"},
    "savings": {"equipment", "fairs"},
    "fairs": {"equipment", "savings"},
    "otop_portal": {"members", "equipment", "savings", "fairs"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_apps_import_only_what_they_may(package):
    offending = []
    for path in (BASE_DIR / package).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        bad = _imports(path) & FORBIDDEN[package]
        if bad:
            offending.append(f"{path.relative_to(BASE_DIR)} imports {sorted(bad)}")
    assert offending == []


def test_the_check_sees_an_import_when_there_is_one(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("from savings.models import Loan\nimport fairs.services\n")
    assert _imports(module) >= {"savings", "fairs"}


def test_constraints_pin_versions_from_the_index_only():
    """A `name @ file:///…` pin installs on the machine that locked it and nowhere else."""
    lines = (BASE_DIR / "constraints.txt").read_text().splitlines()
    local = [line for line in lines if " @ " in line]
    assert not local, f"constraints.txt pins local files: {local}"
