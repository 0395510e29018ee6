import json
import sys
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from realise.appraisal.counterfactual import appraise_options
from realise.appraisal.greenbook import AppraisalError, appraise, render_table


class Command(BaseCommand):
    help = (
        "Run a Green Book discounted cash-flow appraisal on a JSON input file: one option, "
        'or {"options": [...]} judged against business as usual (see docs/appraisal.md).'
    )
    requires_system_checks: list[str] = []
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("input", help="Path to the JSON input file, or - to read stdin.")
        parser.add_argument(
            "--format",
            choices=("json", "table"),
            default="json",
            help="Output format: one JSON object (default) or a readable text table.",
        )

    def handle(self, *args, **options):
        source = options["input"]
        if source == "-":
            stream = options.get("stdin") or sys.stdin
            try:
                text = stream.read()
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"input: cannot read stdin: {exc}", returncode=2) from None
            label = "stdin"
        else:
            try:
                with open(source, encoding="utf-8") as handle:
                    text = handle.read()
            except OSError as exc:
                reason = exc.strerror or exc.__class__.__name__
                raise CommandError(f"input: cannot read {source}: {reason}", returncode=2) from None
            except UnicodeDecodeError:
                raise CommandError(
                    f"input: cannot read {source}: not UTF-8 text", returncode=2
                ) from None
            label = source

        try:
            data = json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            where = f"line {exc.lineno} column {exc.colno}"
            raise CommandError(
                f"input: invalid JSON in {label} at {where}: {exc.msg}", returncode=2
            ) from None
        except (ValueError, RecursionError) as exc:
            raise CommandError(f"input: invalid JSON in {label}: {exc}", returncode=2) from None

        several = isinstance(data, dict) and "options" in data
        try:
            output = appraise_options(data) if several else appraise(data)
        except AppraisalError as exc:
            raise CommandError(str(exc), returncode=2) from None

        if options["format"] == "table":
            self.stdout.write(self._table(output, several), ending="")
        else:
            self.stdout.write(json.dumps(output, indent=2, ensure_ascii=False))

    def _table(self, output, several: bool) -> str:
        if not several:
            return render_table(output)
        parts = []
        for option in output["options"]:
            title = option["name"] + (" (business as usual)" if option["business_as_usual"] else "")
            parts.append(f"{title}\n{'=' * len(title)}\n{render_table(option)}")
            vs = option["vs_business_as_usual"]
            if vs is not None:
                parts.append(
                    "Against business as usual: "
                    f"PV costs {vs['pv_costs']}, PV benefits {vs['pv_benefits']}, "
                    f"NPSV {vs['npsv']}, BCR {vs['bcr'] or '-'}, "
                    f"value for money {vs['vfm_category'] or '-'}\n{vs['summary']}\n"
                )
        return "\n".join(parts)
