"""`realise audit verify` and `realise audit export --format csv|json [--output FILE]`.

`head` prints the newest record's number and hash (`N:HASH`, or JSON with `--format json`),
for keeping outside Realise; `verify --head N:HASH` then also fails when the trail no longer
holds that record with that hash (its newest records cut off or rewritten). `anchor` sends
the head to `REALISE_AUDIT_ANCHOR_URL`.

`verify` walks the hash chain of the audit trail; it exits 0 when the chain holds and 1
naming the first broken record. With `--data` it also compares every audited live row with
the state its audit records end in, and names each row changed, deleted or inserted
outside the application. `export` writes the whole trail (oldest first).
"""

import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from realise.core.audit import (
    EXPORT_FIELDS,
    Head,
    canonical,
    export_rows,
    head,
    send_head,
    verify,
    verify_data,
    verify_head,
)
from realise.core.cells import CsvDictWriter
from realise.core.models import AuditRecord
from realise.core.personal_data import SHOWN_IN_FULL


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
        check = sub.add_parser(
            "verify", help="Check every record's hash and its link to the one before."
        )
        check.add_argument(
            "--head",
            metavar="N:HASH",
            help="The head noted earlier (from `audit head`): fail if records up to N are "
            "missing or differ.",
        )
        check.add_argument(
            "--data",
            action="store_true",
            help="Also compare every audited live row with its latest audit record.",
        )
        shown = sub.add_parser("head", help="Print the newest record's number and hash.")
        shown.add_argument("--format", choices=["text", "json"], default="text")
        sub.add_parser(
            "anchor", help="Send the head to REALISE_AUDIT_ANCHOR_URL (the daily reminders do)."
        )
        export = sub.add_parser("export", help="Write the whole trail, oldest record first.")
        export.add_argument("--format", choices=["csv", "json"], default="csv")
        export.add_argument("--output", help="A file to write (default: standard output).")

    def handle(self, *args, **options):
        if options["subcommand"] == "verify":
            anchor = None
            if options["head"]:
                try:
                    anchor = Head.parse(options["head"])
                except ValueError as error:
                    raise CommandError(f"--head: {error}", returncode=2) from None
            if self.verify(data=options["data"], anchor=anchor):
                sys.exit(1)
            return
        if options["subcommand"] == "head":
            current = head()
            if options["format"] == "json":
                self.stdout.write(json.dumps(current.as_dict()))
            else:
                self.stdout.write(str(current))
            return
        if options["subcommand"] == "anchor":
            url = settings.REALISE_AUDIT_ANCHOR_URL
            if not url:
                raise CommandError("REALISE_AUDIT_ANCHOR_URL is not set: nowhere to send the head.")
            try:
                sent = send_head(url)
            except OSError as error:
                raise CommandError(f"The head was not sent to {url}: {error}") from None
            self.stdout.write(f"Sent the audit trail's head {sent} to {url}.")
            return
        # The command line is the operator's: every value, as administrators read it.
        rows = export_rows(AuditRecord.objects.order_by("sequence"), withholding=SHOWN_IN_FULL)
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

    def verify(self, *, data: bool, anchor: Head | None = None) -> int:
        failed = False
        verdict = verify() if anchor is None else verify_head(anchor)
        if verdict.ok:
            self.stdout.write(verdict.message())
        else:
            self.stderr.write(verdict.message())
            failed = True
        if data:
            checked = verify_data()
            for discrepancy in checked.discrepancies:
                self.stderr.write(discrepancy.message())
            (self.stdout if checked.ok else self.stderr).write(checked.message())
            failed = failed or not checked.ok
        return 1 if failed else 0
