"""config.readonly-sqlite: a container with a read-only root filesystem has a writable volume where SQLite writes (DATA_DIR, /app/data)."""

from __future__ import annotations

from checks.model import CheckResult
from checks.preflight.base import Check
from checks.preflight.config._sources import manifests
from checks.preflight.context import CheckContext
from checks.project.containers import APP_CONTAINERS, containers

DEFAULT_DATA_DIR = "/app/data"
WRITABLE = ("emptyDir", "persistentVolumeClaim", "ephemeral", "hostPath")


def _data_dir(container: dict, config_maps: dict[str, dict]) -> tuple[str, bool]:
    """(DATA_DIR, uses PostgreSQL) from the container's env and envFrom ConfigMaps."""
    env = {e.get("name"): e.get("value") for e in container.get("env") or [] if "value" in e}
    for source in container.get("envFrom") or []:
        name = (source.get("configMapRef") or {}).get("name")
        for key, value in (config_maps.get(name) or {}).items():
            env.setdefault(key, value)
    database_url = str(env.get("DATABASE_URL") or "")
    uses_postgres = database_url.startswith("postgres") or any(
        e.get("name") == "DATABASE_URL" and "valueFrom" in e for e in container.get("env") or [])
    return str(env.get("DATA_DIR") or DEFAULT_DATA_DIR), uses_postgres


class ReadonlySqliteCheck(Check):
    id = "config.readonly-sqlite"
    group = "config"
    title = "Read-only root vs SQLite's folder"
    failure_id = "sqlite-readonly-database"

    async def run(self, ctx: CheckContext) -> CheckResult:
        rendered = await manifests(ctx)
        deployments = rendered.of_kind("Deployment")
        if not deployments:
            return self.skipped("no Deployment in kubernetes/")
        config_maps = {}
        for _where, cm in rendered.of_kind("ConfigMap"):
            config_maps[cm.get("metadata", {}).get("name")] = cm.get("data") or {}
        problems, notes = [], []
        for where, deployment in deployments:
            pod = ((deployment.get("spec") or {}).get("template") or {}).get("spec") or {}
            volumes = {v.get("name"): v for v in pod.get("volumes") or []}
            for _obj, container, _path in containers(deployment, APP_CONTAINERS):
                label = f"{where}: {deployment['metadata'].get('name')}/{container.get('name')}"
                security = container.get("securityContext") or {}
                if not security.get("readOnlyRootFilesystem"):
                    notes.append(f"{label}: root filesystem writable")
                    continue
                data_dir, postgres = _data_dir(container, config_maps)
                mounted = None
                for mount in container.get("volumeMounts") or []:
                    path = str(mount.get("mountPath", "")).rstrip("/")
                    if (data_dir.rstrip("/") == path or data_dir.startswith(path + "/")) and not mount.get("readOnly"):
                        mounted = mount
                volume = volumes.get(mounted.get("name")) if mounted else None
                if volume and any(kind in volume for kind in WRITABLE):
                    notes.append(f"{label}: {data_dir} on volume {mounted['name']}")
                elif postgres:
                    notes.append(f"{label}: PostgreSQL via DATABASE_URL, no SQLite file")
                else:
                    problems.append(f"{label}: readOnlyRootFilesystem but no writable volume at {data_dir} "
                                    "(SQLite writes its file and journal there)")
        if problems:
            return self.failed(problems[0], "\n".join(problems + notes),
                               f"mount an emptyDir (or a PVC) at DATA_DIR ({DEFAULT_DATA_DIR}) and set "
                               "securityContext.fsGroup so the app's user can write it")
        return self.passed("SQLite's folder is writable wherever the root filesystem is read-only",
                           "\n".join(notes))
