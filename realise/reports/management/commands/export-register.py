"""`realise export-register [--collaboration SLUG] [--initiative SLUG] [--user NAME] --out FILE`.

Writes the benefits register as one Excel workbook (initiatives, benefits, planned values
and actuals), streaming. Without `--user` it holds everything; with it, what that user may
see.
"""

import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from realise.collaborations.models import Collaboration, Initiative
from realise.reports.register.xlsx import register_rows, register_scope, write_register


class Command(BaseCommand):
    help = "Export the benefits register to an Excel workbook."

    def add_arguments(self, parser):
        parser.add_argument("--collaboration", help="Only this collaboration (and those in it).")
        parser.add_argument("--initiative", help="Only this initiative.")
        parser.add_argument("--user", help="Only what this user may see.")
        parser.add_argument("--out", required=True, help="The .xlsx file to write.")

    def handle(self, *args, **options):
        collaboration = initiative = None
        initiatives = Initiative.objects.all()
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"--user: no user called '{options['user']}'", returncode=2)
            initiatives = Initiative.objects.visible_to(user)
        if options["collaboration"]:
            collaboration = Collaboration.objects.filter(slug=options["collaboration"]).first()
            if collaboration is None:
                raise CommandError(
                    f"--collaboration: no collaboration with slug '{options['collaboration']}'",
                    returncode=2,
                )
        if options["initiative"]:
            initiative = Initiative.objects.filter(slug=options["initiative"]).first()
            if initiative is None:
                raise CommandError(
                    f"--initiative: no initiative with slug '{options['initiative']}'",
                    returncode=2,
                )
        check_out(options["out"])
        scope = register_scope(initiatives, collaboration=collaboration, initiative=initiative)
        total = register_rows(scope)

        def progress(rows: int) -> None:
            if options["verbosity"] >= 1:
                self.stderr.write(f"{min(rows, total)} of {total} rows")

        try:
            counts = write_register(options["out"], scope, progress=progress)
        except OSError as exc:
            raise CommandError(
                f"--out: cannot write {options['out']}: {exc}", returncode=2
            ) from None
        self.stdout.write(
            f"Wrote {counts.initiatives} initiatives, {counts.benefits} benefits, "
            f"{counts.planned_values} planned values and {counts.actuals} actuals "
            f"to {options['out']}."
        )


def check_out(name: str) -> None:
    """Refuse, before the workbook is started, a file that cannot be written: a folder that
    does not exist or cannot be written to, a folder named as the file, a read-only file."""
    out = Path(name)
    folder = out.parent
    if out.is_dir():
        raise CommandError(
            f"--out: '{out}' is a folder; name the .xlsx file to write", returncode=2
        )
    if not folder.is_dir():
        raise CommandError(f"--out: the folder '{folder}' does not exist", returncode=2)
    writable = os.access(out, os.W_OK) if out.exists() else os.access(folder, os.W_OK | os.X_OK)
    if not writable:
        raise CommandError(f"--out: cannot write '{out}': permission denied", returncode=2)
