"""`realise gate-check --initiative SLUG --to-stage N [--body SLUG] [--notes TEXT] [--format json]`.

Prints each problem (a skipped stage, a body whose remit does not include the gate, a move
back without a reason) and each benefit that fails the stage gate with its unmet rules; exits
1 when the move would be refused and 0 when it would pass. The rules are those of the stage
page and the API (`collaborations.services.move_problems`); a move back needs the reason the
decision's notes would give (`--notes`). Who makes the move is not checked: the command runs
as no one. It lives with the governance bodies that decide the gates, and writes in English
(text and JSON alike), whatever language is active.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError, no_translations

from realise.collaborations.models import Initiative
from realise.collaborations.services import move_problems
from realise.governance.models import GovernanceBody


class Command(BaseCommand):
    help = "Check whether an initiative may move to a stage, listing every unmet rule."

    def add_arguments(self, parser):
        parser.add_argument("--initiative", required=True, help="The initiative's slug.")
        parser.add_argument("--to-stage", required=True, type=int, choices=range(6), metavar="N")
        parser.add_argument(
            "--body", help="The slug of the governance body that would decide (optional)."
        )
        parser.add_argument(
            "--notes",
            default="",
            help="For a move back: the reason, as the stage decision's notes would give it.",
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")

    @no_translations
    def handle(self, *args, **options):
        try:
            initiative = Initiative.objects.get(slug=options["initiative"])
        except Initiative.DoesNotExist:
            raise CommandError(
                f"--initiative: no initiative with slug '{options['initiative']}'", returncode=2
            ) from None
        body = None
        if options.get("body"):
            try:
                body = GovernanceBody.objects.get(slug=options["body"])
            except GovernanceBody.DoesNotExist:
                raise CommandError(
                    f"--body: no governance body with slug '{options['body']}'", returncode=2
                ) from None
        result = move_problems(
            initiative, options["to_stage"], body=body, user=None, notes=options["notes"]
        )
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
