"""Strict-schema verdicts kept across runs in the state folder's cache: what
k8s_rules.schema_violations said of an object for a schema version, by the object's
content, while the validating code is the same files.

Why: the schemas' validator (kubernetes-validate, jsonschema, referencing) costs about
0.1 s of CPU to import and 0.05 s more to run over our ~20 objects, a sixth of a whole
preflight; the objects change seldom between two preflights. A verdict is a pure function
of the object, the schema version and that code, so the file is keyed by all three: the
object's canonical JSON, the version, and the path, size and mtime of each package's
`__init__.py` and of k8s_rules.py (an install or an edit rewrites them). Anything
unexpected, on reading or writing, means validating afresh.
"""

from __future__ import annotations

import json
import os
import tempfile
from importlib.util import find_spec
from pathlib import Path

from checks.project import k8s_rules
from checks.project.k8s_rules import Violation

try:  # CPython's own blake2, where hashlib would load OpenSSL (ms)
    from _blake2 import blake2b
except ImportError:
    from hashlib import blake2b

FILE = "k8s-schema-verdicts.json"
LIMIT = 2000  # objects remembered; the oldest go first
_CODE = ("kubernetes_validate", "jsonschema", "referencing")


def code_stamp() -> str:
    """Where the validating code is and each file's size and mtime, without importing it."""
    parts = []
    for name in _CODE:
        spec = find_spec(name)
        parts.append(spec.origin if spec and spec.origin else f"{name}:absent")
    parts.append(k8s_rules.__file__)
    stamps = []
    for path in parts:
        try:
            st = os.stat(path)
            stamps.append(f"{path}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            stamps.append(f"{path}:-")
    return "|".join(stamps)


class Verdicts:
    """schema_version and schema_violations of k8s_rules, answered from `cache_dir` when
    it knows them; `save()` keeps what was learnt."""

    def __init__(self, cache_dir: Path | None):
        self.path = Path(cache_dir) / FILE if cache_dir is not None else None
        self.stamp = code_stamp() if self.path else ""
        self.versions: dict[str, list[str]] = {}
        self.objects: dict[str, list[list[str]]] = {}
        self.learnt = False
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8")) if self.path else {}
            if isinstance(stored, dict) and stored.get("stamp") == self.stamp:
                self.versions = dict(stored.get("versions") or {})
                self.objects = dict(stored.get("objects") or {})
        except (OSError, ValueError, TypeError):
            pass  # absent, old or damaged: validate afresh

    def schema_version(self, wanted: str | None) -> tuple[str, str]:
        known = self.versions.get(str(wanted))
        if isinstance(known, list) and len(known) == 2 and all(isinstance(x, str) for x in known):
            return known[0], known[1]
        version, note = k8s_rules.schema_version(wanted)
        self.versions[str(wanted)] = [version, note]
        self.learnt = True
        return version, note

    def schema_violations(self, obj: dict, version: str) -> list[Violation]:
        text = json.dumps([version, obj], sort_keys=True, separators=(",", ":"), default=repr)
        key = blake2b(text.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()
        known = self.objects.get(key)
        if isinstance(known, list) and all(isinstance(v, list) and len(v) == 3 for v in known):
            self.objects[key] = self.objects.pop(key)  # used: the newest again
            return [Violation(*map(str, v)) for v in known]
        found = k8s_rules.schema_violations(obj, version)
        self.objects[key] = [[v.obj, v.field, v.message] for v in found]
        self.learnt = True
        return found

    def save(self) -> None:
        if self.path is None or not self.learnt:
            return

        objects = dict(list(self.objects.items())[-LIMIT:])
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".k8s-verdicts-")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"stamp": self.stamp, "versions": self.versions, "objects": objects}, handle)
            os.replace(tmp, self.path)  # atomic: a parallel preflight never reads half a file
        except OSError:
            pass  # a cache we cannot write costs a validation next time, nothing more
