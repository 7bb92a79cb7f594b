"""Round 14's grouping: PostgreSQL's DETAIL/HINT lines join their message, and a peek skips blank lines."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from checks.catalog_loader import load_catalog
from checks.engine import Engine
from checks.engine.grouping import Grouper, is_sync_point
from checks.engine.matcher import hyperscan_available
from tests.checks.test_engine import _events

CATALOG = Path(__file__).resolve().parents[2] / "checks" / "catalog"
MATCHERS = ["python", pytest.param("hyperscan", marks=pytest.mark.skipif(
    not hyperscan_available(), reason="hyperscan is not installed"))]

# written (simulated lines): a PostgreSQL 16 server log with the default log_line_prefix '%m [%p] '
FATAL = b'2026-12-06 01:00:00.123 UTC [244] FATAL:  password authentication failed for user "root"'
DETAIL = b'2026-12-06 01:00:00.123 UTC [244] DETAIL:  Role "root" does not exist.'
HBA = b'\tConnection matched file "/var/lib/postgresql/data/pg_hba.conf" line 100: "host all all all scram-sha-256"'
# written (simulated lines): Prisma's CLI (migrate deploy) on a PostgreSQL datasource
DATASOURCE = b'Datasource "db": PostgreSQL database "petstore", schema "public" at "db.internal:6543"'
P1001 = b"Error: P1001: Can't reach database server at `db.internal`:`6543`"


def _peeks(lines: list[bytes]) -> list[tuple[list[bytes], bytes | None]]:
    grouper = Grouper()
    out = []
    for line in lines:
        out.extend(grouper.push_peeking(line))
    return out + [(event, None) for event in grouper.flush()]


def test_a_server_detail_line_joins_its_message():
    """Stand-in: none; the server's DETAIL behind the same log_line_prefix as its FATAL."""
    assert _events([FATAL, DETAIL, HBA, b"next"]) == [[FATAL, DETAIL, HBA], [b"next"]]
    assert not is_sync_point(DETAIL, FATAL)
    hint = b"2026-12-06 01:00:00.123 UTC [31] HINT:  Is another postmaster already running on port 5432?"
    error = b"2026-12-06 01:00:00.123 UTC [31] ERROR:  could not bind IPv4 address"
    assert _events([error, hint]) == [[error, hint]]


@pytest.mark.parametrize("before", [
    b'2026-12-06 01:00:00.123 UTC [245] FATAL:  password authentication failed for user "root"',  # another backend
    b"2026-12-06 01:00:00.123 UTC [244] connection received: host=10.0.1.5",  # no severity where DETAIL stands
    b"psql: error: FATAL:  password authentication failed",  # a client's line, the label elsewhere
])
def test_a_detail_line_after_anything_else_starts_an_event(before):
    assert _events([before, DETAIL]) == [[before], [DETAIL]]
    assert is_sync_point(DETAIL, before)


def test_a_tool_prefix_before_both_lines_is_dropped_before_comparing():
    """Stand-in: none; docker compose's `db-1  | ` before the server's lines."""
    assert _events([b"db-1  | " + FATAL, b"db-1  | " + DETAIL]) == [[b"db-1  | " + FATAL, DETAIL]]


def test_an_event_peeks_past_blank_lines():
    """Stand-in: none; Prisma's datasource line, a blank line, then the error code."""
    out = _peeks([b"Prisma schema loaded from prisma/schema.prisma", DATASOURCE, b"", b"", P1001, b"done"])
    assert (
        [DATASOURCE], P1001) in out
    assert ([b"Prisma schema loaded from prisma/schema.prisma"], DATASOURCE) in out
    assert [event for event, _ in out] == [[b"Prisma schema loaded from prisma/schema.prisma"], [b""], [DATASOURCE],
                                           [b""], [P1001], [b"done"]]


def test_a_peek_skips_a_markdown_pastes_lone_backticks():
    """Stand-in: none; a code span split around the error (a "`" line, normalised to a
    double quote before grouping)."""
    out = _peeks([DATASOURCE, b'"', b'"' + P1001 + b'"', b"done"])
    assert (
        [DATASOURCE], b'"' + P1001 + b'"') in out
    assert _peeks([DATASOURCE, b"x", P1001])[0] == ([DATASOURCE], b"x")


def test_an_event_held_for_its_peek_is_flushed_at_the_end():
    grouper = Grouper()
    assert grouper.push_peeking(DATASOURCE) == []
    assert grouper.push_peeking(b"") == []
    assert grouper.pending
    assert grouper.flush() == [[DATASOURCE], [b""]]
    assert not grouper.pending


@pytest.mark.parametrize("kind", MATCHERS)
def test_findings_that_rest_on_the_new_grouping_line_by_line_and_in_bulk(kind):
    """Stand-in: none; the catalog's rules that need these groupings (postgres-host-unreachable's
    Prisma datasource rule, postgres-auth-failed's rule-out of a healthcheck's role root),
    the same through the bulk path with blocks small enough to cut between the lines."""
    data = b"\n".join([b"Prisma schema loaded from prisma/schema.prisma", DATASOURCE, b"", P1001, b"",
                       FATAL, DETAIL, b"LOG:  checkpoint starting: time"]) + b"\n"
    catalog = load_catalog(CATALOG)
    results = []
    for block_size in (64, 1 << 20):
        bulk = Engine(catalog, matcher=kind, clock=lambda: 1.0)
        bulk.scan_stream(io.BytesIO(data), resource="log", block_size=block_size)
        results.append(sorted(f.failure_id for f in bulk.findings()))
    lines = Engine(catalog, matcher=kind, clock=lambda: 1.0)
    lines.feed_many(data.split(b"\n")[:-1], resource="log")
    lines.flush()
    results.append(sorted(f.failure_id for f in lines.findings()))
    assert results == [["postgres-host-unreachable"]] * 3
