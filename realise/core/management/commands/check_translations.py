"""`realise check_translations [--write-still-to-mark]`: is every string people read in Welsh?

Fails (exit 1) naming each problem: a Welsh catalogue entry untranslated or fuzzy, a string
marked for translation that is not in the catalogue, or text in a template outside
translation tags (templates listed in locale/templates-still-to-mark.txt excepted).
`--write-still-to-mark` rewrites that list with the templates that still have unmarked text.
"""

from django.core.management.base import BaseCommand, CommandError

from realise.core import translations


class Command(BaseCommand):
    help = "Check that the Welsh catalogue is complete and templates mark their text."

    def add_arguments(self, parser):
        parser.add_argument(
            "--write-still-to-mark",
            action="store_true",
            help="Rewrite locale/templates-still-to-mark.txt from the templates as they are.",
        )

    def handle(self, *args, **options):
        if options["write_still_to_mark"]:
            self._write()
            return
        entries = translations.read_catalogue()
        problems = translations.catalogue_problems(entries)
        known = {entry.msgid for entry in entries}
        for msgid, where in sorted(translations.marked_msgids().items()):
            if msgid not in known:
                problems.append(
                    f"{where}: not in the Welsh catalogue (run makemessages -l cy): {msgid!r}"
                )
        allowed = set(translations.still_to_mark())
        template_problems, clean = translations.template_problems(allowed)
        problems += template_problems
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} translation problem(s); see docs/welsh.md.")
        note = f"; {len(clean)} listed template(s) are now clean: remove them" if clean else ""
        self.stdout.write(
            f"Welsh: {len(entries)} strings translated; "
            f"{len(allowed)} template(s) still to mark{note}."
        )

    def _write(self):
        names = []
        for path in translations.template_files():
            if translations.unmarked_text(path.read_text(encoding="utf-8")):
                names.append(str(path.relative_to(translations.ROOT)))
        header = (
            "# Templates that still show text outside translation tags (`realise\n"
            "# check_translations` lets them pass). Mark a template, then remove it here.\n"
        )
        translations.STILL_TO_MARK.write_text(header + "\n".join(names) + "\n", encoding="utf-8")
        self.stdout.write(f"{len(names)} template(s) still to mark.")
