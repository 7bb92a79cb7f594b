"""A stand-in for `terraform apply` that takes its SIGINT grace: the quit tests (TUI and
headless) run it as a real child process and send it real signals."""

from __future__ import annotations

import os
import textwrap


def tool_script(grace: float) -> str:
    """The stand-in's Python source (`python -c SCRIPT STATE PIDFILE`): a real child process
    that writes its pid, prints "applying", then, on its one SIGINT, takes `grace` seconds to
    "write its state" (the file STATE) before it exits, as Terraform does (Terraform may
    take up to 15 minutes)."""
    return textwrap.dedent(f"""
        import os, signal, sys, time
        state, pidfile = sys.argv[1], sys.argv[2]
        with open(pidfile, "w") as handle:
            handle.write(str(os.getpid()))
        def interrupted(*_):
            time.sleep({grace})
            with open(state, "w") as handle:
                handle.write("state written after SIGINT")
            sys.exit(1)
        signal.signal(signal.SIGINT, interrupted)
        print("applying", flush=True)
        time.sleep(120)
    """)


def alive(pid: int) -> bool:
    """Whether the stand-in (or any process) `pid` still runs."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
