"""`realise audit verify` and `realise audit export --format csv|json [--output FILE]`.

`verify` walks the hash chain of the audit trail; it exits 0 when the chain holds and 1
naming the first broken record. `export` writes the whole trail (oldest first).
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from realise.core.audit import EXPORT_FIELDS, canonical, export_rows, verify
from realise.core.cells import CsvDictWriter
from realise.core.models import AuditRecord


def write_csv(rows, out) -> None:
    writer = CsvDictWriter(out, fieldnames=EXPORT_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        for name in ("before", "after"):
            row[name] = "" if row[name] is None else canonical(row[name])
        writer.writerow(row)


def write_json(rows, out) -> None:
    out.write("[")
    for index, row in enumerate(rows):
        out.write(("," if index else "") + "\n" + json.dumps(row, ensure_ascii=False))
    out.write("\n]\n")


class Command(BaseCommand):
    help = "Check the audit trail's hash chain, or export the trail."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="Check every record's hash and its link to the one before.")
        export = sub.add_parser("export", help="Write the whole trail, oldest record first.")
        export.add_argument("--format", choices=["csv", "json"], default="csv")
        export.add_argument("--output", help="A file to write (default: standard output).")

    def handle(self, *args, **options):
        if options["subcommand"] == "verify":
            verdict = verify()
            if verdict.ok:
                self.stdout.write(verdict.message())
                return
            self.stderr.write(verdict.message())
            sys.exit(1)
        rows = export_rows(AuditRecord.objects.order_by("sequence"))
        writer = write_csv if options["format"] == "csv" else write_json
        if options["output"]:
            try:
                with open(options["output"], "w", newline="", encoding="utf-8") as out:
                    writer(rows, out)
            except OSError as error:
                raise CommandError(f"--output: {error}", returncode=2) from None
        else:
            self.stdout.ending = ""
            writer(rows, self.stdout)
