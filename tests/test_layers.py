"""The layers of docs/ARCHITECTURE.md hold: the import-linter contracts of pyproject.toml
([tool.importlinter]) are kept, and no module takes a name from its own package's
__init__ (a package's __init__ holds a docstring and at most re-exports; base classes
live in their own modules).

Stand-in: none; the real lint-imports from the dev extra, and the real source tree."""

from __future__ import annotations

import ast
import shutil
import sys
from pathlib import Path

from petstore_core import process

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("petstore_core", "checks", "petstore_tui")
# the one name a package's __init__ may give its own modules: the version
ALLOWED_FROM_INIT = {"petstore_tui.__version__"}


def test_import_contracts_are_kept():
    """Stand-in: none; `lint-imports` over the three packages, imports inside functions
    included."""
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert lint is not None, "lint-imports is missing: pip install -e '.[dev]' (./dev setup)"
    result = process.run([lint, "--no-cache"], timeout=300, cwd=REPO)
    assert not result.timed_out
    assert result.returncode == 0, result.stdout + result.stderr


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def own_package_imports(root: Path = REPO) -> list[str]:
    """`file:line name` for each name a module imports from its own package (or an
    ancestor package) that is not a module of it: a name defined in that __init__."""
    modules = {_module_name(p, root): p for pkg in PACKAGES for p in (root / pkg).rglob("*.py")}
    found = []
    for name, path in modules.items():
        if path.name == "__init__.py":
            continue
        parts = name.split(".")
        ancestors = {".".join(parts[:i]) for i in range(1, len(parts))}
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and not node.level and node.module in ancestors:
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    if full not in modules and full not in ALLOWED_FROM_INIT:
                        found.append(f"{path.relative_to(root)}:{node.lineno} {full}")
    return found


def test_no_module_takes_names_from_its_own_package_init():
    """Stand-in: none; every module of the three packages, read with ast."""
    assert own_package_imports() == []


def test_the_own_package_check_sees_a_planted_import(tmp_path):
    """Stand-in: a two-module package written to tmp_path, so the check above can fail."""
    package = tmp_path / "petstore_core" / "things"
    package.mkdir(parents=True)
    (tmp_path / "petstore_core" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("class Base:\n    pass\n")
    (package / "child.py").write_text("from petstore_core.things import Base\n")
    for other in PACKAGES[1:]:
        (tmp_path / other).mkdir()
    assert own_package_imports(tmp_path) == ["petstore_core/things/child.py:1 petstore_core.things.Base"]
