"""The `petstore-tui` command line: the TUI with no sub-command, headless sub-commands
otherwise. Only the chosen sub-command's module is imported, and none of them imports
Textual, so `preflight` and `diagnose` start fast.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from pathlib import Path

from petstore_core import regex_cache
from petstore_core.settings import RegionNotSet, Target, state_dir
from petstore_tui import __version__

# name -> (module under petstore_tui.commands, one-line help). Each module provides
# add_arguments(parser) and run(args, target) -> int, and imports heavy things lazily.
COMMANDS: dict[str, tuple[str, str]] = {
    "preflight": ("preflight", "check tools, AWS access and this repository before deploying"),
    "diagnose": ("diagnose", "find known failures in logs, or in the live cluster with --live"),
    "deploy": ("deploy", "run the deploy runbook step by step (resumable)"),
    "destroy": ("destroy", "run the cleanup runbook (Ingress first, then terraform destroy)"),
    "sandbox": ("sandbox", "start, inspect or stop the local AWS emulator"),
    "troubleshoot": ("troubleshoot", "open the TUI on the troubleshooting panel"),
    "ack": ("ack", "acknowledge a finding for one resource, or list acknowledgements"),
    "catalog": ("catalog", "list the known failures, or test your own catalog entries"),
    "drill": ("drill", "list, plant or undo the sandbox's drills (headless)"),
    "fix": ("fix", "apply a mechanical fix for a finding or failed check, verified; list or undo fixes"),
    "leftovers": ("leftovers", "stop the tools a killed petstore-tui left running (never anyone else's)"),
}

# The commands that run external tools: each first stops what a killed run left behind
# (petstore_core/tool_records.py). None is the TUI.
RUNS_TOOLS = frozenset({None, "troubleshoot", "deploy", "destroy", "fix", "drill", "sandbox", "preflight"})


class HelpFormatter(argparse.HelpFormatter):
    """argparse's own formatter, sized without importing shutil (and with it zlib, bz2 and
    lzma): argparse builds a formatter for every add_argument, so every start paid for it."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None):
        if width is None:
            width = _terminal_columns() - 2
        super().__init__(prog, indent_increment, max_help_position, width)


