"""`realise check_translations [--write-still-to-mark]`: is every string people read in Welsh?

Fails (exit 1) naming each problem: a Welsh catalogue entry untranslated or fuzzy, a string
marked for translation that is not in the catalogue, text in a template outside
translation tags (templates listed in locale/templates-still-to-mark.txt excepted), or a
plain string (or f-string, or a string formatted with `%` or `.format`) in Python where
people read it, each as `file:line: not marked for translation: 'text'`.

Where people read Python strings (`translations.python_problems`, over `realise/` but for
migrations and tests): the message of `django.contrib.messages` (`messages.success`, `.info`,
`.warning`, `.error`, `.debug`, `.add_message`); `ValidationError` (Django's, in forms,
models and services) and `form.add_error`; `PermissionDenied` and `Refused`, whose message
the 403 page shows; `label=`, `help_text=`, `verbose_name=`, `verbose_name_plural=`,
`empty_label=` and `error_messages=` of any call (form fields, model fields, table
columns, filters), the same attributes set on a field, and in a `Meta` the model's
`verbose_name`, a model form's `labels`, `help_texts` and `error_messages`, and a table's
`empty_text`;
choice labels (`TextChoices` / `IntegerChoices` members, `choices=[(value, label)]`);
emails (`send_mail`, `EmailMessage`); notifications (`Notification(text=)`) and reminders
(`Reminder(subject=, text=)`). A string passes when it goes through `gettext`,
`gettext_lazy`, `gettext_noop`, `pgettext`, `ngettext` (or `_`), or holds no words (a
code, a symbol, a protective marking such as OFFICIAL).

Left out on purpose, as they are read by machines and are English by design (docs/welsh.md,
"Machines keep English"): the API (`api.py`, `api_filters.py`, `api_root.py`,
`parsers.py`, `serializers.py`, and a `ValidationError` from `rest_framework`, its own or
`serializers.ValidationError`), whose error texts are part of the API's contract; the open
data files and the dashboards' CSV downloads, whose column names stay English; and what
is stored rather than shown (audit descriptions, search entries), which `language.english`
keeps English. `Http404` messages are never shown (the 404 page has its own words), and the
command line (`CommandError`, command output) is for operators and stays English.
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
        problems += translations.python_problems()
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
