"""The ``zi`` command: Django's management commands with the project's settings.

``zi migrate``, ``zi lke score ANSWERS.json``, ``zi audit verify`` … are management commands; nested
words (``zi lke score``) map to the command ``lke`` with a sub-command argument.

Commands answer in Bahasa Indonesia (the project's language); ``ZI_LANGUAGE=en`` switches them to English.
A database that has not been migrated yet is answered with one line and exit status 1 instead of a traceback
(the command that hit it could be any of them: ``zi lke list`` on a fresh directory was the usual case).
"""

from __future__ import annotations

import os
import sys

EXIT_DATABASE_NOT_READY = 1


def _activate_language() -> None:
    """``ZI_LANGUAGE`` (``id`` or ``en``) chooses the language of every command's output and help."""
    language = os.environ.get("ZI_LANGUAGE", "").strip()
    if not language:
        return
    # lazy: Django loads only after the settings module is chosen
    import django
    from django.utils import translation

    django.setup()
    translation.activate(language)


def database_not_ready_message() -> str | None:
    """One line saying what to do when the database lacks the project's tables, else ``None`` (a real error).

    Asked after a command failed with a database error: if migrations are still to be applied, that is the
    cause, whatever table the command happened to read first.
    """
    # lazy: called after django.setup()
    from django.apps import apps
    from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
    from django.db.migrations.executor import MigrationExecutor
    from django.utils.translation import gettext as _

    if not apps.ready:
        return None
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        connection.close()  # a failed statement may have left the connection unusable (PostgreSQL)
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        applied = executor.loader.applied_migrations
    except DatabaseError as exc:
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return _("Basis data tidak dapat dihubungi: %(error)s") % {"error": first_line}
    if not plan:
        return None
    if not applied:
        return _("Basis data belum disiapkan: jalankan `zi migrate`.")
    return _("Basis data belum mutakhir (%(count)d migrasi belum dijalankan): jalankan `zi migrate`.") % {
        "count": len(plan)
    }


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi.config.settings")
    # lazy: Django loads only after the settings module is chosen
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    args = list(sys.argv if argv is None else argv)
    args[0] = "zi"
    _activate_language()
    try:
        execute_from_command_line(args)
    except DatabaseError:
        message = None if "--traceback" in args else database_not_ready_message()
        if message is None:
            raise
        sys.stderr.write(message + "\n")
        sys.exit(EXIT_DATABASE_NOT_READY)


if __name__ == "__main__":
    main()
