"""`realise report highlight|board|closure ... --format pdf|docx --out FILE`.

    realise report highlight --initiative SLUG --month 2026-10 --format pdf --out FILE
    realise report board --body SLUG --date 2026-11-30 --format docx --out FILE
    realise report closure --initiative SLUG --format pdf --out FILE

Each also takes `--language en-gb|cy` (default en-gb): the language the document is
written in; the figures and what people typed are the same in both.

Each takes `--marking OFFICIAL|OFFICIAL-SENSITIVE`: by default OFFICIAL, or the marking
saved with the highlight report's narrative or chosen at closure, so that a document is
never printed with a lower marking than its author gave it. A wrong argument exits with
status 2 and one line naming the option.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from realise.benefits.realisation import parse_month
from realise.collaborations.models import Initiative
from realise.core.options import day_option
from realise.core.outfiles import check_out, replacing
from realise.documents.board_pack import build_board_pack, meeting_date_problem
from realise.documents.closure import build_closure
from realise.documents.highlight import build_highlight, find_report, month_problem
from realise.documents.models import ClosureRecord, Marking
from realise.documents.render import FORMATS, render
from realise.governance.models import GovernanceBody


def usage(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = "Produce a highlight report, a board pack or a closure report as PDF or Word."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        kinds = parser.add_subparsers(dest="kind", metavar="highlight|board|closure")
        kinds.required = True

        def common(sub):
            sub.add_argument("--format", choices=FORMATS, default="pdf")
            sub.add_argument("--out", metavar="FILE", required=True)
            sub.add_argument(
                "--marking",
                choices=Marking.values,
                default=None,
                help="Protective marking on every page (default OFFICIAL).",
            )
            sub.add_argument(
                "--language",
                choices=[code for code, _name in settings.LANGUAGES],
                default=settings.LANGUAGE_CODE,
                help="The language the document is written in (default en-gb).",
            )

        highlight = kinds.add_parser("highlight", help="An initiative's monthly highlight report.")
        highlight.add_argument("--initiative", metavar="SLUG", required=True)
        highlight.add_argument("--month", metavar="YYYY-MM", required=True)
        common(highlight)
        board = kinds.add_parser("board", help="The pack for a governance body's meeting.")
        board.add_argument("--body", metavar="SLUG", required=True)
        board.add_argument("--date", metavar="YYYY-MM-DD", required=True)
        common(board)
        closure = kinds.add_parser("closure", help="A closed initiative's closure report.")
        closure.add_argument("--initiative", metavar="SLUG", required=True)
        common(closure)

    def handle(self, *args, **options):
        # The options are read, and refused, in English; only the document is written in
        # the language asked for.
        out = check_out(options["out"])
        kinds = {"highlight": self.highlight, "board": self.board, "closure": self.closure}
        build = kinds[options["kind"]](options)
        with translation.override(options["language"]):
            self.produce(build, out, options)

    def produce(self, build: Callable[[], dict], out: Path, options) -> None:
        quiet = options["verbosity"] < 1
        document = build()
        if not quiet:
            self.stderr.write(
                f"1 of 2 steps: gathered the figures; writing the {options['format']}"
            )
        rendered = render(document, options["format"])
        if not quiet:
            self.stderr.write("2 of 2 steps: written")
        try:
            with replacing(out) as part:
                part.write_bytes(rendered.content)
        except OSError as error:
            raise usage(f"--out: cannot write '{out}': {error.strerror}") from error
        if options["verbosity"] >= 1:
            self.stdout.write(f"Wrote {out} ({len(rendered.content):,} bytes).")

    def highlight(self, options) -> Callable[[], dict]:
        initiative = Initiative.objects.filter(slug=options["initiative"]).first()
        if initiative is None:
            raise usage(f"--initiative: no initiative with slug '{options['initiative']}'")
        try:
            month = parse_month(options["month"])
        except ValueError as error:
            raise usage(f"--month: {error}") from None
        problem = month_problem(month)
        if problem:
            raise usage(f"--month: {problem}")
        marking = options["marking"] or self.report_marking(initiative, month)
        return functools.partial(build_highlight, initiative, month, marking=marking)

    @staticmethod
    def report_marking(initiative, month) -> str:
        report = find_report(initiative, month)
        return report.marking if report else Marking.OFFICIAL

    def board(self, options) -> Callable[[], dict]:
        body = GovernanceBody.objects.filter(slug=options["body"]).first()
        if body is None:
            raise usage(f"--body: no governance body with slug '{options['body']}'")
        day = day_option(options["date"], "--date", "e.g. 2026-11-30.")
        problem = meeting_date_problem(day)
        if problem:
            raise usage(f"--date: {problem}")
        marking = options["marking"] or Marking.OFFICIAL
        return functools.partial(build_board_pack, body, day, marking=marking)

    def closure(self, options) -> Callable[[], dict]:
        initiative = Initiative.objects.filter(slug=options["initiative"]).first()
        if initiative is None:
            raise usage(f"--initiative: no initiative with slug '{options['initiative']}'")
        record = ClosureRecord.objects.filter(initiative=initiative).first()
        if record is None:
            raise usage(
                f"--initiative: '{initiative.slug}' has not been closed; close it in Realise "
                "(Close the initiative, on its page) first"
            )
        return functools.partial(build_closure, record, marking=options["marking"])
