"""`realise totals [--check | --rebuild | --compact]`: the monthly totals kept by the database.

`--check` (the default) compares them with the register and exits 1, naming each kind of
benefit and month that differs; `--rebuild` recomputes them from the register;
`--compact` folds them into one row per kind of benefit and month.
"""

import sys

from django.core.management.base import BaseCommand

from realise.benefits import totals


class Command(BaseCommand):
    help = "Check, rebuild or compact the monthly totals that national figures are read from."

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group()
        action.add_argument(
            "--check", action="store_true", help="compare with the register (the default)"
        )
        action.add_argument("--rebuild", action="store_true", help="recompute from the register")
        action.add_argument(
            "--compact", action="store_true", help="fold into one row per kind and month"
        )

    def handle(self, *args, rebuild=False, compact=False, **options):
        if rebuild:
            rows = totals.rebuild()
            self.stdout.write(f"Monthly totals rebuilt from the register: {rows} rows.")
            return
        if compact:
            rows = totals.compact()
            self.stdout.write(f"Monthly totals compacted: {rows} rows.")
            return
        differences = totals.differences()
        if not differences:
            self.stdout.write("The monthly totals match the register.")
            return
        self.stdout.write(f"{len(differences)} monthly totals differ from the register:")
        for line in differences:
            self.stdout.write(f"  {line}")
        self.stdout.write("Run `realise totals --rebuild` to recompute them.")
        sys.exit(1)