def _terminal_columns() -> int:
    """shutil.get_terminal_size().columns: $COLUMNS, else the terminal's, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def _add_target_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """Options every command takes. On sub-commands they default to SUPPRESS so that
    `petstore-tui --sandbox diagnose` and `petstore-tui diagnose --sandbox` both work."""
    default = argparse.SUPPRESS if suppress else None
    group = parser.add_argument_group("target")
    group.add_argument("--sandbox", action="store_true", default=argparse.SUPPRESS if suppress else False,
                       help="target the local AWS emulator instead of a real account")
    group.add_argument("--profile", default=default, help="AWS profile (default: AWS_PROFILE or the usual chain)")
    group.add_argument("--region", default=default,
                       help="AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, else the profile's region)")
    group.add_argument("--cluster", default=default, help="EKS cluster name")
    group.add_argument("--context", default=default, help="kubeconfig context")
    group.add_argument("--kubeconfig", type=_kubeconfig_path, default=default, metavar="PATH",
                       help="kubeconfig file to use (default: KUBECONFIG, else ~/.kube/config)")
    group.add_argument("--namespace", "-n", default=argparse.SUPPRESS if suppress else "petstore",
                       help="application namespace (default: petstore)")
    group.add_argument("--project-dir", type=_project_dir, default=default,
                       help="checkout of this repository (default: the current one)")


def _project_dir(value: str) -> Path:
    """A checkout of this repository: a folder holding terraform/ or kubernetes/ (else every
    config check would skip and deploy would stop mid-way on a Python error)."""
    path = Path(value).expanduser()
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{value}: {'not a folder' if path.exists() else 'no such folder'}")
    if not ((path / "terraform").is_dir() or (path / "kubernetes").is_dir()):
        raise argparse.ArgumentTypeError(f"{value}: not a checkout of this repository (no terraform/ or kubernetes/)")
    return path


def _kubeconfig_path(value: str) -> Path:
    """A kubeconfig file; it may not exist yet (the deploy runbook's kubeconfig step writes it)."""
    path = Path(value).expanduser()
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{value}: is a folder, not a kubeconfig file")
    return path


def _chosen_command(argv: list[str]) -> str | None:
    for token in argv:
        if token in COMMANDS:
            return token
        if token == "--":
            break
    return None


def _may_name_a_command(argv: list[str]) -> bool:
    """Whether the sub-commands' parsers can matter: a token that is not an option (a
    command, or a typo argparse should answer with the list of commands) or a help
    request. `petstore-tui` and `petstore-tui --sandbox` open the app without building
    ten parsers (start-up, bench/bench_tui.py)."""
    return any(not token.startswith("-") or token in ("-", "--") or token.startswith(("-h", "--h"))
               for token in argv)


def build_parser(argv: list[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="petstore-tui",
        formatter_class=HelpFormatter,
        description="Deploy and diagnose the Pet Store API on AWS EKS. "
        "With no command, opens the app on the preflight screen.",
    )
    parser.add_argument("--version", action="version", version=f"petstore-tui {__version__}")
    _add_target_options(parser, suppress=False)
    parser.add_argument("--catalog", action="append", default=[], metavar="DIR",
                        help="also load catalog entries from DIR (repeatable); see `catalog list`")
    if not _may_name_a_command(argv):
        parser.set_defaults(command=None)
        # a usage error is answered by the whole parser: its usage line lists the commands
        _answer_as_whole(parser)
        return parser
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    chosen = _chosen_command(argv)
    if argv and argv[0] == chosen:
        # the command comes first: argparse can pick no other, and everything after it is
        # its own parser's, so the other ten parsers (~3 ms with their gettext look-ups,
        # bench/bench_diagnose.py) are built only to answer an error or a help request
        _answer_as_whole(parser)
        names = [chosen]
    else:
        names = list(COMMANDS)
    for name in names:
        module_name, help_text = COMMANDS[name]
        sub = subparsers.add_parser(name, help=help_text, description=help_text, formatter_class=HelpFormatter)
        _add_target_options(sub, suppress=True)
        if name == chosen:
            module = importlib.import_module(f"petstore_tui.commands.{module_name}")
            module.add_arguments(sub)
            _add_output_alias(sub)
    return parser


def _answer_as_whole(parser: argparse.ArgumentParser) -> None:
    """A parser holding only some of the commands answers errors and help as the whole one:
    its usage and help list every command."""
    def whole() -> argparse.ArgumentParser:
        return build_parser(["--help"])

    parser.error = lambda message: whole().error(message)  # type: ignore[method-assign]
    parser.format_help = lambda: whole().format_help()  # type: ignore[method-assign]
    parser.format_usage = lambda: whole().format_usage()  # type: ignore[method-assign]


def _add_output_alias(parser: argparse.ArgumentParser) -> None:
    """`-o json` / `--output json` beside every `--json`, as kubectl and the AWS CLI
    users type it (main folds it into args.json)."""
    if "--json" in parser._option_string_actions:
        parser.add_argument("-o", "--output", choices=("json", "text"), default=None,
                            help="json is the same as --json; text (the default) is for people")


def target_from_args(args: argparse.Namespace) -> Target:
    return Target(
        profile=args.profile,
        region=args.region,
        cluster=args.cluster,
        context=args.context,
        namespace=args.namespace,
        sandbox=args.sandbox,
        project_dir=args.project_dir.resolve() if args.project_dir else None,
        kubeconfig=args.kubeconfig.expanduser().resolve() if args.kubeconfig else None,
    )


def main(argv: list[str] | None = None) -> int:
    whole_process = argv is None  # the console script and `python -m petstore_tui`, not a test
    argv = list(sys.argv[1:] if argv is None else argv)
    # a headless command: re's cache filled before its parser and modules compile anything
    cache_dir = _preload_regexes() if whole_process and _chosen_command(argv) is not None else None
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if getattr(args, "output", None) == "json":
        args.json = True
    if args.sandbox and args.profile:  # silently ignoring it would hide which account is meant
        parser.error("--profile names real AWS credentials; the sandbox uses its own: drop one of them")
    if sys.stdout is None:
        # Python's stdout when descriptor 1 is closed (`>&-`): every report would vanish
        # (print() writes nothing) and a command would end 0 having said nothing
        print("petstore-tui: stdout is closed: nothing could be reported (redirect it to a file or "
              "/dev/null instead)", file=sys.stderr)
        return 2
    target = target_from_args(args)
    try:
        if args.command in RUNS_TOOLS:
            reap_at_start()
        if args.command is None:
            module = importlib.import_module("petstore_tui.commands.tui")
        else:
            module = importlib.import_module(f"petstore_tui.commands.{COMMANDS[args.command][0]}")
        at_once = whole_process and getattr(module, "ends_at_once", None) is not None and module.ends_at_once(args)
        if at_once:
            # a file scan makes no reference cycles and the process ends without teardown:
            # the ~8 cyclic collections of a `diagnose` run (~1.5 ms) freed nothing
            gc.disable()
        status = int(module.run(args, target) or 0)
        if at_once:
            if cache_dir is not None:  # what this run compiled that the cache lacked, for the next
                regex_cache.save(cache_dir)
            _end_at_once(status)
        return status
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except RegionNotSet as exc:  # a real target needs a region and none was set anywhere
        print(f"petstore-tui: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # the last line of defence: a message, never a traceback
        if os.environ.get("PETSTORE_TUI_DEBUG"):
            raise
        # start-up: redact compiles its patterns; only this error path needs it
        from petstore_core.redact import redact

        print(f"petstore-tui: internal error: {redact(f'{type(exc).__name__}: {exc}')}", file=sys.stderr)
        print("set PETSTORE_TUI_DEBUG=1 to see the traceback", file=sys.stderr)
        return 2


def reap_at_start(grace: float | None = None) -> None:
    """Stop the tools a killed run of petstore-tui left running, and say so on stderr (the
    TUI's screen opens after: the lines stay in the terminal). A tool that does not stop at
    once on SIGINT is named with how long it may take; Ctrl-C then skips the wait, leaving
    it running and its record for `petstore-tui leftovers`. Cheap when there is nothing:
    one look at an empty folder."""
    from petstore_core import tool_records  # start-up: only the commands that run tools

    if not tool_records.leftovers_present():
        return
    from petstore_core.words import counted  # start-up: only when a record is left
    from petstore_tui.commands.leftovers import report_lines  # start-up: only when a record is left

    waited: list = []

    def on_wait(leftovers, seconds: float) -> None:
        waited[:] = leftovers
        tools = ", ".join(f"pid {item.pid} ({item.name})" for item in leftovers)
        print(f"petstore-tui: waiting up to {counted(round(seconds), 'second')} for {tools}, left running by a "
              f"killed petstore-tui (its {leftovers[0].program} call), to stop after SIGINT (then SIGTERM); "
              "Ctrl-C skips the wait and leaves it running", file=sys.stderr, flush=True)

    try:
        result = tool_records.reap(grace=tool_records.SIGINT_GRACE if grace is None else grace,
                                   on_wait=on_wait)
    except KeyboardInterrupt:
        tools = ", ".join(f"pid {item.pid} ({item.name})" for item in waited) or "the leftover tools"
        print(f"petstore-tui: not waited: {tools} still running; `petstore-tui leftovers` stops it later",
              file=sys.stderr)
        return
    for line in report_lines(result):
        print(f"petstore-tui: {line}", file=sys.stderr)


def _preload_regexes() -> Path | None:
    """re's cache filled with the patterns a previous run of a command that ends at once
    stored (petstore_core/regex_cache.py: ~4 ms of compiles in a `diagnose` run, the
    parser's, json's and the redactor's among them). Returns the cache folder, None where
    the state folder cannot be made (the command says so itself if it needs it)."""
    try:
        cache_dir = state_dir() / "cache"
    except OSError:
        return None
    regex_cache.preload(cache_dir)
    return cache_dir


def _end_at_once(status: int) -> None:
    """End the process with `status` once its output is out, without the interpreter's
    teardown (freeing every module and object one by one: about 5 ms of a `diagnose` run
    that takes 0.2 s, bench/bench_diagnose.py). Only for a command that says it holds
    nothing to clean up (its `ends_at_once(args)`): no atexit handler, no temporary file."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader left (`| head`): as main answers it
        status = 0
    try:
        sys.stderr.flush()
    except OSError:
        pass
    os._exit(status)


if __name__ == "__main__":
    raise SystemExit(main())
