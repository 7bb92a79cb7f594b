"""config.files: every file the deploy reads parses and builds, or the failure says where: terraform/*.tf and the tfvars Terraform loads (python-hcl2, confirmed by `terraform fmt`), references to undeclared variables and locals, JSON under terraform/, every YAML file under kubernetes/ and each overlay through `kubectl kustomize`."""

from __future__ import annotations

import json
import re
from pathlib import Path

from checks.model import CheckResult
from checks.preflight.base import Check
from checks.preflight.config._sources import manifests, terraform
from checks.preflight.context import CheckContext, in_thread
from checks.project.terraform import Terraform
from checks.project.terraform_files import FileProblem
from petstore_core.process import ToolNotFound
from petstore_core.words import counted

TERRAFORM_ERROR = re.compile(r"Error: (?P<what>.+?)\n\s*\n\s*on (?P<file>\S+) line (?P<line>\d+)", re.S)


def json_problems(project: Path) -> list[FileProblem]:
    out = []
    for path in sorted((project / "terraform").rglob("*.json")) if (project / "terraform").is_dir() else []:
        if ".terraform" in path.parts or path.name.endswith(".tfstate.json"):
            continue
        try:
            json.loads(path.read_text(errors="replace"))
        except ValueError as exc:
            out.append(FileProblem(str(path.relative_to(project)), getattr(exc, "lineno", None),
                                   f"not valid JSON: {getattr(exc, 'msg', exc)}"))
    return out


def undeclared(tf: Terraform) -> list[FileProblem]:
    """var.X and local.X that nothing declares (Terraform refuses them at plan), and -var
    values for variables nobody declares."""
    out = []
    for name, text in tf.raw.items():
        for number, line in enumerate(text.splitlines(), 1):
            code = line.split("#", 1)[0].split("//", 1)[0]
            for kind, ref in re.findall(r"(?<![\w.])(var|local)\.([A-Za-z_][\w-]*)", code):
                known = tf.variables if kind == "var" else tf.config.locals
                if ref not in known:
                    what = "input variable" if kind == "var" else "local value"
                    out.append(FileProblem(f"terraform/{name}", number,
                                           f"Reference to undeclared {what} {kind}.{ref}"))
    for source, name in tf.cli_names():
        if name not in tf.variables:
            out.append(FileProblem(source, None, f"Value for undeclared variable {name!r} (the runbook passes it)"))
    return out


class ConfigFilesCheck(Check):
    id = "config.files"
    group = "config"
    title = "Files parse and build"

    async def run(self, ctx: CheckContext) -> CheckResult:
        tf = await in_thread(terraform, ctx)
        problems: list[FileProblem] = []
        notes: list[str] = []
        for problem in tf.problems:
            confirmed = await self._terraform_says(ctx, problem)
            if confirmed is False:
                notes.append(f"unknown: {problem.file} is read by Terraform but not by python-hcl2 "
                             f"({problem.message}); checks treat its values as unknown")
            else:
                problems.append(confirmed or problem)
        problems += await in_thread(undeclared, tf) if not tf.problems else []
        problems += await in_thread(json_problems, Path(ctx.project_dir))
        rendered = await manifests(ctx)
        problems += rendered.failures
        notes += rendered.problems
        undeclared_only = problems and all(p.message.startswith(("Reference to undeclared", "Value for undeclared"))
                                           for p in problems)
        if problems:
            return self.failed(f"{counted(len(problems), 'problem')}: {problems[0]}", "\n".join(map(str, problems + notes)),
                               "fix each file at the line named (terraform fmt and kubectl kustomize report the "
                               "same); a file that does not parse stops terraform plan or kubectl apply",
                               "terraform-undeclared-variable" if undeclared_only else "")
        if notes and any(n.startswith("unknown:") for n in notes):
            return self.warned(next(n for n in notes if n.startswith("unknown:")), "\n".join(notes))
        overlays = sorted({w for w, _d in rendered.documents})
        if not tf.raw and not overlays:
            return self.skipped(f"nothing to parse: no terraform/*.tf and no overlay under {ctx.project_dir}/kubernetes")
        parse = "parses" if len(tf.raw) == 1 else "parse"
        return self.passed(f"{counted(len(tf.raw), 'Terraform file')} {parse}; {', '.join(overlays) or 'no overlay'} build "
                           f"({rendered.how})", "\n".join(notes))

    async def _terraform_says(self, ctx: CheckContext, problem: FileProblem) -> FileProblem | bool | None:
        """Terraform's own verdict on a file python-hcl2 refused: its error (True case), False
        when Terraform parses it, None when Terraform cannot be asked."""
        if not problem.file.endswith(".tf"):
            return None
        path = Path(ctx.project_dir) / problem.file
        try:
            done = await ctx.run_tool(["terraform", "fmt", "-check", "-list=false", "-no-color", str(path)], 10.0)
        except (ToolNotFound, FileNotFoundError):
            return None
        if done.returncode in (0, 3):  # parses (3: would reformat)
            return False
        found = TERRAFORM_ERROR.search(done.stderr or "")
        if found:
            return FileProblem(problem.file, int(found.group("line")), f"does not parse: {found.group('what').strip()}")
        return None
