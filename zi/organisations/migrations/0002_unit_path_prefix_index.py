"""PostgreSQL only: a pattern-ops index so ``path LIKE 'prefix%'`` uses an index under any collation.

SQLite uses the plain index on ``path`` for prefix LIKE when case-sensitive LIKE is on; the subtree query
stays correct there either way.
"""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS organisations_unit_path_prefix ON organisations_unit (path varchar_pattern_ops)"
        )
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS core_auditevent_scope_path_prefix "
            "ON core_auditevent (scope_path varchar_pattern_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS organisations_unit_path_prefix")
        schema_editor.execute("DROP INDEX IF EXISTS core_auditevent_scope_path_prefix")


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial"), ("core", "0001_initial")]
    operations = [migrations.RunPython(create_index, drop_index)]
