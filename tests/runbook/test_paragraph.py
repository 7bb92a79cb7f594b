"""A paragraph for the terminal (petstore_core/paragraph.py): wrapped between words, each
`command` whole on its own line, the punctuation that closed it dropped.

Stand-in: none (text only); $COLUMNS set as a terminal's width would be."""

from __future__ import annotations

import os

from petstore_core.paragraph import FALLBACK, for_terminal, terminal_width

LONG = "terraform -chdir=/a/very/long/state/folder/work/sandbox-us-east-1-petstore-sandbox/terraform plan"


def test_commands_stand_whole_on_their_own_lines_and_the_prose_wraps():
    text = (f"Next, before any other run, a plan that reads only and names the lock: `{LONG}`. "
            "Then, once no other Terraform runs, unlock it: `terraform force-unlock ID`; then resume.")
    lines = for_terminal(text, 40).splitlines()
    assert f"    {LONG}" in lines and "    terraform force-unlock ID" in lines
    assert all(len(line) <= 40 for line in lines if not line.startswith("    "))
    assert lines[lines.index(f"    {LONG}") + 1].startswith("Then,")  # no stray "." line
    assert lines[-1] == "then resume."
    assert "`" not in "\n".join(lines)


def test_the_width_is_the_terminals_and_80_without_one(monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    assert terminal_width() == 120
    monkeypatch.delenv("COLUMNS")

    def not_a_terminal(*_):
        raise OSError("Inappropriate ioctl for device")  # stdout piped or redirected

    monkeypatch.setattr(os, "get_terminal_size", not_a_terminal)
    assert terminal_width() == FALLBACK == 80


def test_the_width_is_that_of_the_stream_written_to(monkeypatch):
    """Stand-ins: stdout a terminal of 200 columns (descriptor 1), stderr one of 100
    (descriptor 2), then stderr redirected to a file (io.StringIO: no terminal). Before, the
    width was always stdout's: stderr's notes ran to 200 columns on a 100-column terminal,
    and to stdout's width when redirected to a file."""
    import io

    from tests.support.terminals import TerminalStream, widths

    widths(monkeypatch, {1: 200, 2: 100})
    stdout, stderr = TerminalStream(1), TerminalStream(2)
    monkeypatch.setattr("sys.stdout", stdout)
    assert terminal_width(stderr) == 100 and terminal_width(stdout) == terminal_width() == 200
    assert terminal_width(io.StringIO()) == FALLBACK == 80
    text = "stopped at terraform-apply; run the same command again to resume there " * 3
    assert max(len(line) for line in for_terminal(text, stream=stderr).splitlines()) <= 100
    assert max(len(line) for line in for_terminal(text, stream=io.StringIO()).splitlines()) <= 80
    assert max(len(line) for line in for_terminal(text, stream=stdout).splitlines()) > 100


def test_a_hanging_indent_under_a_marker():
    """The headless runbook's "<== step stopped: ..." and "    finding ..." lines: the first
    line keeps its own indent, the next ones hang under it, a command still alone."""
    text = "    fix: make the subnets discoverable by tagging them, then run `terraform apply` again"
    lines = for_terminal(text, 40, hang="      ").splitlines()
    assert lines[0].startswith("    fix: ") and all(line.startswith("      ") for line in lines[1:])
    assert "          terraform apply" in lines and all(len(line) <= 40 for line in lines)


def test_wrap_never_breaks_a_word_a_command_a_quoted_span_or_a_json_pair():
    """petstore_core.paragraph.wrap, the one wrap of the text reports: a hyphenated path
    whole (diagnose broke it at its hyphens), a command with its options, a `quoted` span,
    a JSON key with its value, and the spans it is given."""
    from petstore_core.paragraph import wrap

    text = ('replace terraform/policies/aws-load-balancer-controller.json, then run '
            'aws eks update-kubeconfig --name petstore-eks --region eu-west-1 and read `kubectl get pods -A` '
            'where "private_key_id": "0123456789abcdef" says could not run (needs aws.region): as above')
    lines = wrap(text, 30, first="  ", hang="    ", whole=("could not run (needs aws.region):",))
    joined = "\n".join(lines)
    for span in ("terraform/policies/aws-load-balancer-controller.json,",
                 "aws eks update-kubeconfig --name petstore-eks --region eu-west-1",
                 "`kubectl get pods -A`", '"private_key_id": "0123456789abcdef"', "could not run (needs aws.region):"):
        assert any(span in line for line in lines), (span, joined)
    assert lines[0].startswith("  replace") and all(line.startswith("    ") for line in lines[1:])
    assert " ".join(" ".join(lines).split()) == " ".join(text.split())


def test_prose_that_names_a_program_is_not_a_command():
    """"kubectl or helm could not open a connection" kept whole ran past the width."""
    from petstore_core.paragraph import wrap

    lines = wrap("kubectl or helm could not open a connection to the cluster's API server at all", 30)
    assert all(len(line) <= 30 for line in lines), lines
    lines = wrap("aws configure list-profiles lists the profiles there: pass one with --profile", 30)
    assert all(len(line) <= 30 for line in lines), lines
    assert lines[0] == "aws configure list-profiles"
