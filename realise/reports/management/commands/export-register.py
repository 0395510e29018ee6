"""`realise export-register [--collaboration SLUG] [--initiative SLUG] [--user NAME] --out FILE`.

Writes the benefits register as one Excel workbook (initiatives, benefits, planned values
and actuals), streaming. Without `--user` it holds everything; with it, what that user may
see.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from realise.collaborations.models import Collaboration, Initiative
from realise.core.outfiles import check_out, replacing
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
        collaborations = Collaboration.objects.all()
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"--user: no user called '{options['user']}'", returncode=2)
            initiatives = Initiative.objects.visible_to(user)
            # The drop-downs name only the collaborations the user may see, as on the page.
            collaborations = Collaboration.objects.visible_to(user)
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
        out = check_out(options["out"], what="the .xlsx file")
        scope = register_scope(initiatives, collaboration=collaboration, initiative=initiative)
        total = register_rows(scope)
        # The About sheet says which part of the register this is, as the page's does.
        filters = [
            (label, str(found))
            for found, label in ((collaboration, "Collaboration"), (initiative, "Initiative"))
            if found is not None
        ]

        def progress(rows: int) -> None:
            if options["verbosity"] >= 1:
                self.stderr.write(f"{min(rows, total)} of {total} rows")

        try:
            with replacing(out) as part:
                counts = write_register(
                    str(part),
                    scope,
                    progress=progress,
                    collaborations=collaborations,
                    filters=filters,
                    reader=user,
                )
        except OSError as exc:
            raise CommandError(
                f"--out: cannot write {options['out']}: {exc}", returncode=2
            ) from None
        self.stdout.write(
            f"Wrote {counted(counts.initiatives, 'initiative')}, "
            f"{counted(counts.benefits, 'benefit')}, "
            f"{counted(counts.planned_values, 'planned value')} and "
            f"{counted(counts.actuals, 'actual')} to {options['out']}."
        )


def counted(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
