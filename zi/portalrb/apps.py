from typing import Any

from django.apps import AppConfig

from zi.core.actors import Actor


class PortalRBConfig(AppConfig):
    name = "zi.portalrb"
    label = "portalrb"

    def ready(self) -> None:
        # lazy: imports of models and services wait until AppConfig.ready, when the app registry is loaded
        from zi.lke.services import template_loaded

        template_loaded.connect(load_soal_map, dispatch_uid="portalrb-soal-map")


def load_soal_map(sender: Any, template: Any, actor: Actor = None, **kwargs: Any) -> None:
    """Load the shipped soal map with the template it maps (idempotent), so a fresh install and the demo serve
    every soal to PortalRB without a separate ``zi portalrb load-map``."""
    # lazy: this module is imported before the app registry is loaded; soalmap imports models
    from zi.portalrb import soalmap

    if not soalmap.MAP_PATH.exists():  # pragma: no cover - the map ships with the code
        return
    wanted = soalmap.read_map()["template"]
    if (template.code, template.version) == (wanted["code"], wanted["version"]):
        soalmap.load_map(actor=actor)
