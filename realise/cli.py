"""The `realise` console script: Django's management commands under one name.

`realise demo`, `realise gate-check ...` and `python manage.py demo` are the same thing.
"""

import os
import sys

from django.core.management import execute_from_command_line


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "realise.settings")

    execute_from_command_line(list(argv) if argv is not None else sys.argv)


if __name__ == "__main__":
    main()
