"""`realise benchmark [--user USERNAME] [--format text|json] [--today YYYY-MM-DD]`.

Collaborations side by side and forces by what collaboration gives each
(docs/benchmarking.md). With `--user`, what that user may see: collaborations hidden from
them are counted together, unnamed, as "Other collaborations" (their figures only when
there are at least `MIN_HIDDEN_GROUP` of them). Without it, every collaboration is named
(the operator's view, as `realise export-register`). Exits 2 on a usage error.
"""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import date_format

from realise.core.formatting import money
from realise.core.options import day_option
from realise.reports.benchmark import MIN_HIDDEN_GROUP, benchmark


class Command(BaseCommand):
    help = "Compare collaborations side by side, and forces by what collaboration gives each."

    def add_arguments(self, parser):
        parser.add_argument(
            "--user", metavar="USERNAME", help="Only what this user may see name by name."
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument(
            "--today", help="Count as if today were this day, YYYY-MM-DD (default: today)."
        )

    def handle(self, *args, **options):
        today = day_option(options.get("today") or None, "--today")
        if options.get("user"):
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"--user: no user called '{options['user']}'", returncode=2)
        else:
            user = None  # the operator's view: every collaboration, named
        result = benchmark(user, today=today)
        if options["format"] == "json":
            self.stdout.write(json.dumps(result.as_dict(), indent=2))
            return
        self.stdout.write(
            f"Benchmark as at {date_format(result.as_at, 'j F Y')} "
            f"(to the end of {date_format(result.to_date, 'F Y')})"
        )
        rows = list(result.rows) + ([result.hidden] if result.hidden else [])
        if not rows and not result.hidden_withheld:
            self.stdout.write("No collaborations to compare.")
        for row in rows:
            percent = (
                "no plan to date to compare with"
                if row.realised_percent is None
                else f"{row.realised_percent}% of plan like for like"
            )
            verified = "no actuals" if row.verified_share is None else f"{row.verified_share}%"
            per_pound = (
                "no costs recorded"
                if row.benefit_per_pound is None
                else f"{money(row.benefit_per_pound)} per £1 of cost"
            )
            outside = (
                f", {money(row.money.outside_plan)} of it by benefits with no plan"
                if row.money.outside_plan
                else ""
            )
            days = row.days_obc_to_implementation
            self.stdout.write(
                f"{row.name}: realised {money(row.realised)}{outside}; planned "
                f"{money(row.planned)}; {percent}; hours "
                f"{row.hours.actual_to_date} of "
                f"{row.hours.planned_to_date}; verified {verified}; running costs "
                f"{money(row.running_costs)}, investment {money(row.investment_costs)}, "
                f"other {money(row.other_costs)}; "
                f"{per_pound}; days OBC to implementation "
                f"{'not recorded' if days is None else days}"
            )
        if result.hidden_withheld:
            self.stdout.write(
                f"Other collaborations ({result.hidden_count}): not shown; the figures of "
                f"collaborations this user may not see are shown together only when there "
                f"are at least {MIN_HIDDEN_GROUP}, so that none can be singled out"
            )
        for force in result.forces:
            self.stdout.write(
                f"  {force.name}: {force.benefit_share or 0}% of benefits, "
                f"{force.cost_share or 0}% of costs"
            )
