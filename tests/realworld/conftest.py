"""Prints the real-world rates table (both splits, per kind) at the end of a run.

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
