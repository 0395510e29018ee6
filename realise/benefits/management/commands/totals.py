"""`realise totals [--check | --rebuild | --compact]`: the totals kept by the database.

Monthly totals per kind of benefit, and per-benefit totals over all months (see
`realise.benefits.totals`). `--check` (the default) compares both with the register and
exits 1, naming each kind of benefit and month, or each benefit, that differs;
`--rebuild` recomputes them from the register; `--compact` folds the monthly ones into
one row per kind of benefit and month.
"""

import sys

from django.core.management.base import BaseCommand

from realise.benefits import totals
from realise.benefits.models import BenefitTotal


class Command(BaseCommand):
    help = "Check, rebuild or compact the totals that national figures are read from."

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
            self.stdout.write(
                f"Totals rebuilt from the register: {rows} monthly rows, "
                f"{BenefitTotal.objects.count()} per-benefit rows."
            )
            return
        if compact:
            rows = totals.compact()
            self.stdout.write(f"Monthly totals compacted: {rows} rows.")
            return
        differences = totals.differences()
        if not differences:
            self.stdout.write("The kept totals match the register.")
            return
        self.stdout.write(f"{len(differences)} kept totals differ from the register:")
        for line in differences:
            self.stdout.write(f"  {line}")
        self.stdout.write("Run `realise totals --rebuild` to recompute them.")
        sys.exit(1)
