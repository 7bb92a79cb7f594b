"""The drills the app offers, in the order the panel lists them."""

from __future__ import annotations

from petstore_core import settings
from petstore_tui.drills.base import Drill
from petstore_tui.drills.controller_policy import ControllerPolicyDrill
from petstore_tui.drills.sqlite_readonly import SqliteReadonlyDrill
from petstore_tui.drills.subnet_tags import SubnetTagsDrill
from petstore_tui.drills.werkzeug import WerkzeugDrill


def all_drills(target: settings.Target) -> list[Drill]:
    return [SqliteReadonlyDrill(target), SubnetTagsDrill(target), ControllerPolicyDrill(target),
            WerkzeugDrill(target)]
