"""Prints the real-world rates table at the end of a run (tune per kind; sealed: its size
only, unless PETSTORE_REALWORLD_SEALED_RATES=1).

test_rates_both_splits records it as a user property; reading it from the test reports
works with xdist too (properties travel with the report to the controller)."""

from __future__ import annotations


def pytest_terminal_summary(terminalreporter):
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, ()):
            for name, value in getattr(report, "user_properties", ()):
                if name == "realworld_rates" and report.when == "call":
                    terminalreporter.write_sep("=", "real-world corpus rates")
                    terminalreporter.write_line(value)
                    return
