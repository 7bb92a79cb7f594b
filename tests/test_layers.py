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


def _modules(root: Path) -> dict[str, Path]:
    return {_module_name(p, root): p for pkg in PACKAGES for p in (root / pkg).rglob("*.py")}


def _runtime_imports(tree: ast.Module):
    """(import node, inside a function) for every import that runs: those under `if
    TYPE_CHECKING:` never do."""
    def walk(node, in_function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                yield from walk(ast.Module(body=child.orelse, type_ignores=[]), in_function)
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child, in_function
            yield from walk(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)))
    yield from walk(tree, False)


def import_graph(root: Path = REPO) -> dict[str, set[str]]:
    """module -> the modules of the three packages its imports run, imports inside functions
    included. `from pkg import name` runs pkg's __init__; `import a.b.c` runs a and a.b too
    (except the packages the importing module sits in, which are already running)."""
    modules = _modules(root)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    # C extensions (checks/engine/_line_scan.c, built by setup.py) are modules that import
    # none of ours: without them, importing one would read as importing its package
    native = {_module_name(p.with_suffix(".py"), root) for pkg in PACKAGES for p in (root / pkg).rglob("*.c")}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node, _ in _runtime_imports(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
            for target in targets:
                module = target
                while module and module not in modules and module not in native:  # a name defined in a module
                    module = module.rpartition(".")[0]
                if module and module != name and module not in native:
                    graph[name].add(module)
                parts = target.split(".")
                for i in range(1, len(parts)):  # the packages above it, unless already running
                    ancestor = ".".join(parts[:i])
                    if ancestor in modules and ancestor != name and not name.startswith(ancestor + "."):
                        graph[name].add(ancestor)
    return graph


def import_circles(root: Path = REPO) -> list[list[str]]:
    """The groups of modules that import each other, directly or around a loop (Tarjan's
    strongly connected components, without recursion)."""
    graph = import_graph(root)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    circles.append(sorted(group))
    return circles


def test_no_import_circles():
    """Stand-in: none; every module of the three packages, imports inside functions
    included (import-linter does not see those)."""
    assert import_circles() == []


def test_the_circle_check_sees_a_planted_circle(tmp_path):
    """Stand-in: a package written to tmp_path whose __init__ re-exports a module that
    imports the package back inside a function."""
    package = tmp_path / "checks" / "things"
    package.mkdir(parents=True)
    (tmp_path / "checks" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("from checks.things.child import run\n")
    (package / "child.py").write_text("def run():\n    from checks.things import helper\n")
    (package / "helper.py").write_text("")
    for other in ("petstore_core", "petstore_tui"):
        (tmp_path / other).mkdir()
    assert import_circles(tmp_path) == [["checks.things", "checks.things.child"]]


# An import inside a function stays only for an optional dependency or for start-up time,
# with a comment saying which (issue 11): on its line, or in the comment lines right above
# it or above the run of imports it belongs to.
REASONS = ("start-up", "optional")


def _has_reason(lines: list[str], node: ast.stmt) -> bool:
    if any("#" in line and any(r in line.split("#", 1)[1] for r in REASONS)
           for line in lines[node.lineno - 1:node.end_lineno]):
        return True
    row = node.lineno - 2
    while row >= 0:
        text = lines[row].strip()
        if text.startswith("#"):
            if any(r in text for r in REASONS):
                return True
        elif not text.startswith(("from ", "import ", ")")) and not text.endswith((",", "(")):
            return False
        row -= 1
    return False


def unexplained_function_imports(root: Path = REPO) -> list[str]:
    """`file:line import` for each import inside a function without a start-up or optional
    comment."""
    found = []
    for path in _modules(root).values():
        text = path.read_text()
        lines = text.splitlines()
        for node, in_function in _runtime_imports(ast.parse(text)):
            if in_function and not _has_reason(lines, node):
                found.append(f"{path.relative_to(root)}:{node.lineno} {ast.unparse(node)}")
    return sorted(found)


def test_imports_inside_functions_say_why():
    """Stand-in: none; every module of the three packages, read with ast."""
    assert unexplained_function_imports() == []


def test_the_function_import_check_sees_an_unexplained_import(tmp_path):
    """Stand-in: a module written to tmp_path with one explained and one bare import."""
    (tmp_path / "petstore_core").mkdir()
    (tmp_path / "petstore_core" / "__init__.py").write_text("")
    (tmp_path / "petstore_core" / "lazy.py").write_text(
        "def client():\n"
        "    # start-up: the kubernetes client is ~300 modules\n"
        "    from kubernetes import client\n"
        "    import os\n"
        "    return client, os\n"
        "\n"
        "def version():\n"
        "    import json\n"
        "    return json\n")
    for other in ("checks", "petstore_tui"):
        (tmp_path / other).mkdir()
    assert unexplained_function_imports(tmp_path) == ["petstore_core/lazy.py:8 import json"]
