import json
import sys
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from realise.appraisal.counterfactual import appraise_options
from realise.appraisal.figures import case_output
from realise.appraisal.greenbook import AppraisalError, appraise, render_table
from realise.collaborations.models import Initiative
from realise.core.options import day_option


class Command(BaseCommand):
    help = (
        "Run a Green Book discounted cash-flow appraisal on a JSON input file: one option, "
        'or {"options": [...]} judged against business as usual, or an initiative\'s economic '
        "case with --initiative (see docs/appraisal.md)."
    )
    requires_system_checks: list[str] = []
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument(
            "input", nargs="?", help="Path to the JSON input file, or - to read stdin."
        )
        parser.add_argument(
            "--initiative",
            metavar="SLUG",
            help="Appraise this initiative's economic case, as stored, instead of a file.",
        )
        parser.add_argument(
            "--ex-post",
            action="store_true",
            help="With --initiative: actuals in place of the plan for every month that has ended.",
        )
        parser.add_argument(
            "--as-of",
            metavar="YYYY-MM-DD",
            help="With --ex-post: the day the months are counted to (default: today).",
        )
        parser.add_argument(
            "--format",
            choices=("json", "table"),
            default="json",
            help="Output format: one JSON object (default) or a readable text table.",
        )

    def handle(self, *args, **options):
        if options.get("initiative") is not None or options["input"] is None:
            output, several = self._case(options), True
        else:
            output, several = self._file(options)
        if options["format"] == "table":
            self.stdout.write(self._table(output, several), ending="")
        else:
            self.stdout.write(json.dumps(output, indent=2, ensure_ascii=False))

    def _file(self, options) -> tuple[dict, bool]:
        """The appraisal of the input file's option, or options; and whether several."""
        for flag in ("ex_post", "as_of"):
            if options.get(flag):
                name = "--" + flag.replace("_", "-")
                raise CommandError(f"{name}: only with --initiative", returncode=2)
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
            return (appraise_options(data) if several else appraise(data)), several
        except AppraisalError as exc:
            raise CommandError(str(exc), returncode=2) from None

    def _case(self, options) -> dict:
        """The initiative's case (`figures.case_output`), as the options ask for it."""
        slug = options.get("initiative")
        if options["input"] is not None:
            raise CommandError("input: give an input file or --initiative, not both", returncode=2)
        if slug is None:
            raise CommandError(
                "input: give an input file (- for stdin) or --initiative SLUG", returncode=2
            )
        initiative = Initiative.objects.filter(slug=slug).first()
        if initiative is None:
            raise CommandError(f"--initiative: no initiative with slug '{slug}'", returncode=2)
        as_of = None
        if options.get("as_of"):
            if not options.get("ex_post"):
                raise CommandError("--as-of: only with --ex-post", returncode=2)
            as_of = day_option(options["as_of"], "--as-of")
        elif options.get("ex_post"):
            as_of = timezone.localdate()
        return case_output(initiative, ex_post_as_of=as_of)

    def _table(self, output, several: bool) -> str:
        if not several:
            return render_table(output)
        parts = []
        for option in output["options"]:
            title = option["name"] + (" (business as usual)" if option["business_as_usual"] else "")
            if option.get("error"):
                parts.append(
                    f"{title}\n{'=' * len(title)}\nCannot be appraised: {option['error']}\n"
                )
                continue
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
