"""`realise inspection-pack --collaboration SLUG --out FILE.zip [--with-evidence] [--as USERNAME]`.

Builds the collaboration's inspection pack (`realise.documents.inspection`) now, as the same
job the page queues, printing its progress on standard error, and writes the ZIP to FILE.

With `--as`, the pack holds only what that user may see, and only an inspector, an
administrator or the collaboration's programme team may ask for one. Without it, the pack
is built as an administrator sees the collaboration (the command line is the operator's).

Exit status: 0 written; 1 the build failed; 2 a wrong argument (an unknown user, a
collaboration that does not exist or that the `--as` user may not ask a pack of: the same
message for both, or a FILE that cannot be written).
"""

from __future__ import annotations

import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from realise.collaborations.models import Collaboration
from realise.core.outfiles import check_out, replacing
from realise.documents.inspection import may_request, run_pack
from realise.documents.models import InspectionPack, PackStatus


def usage(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = "Build a collaboration's inspection pack (a ZIP) for the inspectorate."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--collaboration", metavar="SLUG", required=True)
        parser.add_argument("--out", metavar="FILE.zip", required=True)
        parser.add_argument(
            "--with-evidence", action="store_true", help="Also hold the evidence files."
        )
        parser.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="Build it as this user sees the collaboration (default: everything).",
        )

    def handle(self, *args, **options):
        slug = options["collaboration"]
        user = None
        if options["as_user"]:
            user = get_user_model().objects.filter(username=options["as_user"]).first()
            if user is None or not user.is_active:
                raise usage(f"--as: no active user called '{options['as_user']}'")
        collaboration = Collaboration.objects.filter(slug=slug).first()
        if collaboration is None or (user is not None and not may_request(user, collaboration)):
            raise usage(f"--collaboration: no collaboration '{slug}'")
        out = check_out(options["out"])

        pack = InspectionPack.objects.create(
            requester=user, collaboration=collaboration, with_evidence=options["with_evidence"]
        )

        def progress(percent: int, step: str) -> None:
            sys.stderr.write(f"\r{percent:3d}% {step:<50}")
            sys.stderr.flush()

        pack = run_pack(pack.pk, progress=progress)
        sys.stderr.write("\n")
        if pack.status != PackStatus.DONE:
            self.stderr.write(pack.error)
            sys.exit(1)
        try:
            with pack.file.open("rb") as stored, replacing(out) as part:
                part.write_bytes(stored.read())
        except OSError as error:
            raise usage(f"--out: cannot write '{out}': {error.strerror}") from error
        if options["verbosity"] >= 1:
            self.stdout.write(f"Wrote {out} ({out.stat().st_size:,} bytes).")
