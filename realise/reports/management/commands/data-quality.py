"""`realise data-quality [--collaboration SLUG] [--format json] [--today YYYY-MM-DD]`.

Lists what in the register would mislead a board (docs/data-quality.md): each issue with
its rule, benefit, initiative and how to put it right. Exits 1 when there is any issue,
0 when there is none, 2 on a usage error.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from realise.benefits.models import Benefit
from realise.benefits.realisation import collaboration_and_descendants
from realise.collaborations.models import Collaboration
from realise.core.language import english
from realise.core.options import day_option
from realise.reports import data_quality


class Command(BaseCommand):
    help = "List what in the benefits register would mislead a board, and how to put it right."

    def add_arguments(self, parser):
        parser.add_argument(
            "--collaboration",
            help="Only this collaboration (its slug) and the collaborations within it.",
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument(
            "--today", help="Check as if today were this day, YYYY-MM-DD (default: today)."
        )

    def handle(self, *args, **options):
        benefits = Benefit.objects.all()
        slug = options.get("collaboration")
        if slug is not None:
            collaboration = Collaboration.objects.filter(slug=slug).first()
            if collaboration is None:
                raise CommandError(
                    f"--collaboration: no collaboration with slug '{slug}'", returncode=2
                )
            ids = collaboration_and_descendants(collaboration)
            benefits = benefits.filter(initiative__collaboration_id__in=ids)
        today = day_option(options.get("today") or None, "--today")
        report = data_quality.check(benefits, today=today)
        if options["format"] == "json":
            self.stdout.write(json.dumps(report.as_dict(), indent=2))
        else:
            total = len(report.issues)
            self.stdout.write(
                f"Data quality as at {report.as_at:%d %B %Y}: "
                + (f"{total} issue{'s' if total != 1 else ''}" if total else "no issues")
            )
            for rule, count in report.counts.items():
                if count:
                    self.stdout.write(f"  {rule}: {count}")
            for issue in report.issues:
                self.stdout.write(
                    f"[{issue.rule}] {issue.reference} ({issue.initiative}): "
                    + english(issue.message)
                )
        if report.issues:
            sys.exit(1)
