"""PostgreSQL only: ``(period_id, path varchar_pattern_ops)`` so a dashboard's subtree filter
(``period = … AND path LIKE 'prefix%'``) is an index range scan under any collation, not a scan of the whole
period (the plain ``(period, path)`` index cannot serve LIKE unless the collation is "C"), and
``(path varchar_pattern_ops)`` for the trend across all periods of a subtree.
"""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS insights_rollup_period_path_prefix "
            "ON insights_unitperiodrollup (period_id, path varchar_pattern_ops)"
        )
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS insights_rollup_path_prefix ON insights_unitperiodrollup (path varchar_pattern_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS insights_rollup_period_path_prefix")
        schema_editor.execute("DROP INDEX IF EXISTS insights_rollup_path_prefix")


class Migration(migrations.Migration):
    dependencies = [("insights", "0001_initial")]
    operations = [migrations.RunPython(create_index, drop_index)]
