"""`realise pipeline [--collaboration SLUG] [--format json]`: the opportunities pipeline.

Money and hours apart: the top level holds the opportunities estimated in pounds, `"hours"`
those estimated in hours, each with its count, most likely total and risk-weighted total
(most likely x confidence, summed exactly and rounded half up to the penny). Figures are
strings with two decimals. An unknown collaboration exits 2 with one line naming it.
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from realise.benefits.models import Unit
from realise.collaborations.models import Collaboration
from realise.pipeline.models import Opportunity
from realise.pipeline.services import totals


def _rows(queryset) -> list[dict]:
    return [
        {
            "title": o.title,
            "status": o.status,
            "low": f"{o.low:.2f}",
            "most_likely": f"{o.most_likely:.2f}",
            "high": f"{o.high:.2f}",
            "confidence": o.confidence,
            "risk_weighted": f"{o.risk_weighted:.2f}",
        }
        for o in queryset.order_by("collaboration__name", "title")
    ]


def _block(queryset, unit: str) -> dict:
    found = totals(queryset, unit)
    return {
        "count": found.count,
        "most_likely_total": f"{found.most_likely_total:.2f}",
        "risk_weighted_total": f"{found.risk_weighted_total:.2f}",
        "opportunities": _rows(queryset.filter(unit=unit)),
    }


def pipeline_report(collaboration: Collaboration | None = None) -> dict:
    queryset = Opportunity.objects.all()
    if collaboration is not None:
        queryset = queryset.filter(collaboration=collaboration)
    return {**_block(queryset, Unit.GBP), "hours": _block(queryset, Unit.HOURS)}


class Command(BaseCommand):
    help = "Print the opportunities pipeline with its totals, money and hours apart."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--collaboration", metavar="SLUG", help="Only this collaboration's.")
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, **options):
        collaboration = None
        slug = options.get("collaboration")
        if slug is not None:
            collaboration = Collaboration.objects.filter(slug=slug).first()
            if collaboration is None:
                raise CommandError(
                    f"--collaboration: no collaboration with slug '{slug}'", returncode=2
                )
        report = pipeline_report(collaboration)
        if options["format"] == "json":
            self.stdout.write(json.dumps(report, indent=2))
            return
        self.write_table("Money (GBP a year)", report)
        self.write_table("Hours (a year)", report["hours"])

    def write_table(self, heading: str, block: dict) -> None:
        count = block["count"]
        self.stdout.write(
            ngettext(
                "%(heading)s: %(count)d opportunity",
                "%(heading)s: %(count)d opportunities",
                count,
            )
            % {"heading": heading, "count": count}
        )
        rows = [
            [
                o["title"],
                o["status"],
                o["low"],
                o["most_likely"],
                o["high"],
                f"{o['confidence']}%",
                o["risk_weighted"],
            ]
            for o in block["opportunities"]
        ]
        header = ["Title", "Status", "Low", "Most likely", "High", "Confidence", "Risk-weighted"]
        total = ["Total", "", "", block["most_likely_total"], "", "", block["risk_weighted_total"]]
        widths = [max(len(str(r[i])) for r in [header, *rows, total]) for i in range(len(header))]

        def line(cells):
            out = []
            for i, cell in enumerate(cells):
                out.append(str(cell).ljust(widths[i]) if i < 2 else str(cell).rjust(widths[i]))
            return "  ".join(out).rstrip()

        self.stdout.write(line(header))
        for row in rows:
            self.stdout.write(line(row))
        self.stdout.write(line(total))
        self.stdout.write("")
