"""`realise gate-check --initiative SLUG --to-stage N [--format json]`.

Prints each benefit that fails the stage gate with its unmet rules; exits 1 when the gate
would refuse and 0 when it would pass.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from realise.collaborations.models import Initiative
from realise.collaborations.services import gate_check


class Command(BaseCommand):
    help = "Check whether an initiative may move to a stage, listing every unmet rule."

    def add_arguments(self, parser):
        parser.add_argument("--initiative", required=True, help="The initiative's slug.")
        parser.add_argument("--to-stage", required=True, type=int, choices=range(6), metavar="N")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **options):
        try:
            initiative = Initiative.objects.get(slug=options["initiative"])
        except Initiative.DoesNotExist:
            raise CommandError(
                f"--initiative: no initiative with slug '{options['initiative']}'", returncode=2
            ) from None
        result = gate_check(initiative, options["to_stage"])
        if options["format"] == "json":
            self.stdout.write(json.dumps(result.as_dict(), indent=2))
        else:
            verdict = "passes" if result.passes else "refuses"
            self.stdout.write(
                f"Stage gate for {initiative.slug} to stage {result.to_stage}: {verdict}"
            )
            for line in result.messages():
                self.stdout.write(f"  {line}")
        if not result.passes:
            sys.exit(1)
