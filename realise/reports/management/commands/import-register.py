"""`realise import-register FILE.xlsx --user USERNAME [--dry-run]`, and
`realise import-register FILE --mapping MAPPING.json --user USERNAME [--dry-run]` for a
force's own register (.xlsx, .ods or .csv) read through a mapping (docs/import.md).

Checks every row of the workbook and, if all are valid, writes them in one transaction as
USERNAME (recorded in the history). Prints how many rows of each sheet were created,
updated and unchanged. On any error, nothing is written, every error is printed to stderr
as `Sheet!Row, Column: reason` and the exit status is 2. A progress bar is shown on a
terminal, never when the output is piped. A sheet the register does not use is not read,
and the output says so ("Sheet 'Notes' was not read."), as it does of rows hidden or
filtered out, which are imported like the others.
"""

import json
import sys
from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from realise.reports.mapped.grid import GridError, read_grid
from realise.reports.mapped.mapping import MappingError, parse_mapping
from realise.reports.mapped.translate import import_mapped
from realise.reports.register.importing import import_register


class TerminalProgress:
    """A rich progress bar on stderr, for the check and then the write."""

    def __init__(self):
        self.bar = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(file=sys.stderr),
            transient=True,
        )
        self.tasks = {}

    def __enter__(self):
        self.bar.start()
        return self

    def __exit__(self, *exc):
        self.bar.stop()

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        if phase not in self.tasks:
            label = "Checking rows" if phase == "check" else "Writing rows"
            self.tasks[phase] = self.bar.add_task(label, total=total)
        self.bar.update(self.tasks[phase], completed=done, total=total)


class Command(BaseCommand):
    help = "Import the benefits register from an Excel workbook (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .xlsx workbook.")
        parser.add_argument(
            "--user", required=True, help="Import as this user (checked and recorded)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count, but write nothing."
        )
        parser.add_argument(
            "--mapping",
            help="A mapping (JSON) of a force's own register layout to Realise's fields; "
            "without it, FILE is Realise's own workbook.",
        )

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None or not user.is_active:
            raise CommandError(f"--user: no active user called '{options['user']}'", returncode=2)
        try:
            source = open(options["file"], "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise CommandError(
                f"cannot read {options['file']}: {exc.strerror}", returncode=2
            ) from None
        if options["mapping"]:
            with source:
                self.import_mapped(source, options, user)
            return
        with source:
            if sys.stderr.isatty():
                with TerminalProgress() as progress:
                    result = import_register(
                        source, user=user, dry_run=options["dry_run"], progress=progress
                    )
            else:
                result = import_register(source, user=user, dry_run=options["dry_run"])
        if not result.ok:
            for line in [*result.error_lines(), *result.notes]:
                self.stderr.write(line)
            self.stderr.write(
                f"{result.error_count} error{'s' if result.error_count != 1 else ''}: "
                "nothing was imported."
            )
            sys.exit(2)
        for line in [*result.summary_lines(), *result.notes]:
            self.stdout.write(line)
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")
        elif not result.changes:
            self.stdout.write("Nothing has changed.")

    def import_mapped(self, source, options, user) -> None:
        try:
            with open(options["mapping"], encoding="utf-8") as handle:
                data = json.load(handle)
        except OSError as exc:
            self.fail([f"--mapping: cannot read {options['mapping']}: {exc.strerror}"])
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            self.fail([f"--mapping: {options['mapping']} is not valid JSON: {exc}"])
        try:
            mapping = parse_mapping(data)
            grid = read_grid(source.read(), options["file"])
        except (MappingError, GridError) as exc:
            self.fail([f"--mapping: {exc}" if isinstance(exc, MappingError) else str(exc)])
        if sys.stderr.isatty():
            with TerminalProgress() as progress:
                result = import_mapped(
                    grid, mapping, user=user, dry_run=options["dry_run"], progress=progress
                )
        else:
            result = import_mapped(grid, mapping, user=user, dry_run=options["dry_run"])
        if not result.ok:
            self.fail(result.problems, notes=result.notes)
        for line in [*result.summary_lines(), *result.notes]:
            self.stdout.write(line)
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")

    def fail(self, problems: list[str], notes: Sequence[str] = ()) -> None:
        for line in [*problems, *notes]:
            self.stderr.write(line)
        count = len(problems)
        self.stderr.write(f"{count} problem{'s' if count != 1 else ''}: nothing was imported.")
        sys.exit(2)
