"""config.readonly-sqlite (checks/preflight/config/readonly_sqlite.py): with a read-only
root filesystem, the app's DATA_DIR is a writable volume."""

from __future__ import annotations

from checks.preflight.config.readonly_sqlite import ReadonlySqliteCheck
from tests.support.plants import Plants
from tests.support.project_copy import edit

PLANTS = Plants(ReadonlySqliteCheck)
DEPLOYMENT = "kubernetes/base/deployment.yaml"


@PLANTS.defect("sqlite-readonly-database")
def data_mount_removed_with_readonly_root(r):
    edit(r / DEPLOYMENT, "            - name: data\n              mountPath: /app/data\n", "")


@PLANTS.defect("sqlite-readonly-database")
def data_mount_path_typo(r):
    edit(r / DEPLOYMENT, "mountPath: /app/data", "mountPath: /data")


@PLANTS.defect("sqlite-readonly-database")
def data_dir_readonly_path(r):
    edit(r / DEPLOYMENT, "            - name: DATA_DIR\n              value: /app/data\n",
         "            - name: DATA_DIR\n              value: /var/lib/petstore\n")


test_plant_on_a_copy = PLANTS.test()
