"""bench/bench_diagnose.py times every contender on a copy of the log it generates, never on
the file generate() wrote: a written file cost its readers ~2-7 ms more CPU than a copy
(docs/knowledge/diagnose-speed.md, rounds 19 and 20), an effect of the bench itself
(issue 14, round 20). No timing here: only which file the contenders read.

Stand-in: none for the files (a tmp folder); generate() is the bench's own, on 300 lines."""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_diagnose", REPO / "bench" / "bench_diagnose.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_log_read_is_a_copy_of_the_written_one(tmp_path, monkeypatch):
    bench = _bench()
    written = []
    generate = bench.generate

    def recording(path, *args, **kwargs):
        written.append(Path(path))
        return generate(path, *args, **kwargs)
    monkeypatch.setattr(bench, "generate", recording)
    log = tmp_path / "mixed.log"
    injected = bench.write_log(log, 300, 0.05, bench.CATALOG_DIR)
    assert injected > 0
    assert len(written) == 1 and written[0] != log
    assert not written[0].exists()  # the written file is gone: nothing reads it
    expected = tmp_path / "expected.log"
    assert generate(expected, 300, 0.05, bench.CATALOG_DIR) == injected
    assert log.read_bytes() == expected.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["expected.log", "mixed.log"]
