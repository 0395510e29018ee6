"""`realise realisation [--collaboration SLUG] [--initiative SLUG] [--force ONS_CODE]
[--subcategory 1a] [--cashable true|false] [--identified true|false] [--from YYYY-MM]
[--to YYYY-MM] [--format json|csv]`.

Prints the figures a dashboard shows for that cut (see docs/realisation.md). Exits 2
with a one-line error naming the option when an argument is wrong.
"""

import datetime
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from realise.benefits.models import SubCategory
from realise.benefits.realisation import RealisationFilter, parse_month, realisation
from realise.collaborations.models import Collaboration, Initiative
from realise.core.cells import CsvWriter
from realise.core.options import day_option
from realise.organisations.models import Force

# As the API's filters take yes or no (`?cashable=`): true/false, 1/0.
YES_NO = {"true": True, "1": True, "false": False, "0": False}


def flatten(value, prefix: str = ""):
    """(dotted path, value) for every leaf; lists of rows are keyed by period or reference."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from flatten(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            key = index
            if isinstance(item, dict):
                key = item.get("period") or item.get("reference") or index
                item = {k: v for k, v in item.items() if k not in ("period", "reference")}
            yield from flatten(item, f"{prefix}.{key}")
    else:
        yield prefix, value


def csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Command(BaseCommand):
    help = "Print planned, actual and forecast figures (money and hours) and RAG for a cut."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--collaboration", metavar="SLUG", help="Including nested ones.")
        parser.add_argument("--initiative", metavar="SLUG")
        parser.add_argument(
            "--force", metavar="ONS_CODE", help="That force's share, e.g. E23000028 (Essex)."
        )
        parser.add_argument(
            "--subcategory",
            action="append",
            metavar="CODE",
            help="1a, 1b, 1c, 2a ... 3c; repeat for several (e.g. 1a and 1c).",
        )
        for name, what in (
            ("cashable", "Cashable benefits only (true) or non-cashable only (false)."),
            ("identified", "Benefits identified in the business case (true) or not (false)."),
        ):
            parser.add_argument(f"--{name}", metavar="true|false", help=what)
        parser.add_argument("--from", dest="period_from", metavar="YYYY-MM")
        parser.add_argument("--to", dest="period_to", metavar="YYYY-MM")
        parser.add_argument(
            "--today",
            metavar="YYYY-MM-DD",
            help="Count 'to date' as if today were this day (default: today).",
        )
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, **options):
        filters, today = self.parse(options)
        result = realisation(filters, today=today).as_dict()
        if options["format"] == "json":
            self.stdout.write(json.dumps(result, indent=2))
            return
        writer = CsvWriter(self.stdout, lineterminator="\n")
        writer.writerow(["measure", "figure", "value"])
        for measure in ("money", "hours", "rag"):
            for figure, value in flatten(result[measure]):
                writer.writerow([measure, figure, csv_value(value)])

    def parse(self, options) -> tuple[RealisationFilter, datetime.date | None]:
        fields: dict[str, Any] = {}
        slug = options.get("collaboration")
        if slug is not None:
            fields["collaboration"] = Collaboration.objects.filter(slug=slug).first()
            if fields["collaboration"] is None:
                raise CommandError(
                    f"--collaboration: no collaboration with slug '{slug}'", returncode=2
                )
        slug = options.get("initiative")
        if slug is not None:
            fields["initiative"] = Initiative.objects.filter(slug=slug).first()
            if fields["initiative"] is None:
                raise CommandError(f"--initiative: no initiative with slug '{slug}'", returncode=2)
        code = options.get("force")
        if code is not None:
            fields["force"] = Force.objects.filter(ons_code__iexact=code.strip()).first()
            if fields["force"] is None:
                raise CommandError(f"--force: no force with ONS code '{code}'", returncode=2)
        codes = tuple(dict.fromkeys(options.get("subcategory") or ()))
        for code in codes:
            if code not in SubCategory.values:
                known = ", ".join(SubCategory.values)
                raise CommandError(
                    f"--subcategory: '{code}' is not a sub-category; use one of {known}",
                    returncode=2,
                )
        if codes:
            fields["subcategories"] = codes
        for name in ("cashable", "identified"):
            text = options.get(name)
            if text is not None:
                said = YES_NO.get(text.strip().lower())
                if said is None:
                    raise CommandError(f"--{name}: '{text}' is not true or false", returncode=2)
                fields[name] = said
        for option, name in (("from", "period_from"), ("to", "period_to")):
            text = options.get(name)
            if text is not None:
                try:
                    fields[name] = parse_month(text)
                except ValueError as exc:
                    raise CommandError(f"--{option}: {exc}", returncode=2) from None
        start, end = fields.get("period_from"), fields.get("period_to")
        if start and end and start > end:
            raise CommandError("--from: the period starts after --to", returncode=2)
        return RealisationFilter(**fields), day_option(options.get("today") or None, "--today")
