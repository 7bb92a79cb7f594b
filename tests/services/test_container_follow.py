"""The sandbox's pod followers (services/container_follow.py) when a container goes between
the listing and its inspection, as when a drill plays the Deployment again (`kube play
--replace`) while the followers rescan.

python-on-whales lists ids (`container list -q`) and inspects each container only when an
attribute is first read: a container removed in between answers `no such container`.
Stand-in: a fake podman (tests/support/fake_tools.py) answering that listing, each inspection
and the log file's path; the log file is a real CRI-format file."""

from __future__ import annotations

import json
import queue
import threading

from petstore_tui.services import container_follow, kube_play
from petstore_tui.services.docker import Engine
from petstore_tui.services.engine_call import Caller
from petstore_tui.services.sandbox_engine import LABEL, sandbox_id

KEPT, GONE, POD = "a" * 64, "b" * 64, "c" * 64
LINE = "init-db: cannot set up the database"


def _container(cid: str, name: str) -> dict:
    return {"Id": cid, "Name": name, "Pod": POD, "RestartCount": 3,
            "State": {"Status": "running", "ExitCode": 0, "StartedAt": "2026-12-05T09:40:01.5Z"},
            "Config": {"Image": "localhost/petstore:abc", "Labels": {LABEL: sandbox_id()}}}


def _podman(fake_tools, tmp_path, log_file: tuple[int, str, str] | None = None) -> Engine:
    log = tmp_path / "ctr.log"
    log.write_text(f"2026-12-05T09:40:02.1Z stderr F {LINE}\n")
    kept = json.dumps([_container(KEPT, "petstore-7d9c-petstore")])
    fake_tools.add("podman", responses={
        "container list": (0, f"{KEPT}\n{GONE}\n", ""),
        "pod ps": (0, f"{POD}\n", ""),
        f"pod inspect {POD}": (0, json.dumps({"Id": POD, "Name": "petstore-7d9c"}), ""),
        f"container inspect {KEPT}": (0, kept, ""),
        "container inspect petstore-7d9c-petstore": (0, kept, ""),
        # removed after the listing: podman 4.3's own words
        f"container inspect {GONE}": (125, "", f"Error: inspecting object: no such container {GONE}"),
        "container inspect --format": log_file or (0, f"k8s-file\t{log}", ""),
        "container logs": (0, f"{LINE}glued", ""),
    })
    fake_tools.use(only=False)
    return Engine("podman", Caller("podman", str(fake_tools.bin / "podman")))


def test_a_container_gone_since_the_listing_is_not_ours_any_more(fake_tools, tmp_path):
    rows = kube_play.ours(_podman(fake_tools, tmp_path))
    assert [(r["id"], r["pod"], r["container"]) for r in rows] == [(KEPT, "petstore-7d9c", "petstore")]


def test_the_followers_keep_following_when_a_container_goes_mid_rescan(fake_tools, tmp_path):
    """The follower generator used to die of the NoSuchContainer the lazy inspection raised:
    every later line of every container was lost, the restarted one's `init-db` line too."""
    engine = _podman(fake_tools, tmp_path)
    stop = threading.Event()
    lines = container_follow.follow_logs(engine, stop)
    try:
        first = next(lines)
    finally:
        stop.set()
    assert first == f"[pod/petstore-7d9c/petstore] {LINE}"


def test_an_inspection_with_no_answer_is_tried_again_not_replaced_by_podman_logs(fake_tools, tmp_path):
    """Under load the log file's inspection may time out (coreutils' timeout: exit 124).
    The follower used to take that for "no log file" and follow `podman logs` for good,
    whose stderr lines glue to the next one (docs/knowledge/podman-sandbox.md); it now
    ends, and the next rescan starts it again."""
    engine = _podman(fake_tools, tmp_path, log_file=(124, "", ""))
    row = {"id": KEPT, "name": "petstore-7d9c-petstore", "pod": "petstore-7d9c", "container": "petstore"}
    stop = threading.Event()
    follower = threading.Thread(target=container_follow._follow_one,
                                args=(engine, row, queue.Queue(), stop, 10), daemon=True)
    follower.start()
    follower.join(20)
    stop.set()
    follower.join(30)
    calls = fake_tools.calls("podman")
    assert not [c for c in calls if "logs" in c], calls
    assert calls[0][:3] == ["container", "inspect", "--format"] and calls[0][-1] == KEPT  # by id
