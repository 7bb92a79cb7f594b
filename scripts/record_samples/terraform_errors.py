"""Record real Terraform configuration errors with `terraform validate`.

Duplicate output (the same output in main.tf and outputs.tf), duplicate resource, and a
reference to an undeclared variable, each in human and `-json` form, plus a valid
configuration's `Success!` as a negative. Providers come from the local mirror only
(settings.provider_mirror / settings.terraform_cli_config); these errors are found while
loading the configuration, so no provider is needed for most of them.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, Skip, environ, main_wrapper, run, scratch_dir, write_sample  # noqa: E402

sys.path.insert(0, str(REPO))

DUP_OUTPUT = "terraform-duplicate-output"
DUP_RESOURCE = "terraform-duplicate-resource"
UNDECLARED = "terraform-undeclared-variable"

MAIN_WITH_OUTPUT = '''\
variable "cluster_name" {
  type    = string
  default = "petstore-dev"
}

resource "terraform_data" "cluster" {
  input = var.cluster_name
}

output "cluster_name" {
  description = "EKS cluster name"
  value       = terraform_data.cluster.output
}
'''

OUTPUTS = '''\
output "cluster_name" {
  description = "Name of the EKS cluster"
  value       = terraform_data.cluster.output
}
'''

DUP_RESOURCE_TF = '''\
resource "terraform_data" "webhook_ingress" {
  input = 9443
}

resource "terraform_data" "webhook_ingress" {
  input = 9443
}
'''

UNDECLARED_TF = '''\
resource "terraform_data" "node_group" {
  input = var.node_instance_type
}
'''


def terraform() -> str:
    found = shutil.which("terraform")
    if found is None:
        raise Skip("terraform not found")
    return found


def tf_env(work: Path) -> dict:
    env = environ(TF_IN_AUTOMATION="1", TF_INPUT="0", CHECKPOINT_DISABLE="1",
                  TF_CLI_CONFIG_FILE=str(work / "terraformrc"))
    try:
        from petstore_core import settings
        mirror = settings.provider_mirror()
        if mirror is not None:
            settings.terraform_cli_config(mirror, work / "terraformrc")
    except ImportError:
        pass
    if not (work / "terraformrc").exists():
        (work / "terraformrc").write_text("")
    return env


def validate(folder: Path, env: dict, *, json_output: bool, color: bool = False) -> str:
    argv = [terraform(), f"-chdir={folder}", "validate"]
    if not color:
        argv.append("-no-color")
    if json_output:
        argv.append("-json")
    result = run(argv, timeout=120, env=env)
    return result.stdout + result.stderr


def record() -> None:
    tf = terraform()
    version = run([tf, "version"], timeout=60).stdout.splitlines()[0]
    v = version.replace("Terraform ", "Terraform ")
    work = scratch_dir("petstore-tf-")
    env = tf_env(work)

    dup = work / "duplicate-output"
    dup.mkdir()
    (dup / "main.tf").write_text(MAIN_WITH_OUTPUT)
    (dup / "outputs.tf").write_text(OUTPUTS)
    text = validate(dup, env, json_output=False)
    if "Duplicate output definition" not in text:
        raise Skip(f"terraform validate did not report the duplicate output: {text[-300:]}")
    write_sample(DUP_OUTPUT, "positive", "recorded-validate.log", "terraform_errors.py", v,
                 "$ terraform validate\n" + text)
    write_sample(DUP_OUTPUT, "positive", "recorded-validate-json.log", "terraform_errors.py", v,
                 validate(dup, env, json_output=True))
    colored = validate(dup, env, json_output=False, color=True)
    if "\x1b[" in colored:  # ANSI colour, as a terminal shows it
        write_sample(DUP_OUTPUT, "positive", "recorded-validate-color.log", "terraform_errors.py",
                     v, "$ terraform validate\n" + colored)

    ok = work / "valid"
    ok.mkdir()
    (ok / "main.tf").write_text(MAIN_WITH_OUTPUT)
    text = validate(ok, env, json_output=False)
    if "Success!" in text:
        for entry in (DUP_OUTPUT, DUP_RESOURCE, UNDECLARED):
            write_sample(entry, "negative", "recorded-validate-success.log",
                         "terraform_errors.py", v, "$ terraform validate\n" + text)

    dres = work / "duplicate-resource"
    dres.mkdir()
    (dres / "main.tf").write_text(DUP_RESOURCE_TF)
    text = validate(dres, env, json_output=False)
    if "Duplicate resource" in text:
        write_sample(DUP_RESOURCE, "positive", "recorded-validate.log", "terraform_errors.py", v,
                     "$ terraform validate\n" + text)
        write_sample(DUP_RESOURCE, "positive", "recorded-validate-json.log",
                     "terraform_errors.py", v, validate(dres, env, json_output=True))

    undeclared = work / "undeclared-variable"
    undeclared.mkdir()
    (undeclared / "main.tf").write_text(UNDECLARED_TF)
    text = validate(undeclared, env, json_output=False)
    if "undeclared input variable" in text:
        write_sample(UNDECLARED, "positive", "recorded-validate.log", "terraform_errors.py", v,
                     "$ terraform validate\n" + text)
        write_sample(UNDECLARED, "positive", "recorded-validate-json.log",
                     "terraform_errors.py", v, validate(undeclared, env, json_output=True))


if __name__ == "__main__":
    sys.exit(main_wrapper(record))
