from typing import Any

from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate

from zi.core import events


def summaries_after_migrate(
    sender: AppConfig, *, apps: Any = None, using: str = DEFAULT_DB_ALIAS, **kwargs: Any
) -> None:
    """After ``migrate``: summarise the periods whose dashboard summaries are missing or outdated (e.g. right after
    the upgrade that added node summaries), so the dashboards are fast again without a manual ``zi insights
    refresh``. Only when the summary table has its current columns in this migration state."""
    if using != DEFAULT_DB_ALIAS or apps is None:
        return
    try:
        model = apps.get_model("insights", "PeriodSummary")
    except LookupError:  # migrated backwards below 0004
        return
    if "path" not in {f.name for f in model._meta.get_fields()}:
        return
    # lazy: this module is imported before the app registry is loaded; services import models
    from zi.insights.services import summaries_refresh_stale

    years = summaries_refresh_stale()
    if years and kwargs.get("verbosity", 1) >= 1:
        stdout = kwargs.get("stdout")
        if stdout is not None:
            stdout.write(f"  Dashboard summaries rebuilt for {', '.join(map(str, years))}")


class InsightsConfig(AppConfig):
    name = "zi.insights"
    label = "insights"

    def ready(self) -> None:
        post_migrate.connect(summaries_after_migrate, sender=self, dispatch_uid="zi.insights.summaries_after_migrate")
        # lazy: tasks and selectors import models, which wait until AppConfig.ready, when the app registry is loaded
        from zi.insights.selectors.units import tree_counts
        from zi.insights.tasks import enqueue_units_changed
        from zi.organisations.tree import register_tree_counts

        events.register(enqueue_units_changed)
        register_tree_counts(tree_counts)  # the unit tree's "membangun ZI" and "berpredikat" per subtree
