"""Every file of this repository that a comment or docstring cites exists and holds
something: a Markdown file a heading and some text, any other file more than blanks. Only
comments cite most of docs/ (a merge once emptied docs/knowledge/log-wordings.md and no
test noticed). Read: the project's Python (comments and docstrings), and the comments of
dev, .ci/ and scripts/. No stand-in: the source files are read as text."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# a sealed test set: never read, not even to list it
SEALED = "tests/realworld/sealed/"
PYTHON_FOLDERS = ("petstore_tui", "petstore_core", "checks", "tests", "scripts", "bench", "petstore-app")
SHELL_FILES = ("dev",)
SHELL_FOLDERS = (".ci", "scripts")
# Cited paths that are not files of ours, each with why.
NOT_OURS = {
    "docs/install/iam_policy.json": "the controller's own repository (checks/alb_releases.py)",
    "terraform/NAME.tf": "a pattern for any Terraform file (petstore_tui/fixes/duplicate_output.py)",
}
EXTENSIONS = "md|ya?ml|py|tf|tfvars|json|txt|lock|c|tcss|sh|toml|cfg|ini|conf"
# A path: a first part then folders, ending in a file name with a known extension; not
# part of a longer path or URL (the lookbehind) and not a folder of a longer path.
CITED = re.compile(rf"(?<![\w./:-])((?:\.ci|[A-Za-z_][\w.-]*)(?:/[\w.<>{{}}*-]+)*\.(?:{EXTENSIONS}))(?![\w/-])")


def source_files(repo: Path) -> list[Path]:
    files = [p for folder in PYTHON_FOLDERS for p in sorted((repo / folder).rglob("*.py"))
             if not p.relative_to(repo).as_posix().startswith(SEALED)]
    files += [p for p in sorted(repo.glob("*.py"))]
    files += [repo / name for name in SHELL_FILES if (repo / name).is_file()]
    files += [p for folder in SHELL_FOLDERS for p in sorted((repo / folder).rglob("*"))
              if p.is_file() and p.suffix in ("", ".sh") and "__pycache__" not in p.parts]
    return files


def python_texts(source: str) -> list[tuple[int, str]]:
    """(line, text) of every comment and docstring."""
    out = [(t.start[0], t.string) for t in tokenize.generate_tokens(io.StringIO(source).readline)
           if t.type == tokenize.COMMENT]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = node.body[0] if node.body else None
            if isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant) and isinstance(doc.value.value, str):
                out.append((doc.lineno, doc.value.value))
    return sorted(out)


def shell_texts(source: str) -> list[tuple[int, str]]:
    """(line, text) of every comment: from a # that starts a word to the line's end."""
    out = []
    for number, line in enumerate(source.splitlines(), 1):
        match = re.search(r"(?:^|\s)#(?!!)", line)
        if match:
            out.append((number, line[match.end():]))
    return out


def cited_paths(text: str, repo: Path) -> list[str]:
    """The repository paths a text cites: a path under one of the repository's top folders,
    or a bare name that is a top-level file (README.md). Patterns (<id>, {name}, *) are no
    file and are left out."""
    found = []
    for path in CITED.findall(text):
        path = path.rstrip(".")
        first, _, rest = path.partition("/")
        if any(c in path for c in "<>{}*") or path in NOT_OURS or path.startswith(SEALED):
            continue
        if rest and (repo / first).is_dir() or not rest and (path == "README.md" or (repo / path).is_file()):
            found.append(path)
    return found


def problem_with(path: Path) -> str | None:
    if not path.is_file():
        return "missing"
    text = path.read_text(encoding="utf-8", errors="replace")
    if not text.strip():
        return "empty"
    if path.suffix == ".md":
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if not any(line.startswith("#") for line in lines):
            return "no heading"
        if not any(not line.startswith("#") for line in lines):
            return "a heading and no text"
    return None


def problems(repo: Path) -> list[str]:
    out = []
    for source in source_files(repo):
        text = source.read_text(encoding="utf-8")
        texts = python_texts(text) if source.suffix == ".py" else shell_texts(text)
        for number, comment in texts:
            for cited in cited_paths(comment, repo):
                problem = problem_with(repo / cited)
                if problem:
                    out.append(f"{source.relative_to(repo)}:{number} cites {cited}: {problem}")
    return out


def test_every_cited_file_exists_and_holds_something():
    found = problems(REPO)
    assert not found, "\n".join(found)


def test_the_finder_sees_what_it_must():
    """So a test that finds nothing is not a finder that sees nothing: the real tree cites
    the docs a merge once emptied, and a path is found in the shapes comments use."""
    cited = {c for source in source_files(REPO) if source.suffix == ".py"
             for _n, text in python_texts(source.read_text(encoding="utf-8")) for c in cited_paths(text, REPO)}
    assert {"docs/knowledge/log-wordings.md", "docs/runbook.md", "README.md",
            "docs/knowledge/podman-sandbox.md"} <= cited
    assert cited_paths("(docs/knowledge/kubeconfig.md), see README.md.", REPO) == [
        "docs/knowledge/kubeconfig.md", "README.md"]
    assert cited_paths("checks/catalog/<id>/failure.yaml and https://x.io/docs/a.md", REPO) == []
    assert cited_paths("the controller's docs/install/iam_policy.json", REPO) == []
    assert shell_texts('echo "#1" # see docs/runbook.md\n#!/bin/sh\n') == [(1, " see docs/runbook.md")]


def test_an_emptied_cited_doc_fails(tmp_path):
    """The merge that emptied docs/knowledge/log-wordings.md, on a small tree: the doc as it
    was passes; emptied, gone, or left with a heading alone, the test names the citing line."""
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "wording.py").write_text(
        '"""Wordings (docs/knowledge/log-wordings.md)."""\n\nX = 1  # the list: docs/knowledge/log-wordings.md\n')
    (tmp_path / "dev").write_text("#!/usr/bin/env bash\n# README.md says how\necho hi\n")
    (tmp_path / "README.md").write_text("# petstore\n\nWhat it is.\n")
    doc = tmp_path / "docs" / "knowledge" / "log-wordings.md"
    doc.parent.mkdir(parents=True)
    doc.write_text("# Log wordings\n\nThe lines each program prints.\n")
    assert problems(tmp_path) == []
    doc.write_text("")
    assert problems(tmp_path) == ["checks/wording.py:1 cites docs/knowledge/log-wordings.md: empty",
                                  "checks/wording.py:3 cites docs/knowledge/log-wordings.md: empty"]
    doc.write_text("# Log wordings\n")
    assert problems(tmp_path)[0].endswith("a heading and no text")
    doc.unlink()
    (tmp_path / "README.md").write_text("\n")
    assert problems(tmp_path) == ["checks/wording.py:1 cites docs/knowledge/log-wordings.md: missing",
                                  "checks/wording.py:3 cites docs/knowledge/log-wordings.md: missing",
                                  "dev:2 cites README.md: empty"]
