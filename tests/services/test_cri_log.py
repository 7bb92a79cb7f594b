"""Reading container log files in the CRI format (petstore_tui/services/cri_log.py).

Stand-in: log files in the exact shape podman 4.3's k8s-file driver wrote on this machine
(a line and its newline written apart leave a P record and an empty F record; see
tests/docker/test_image.py for the real image's own files read the same way).
"""

from __future__ import annotations

import threading
import time

from petstore_tui.services import cri_log

RECORDS = [
    "2026-12-05T01:01:48.046406709+00:00 stderr P entrypoint: waiting up to 30s for PostgreSQL at 127.0.0.1:5432",
    "2026-12-05T01:01:48.050367662+00:00 stderr F ",
    "2026-12-05T01:01:48.058523224+00:00 stderr F entrypoint: PostgreSQL at 127.0.0.1:5432 answers",
    "2026-12-05T01:01:48.543910819+00:00 stdout F init-db: schema already at version 1",
    "2026-12-05T01:01:48.600000000+00:00 stdout P {\"level\": \"INFO\", ",
    "2026-12-05T01:01:48.600000001+00:00 stderr F a stderr line between two pieces",
    "2026-12-05T01:01:48.600000002+00:00 stdout F \"message\": \"Starting gunicorn\"}",
]
WANT = ["entrypoint: waiting up to 30s for PostgreSQL at 127.0.0.1:5432",
        "entrypoint: PostgreSQL at 127.0.0.1:5432 answers",
        "init-db: schema already at version 1",
        "a stderr line between two pieces",
        '{"level": "INFO", "message": "Starting gunicorn"}']


def test_pieces_join_into_whole_lines_in_order(tmp_path):
    path = tmp_path / "ctr.log"
    path.write_text("\n".join(RECORDS) + "\n")
    assert cri_log.tail(path, 100) == WANT
    assert cri_log.tail(path, 2) == WANT[-2:]


def test_follow_shows_the_tail_then_what_comes_across_a_restart(tmp_path):
    """A restarted container appends to the same file: the follower just goes on."""
    path = tmp_path / "ctr.log"
    path.write_text("\n".join(RECORDS[:4]) + "\n")
    stop = threading.Event()
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.extend(cri_log.follow(path, stop, count=2)), daemon=True)
    reader.start()
    time.sleep(0.3)
    with path.open("a") as handle:
        handle.write(RECORDS[4] + "\n")  # half a line: nothing yet
        handle.flush()
        time.sleep(0.4)
        assert got == WANT[1:3]
        handle.write("\n".join(RECORDS[5:]) + "\n")
        handle.write("2026-12-05T01:02:00.000000000+00:00 stderr F after the restart\n")
    deadline = time.monotonic() + 5
    while len(got) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    reader.join(5)
    assert got == WANT[1:3] + WANT[3:] + ["after the restart"]


def test_a_torn_first_record_is_skipped(tmp_path, monkeypatch):
    """Read back from the middle of a record (a long log): the torn piece is dropped."""
    monkeypatch.setattr(cri_log, "TAIL_BYTES", len(RECORDS[3]) + 1 + 20)
    path = tmp_path / "ctr.log"
    path.write_text("\n".join(RECORDS[:4]) + "\n")
    assert cri_log.tail(path, 5) == [WANT[2]]


def test_follow_waits_for_a_log_file_that_is_not_there_yet(tmp_path):
    """A container just created (a drill's re-play) writes its log when it starts: the
    follower waits for the file instead of giving up on it."""
    path = tmp_path / "ctr.log"
    stop = threading.Event()
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.extend(cri_log.follow(path, stop, count=10)), daemon=True)
    reader.start()
    time.sleep(0.5)
    path.write_text("\n".join(RECORDS[:2]) + "\n")
    deadline = time.monotonic() + 5
    while not got and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    reader.join(5)
    assert got == WANT[:1]
