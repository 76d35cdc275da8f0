"""The ``zi`` command: Django's management commands with the project's settings.

``zi migrate``, ``zi lke score ANSWERS.json``, ``zi audit verify`` … are management commands; nested
words (``zi lke score``) map to the command ``lke`` with a sub-command argument.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi.config.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "zi"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
