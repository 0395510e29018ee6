from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from realise.core import housekeeping
from realise.core.audit import send_head
from realise.core.heartbeat import run_checks
from realise.core.options import day_option
from realise.governance.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Send the reminders due today (overdue actuals and actions, agreement and "
        "post-implementation reviews, highlight reports) by email and in-app notification, "
        "and remove built documents older than REALISE_DOCUMENT_DAYS and the uploaded files "
        "of register imports finished more than REALISE_IMPORT_FILES_KEEP_DAYS ago. "
        "Run it daily; a reminder is never sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="Send the reminders as if today were this day (YYYY-MM-DD). Built documents "
            "are removed by the real date, never early.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List what would be sent and removed; send and remove nothing.",
        )
        parser.add_argument("--base-url", help="Site address for links (default REALISE_BASE_URL).")

    def handle(self, *args, **options):
        today = (
            day_option(options["date"] or None, "--date", "e.g. 2026-11-30.")
            or timezone.localdate()
        )
        stopped = run_checks()  # work whose process has gone (a killed import) is failed
        if stopped:
            self.stdout.write(f"Marked {stopped} stopped background job(s) failed.")
        # Old built documents, old register imports' files.
        said, failed = housekeeping.run(dry_run=options["dry_run"])
        for line in said:
            self.stdout.write(line)
        result = send_reminders(today, dry_run=options["dry_run"], base_url=options["base_url"])
        verb = "Would send" if options["dry_run"] else "Sent"
        for reminder in result.sent:
            to = ", ".join(reminder.emails()) or "in-app only"
            self.stdout.write(f"{verb}: {reminder.subject} -> {to}")
        for reminder in result.no_recipient:
            self.stdout.write(f"No one to remind: {reminder.subject}")
        for reminder, error in result.failed:
            self.stderr.write(f"Failed: {reminder.subject}: {error}")
        self.stdout.write(
            f"{verb} {len(result.sent)} reminder{'s' if len(result.sent) != 1 else ''} "
            f"({result.emails} email{'s' if result.emails != 1 else ''}) for {today:%Y-%m-%d}; "
            f"{result.already_sent} already sent before."
        )
        problems = []
        if failed:
            problems.append(f"Housekeeping failed: {', '.join(failed)}.")
        if result.failed:
            problems.append(f"{len(result.failed)} reminder(s) could not be sent.")
        if not self.send_audit_head(options["dry_run"]):
            problems.append("The audit trail's head could not be sent.")
        if problems:
            raise CommandError(" ".join(problems) + " Run again later.")

    def send_audit_head(self, dry_run: bool) -> bool:
        """Send today's head of the audit trail to REALISE_AUDIT_ANCHOR_URL, if it is set."""
        url = settings.REALISE_AUDIT_ANCHOR_URL
        if not url or dry_run:
            return True
        try:
            sent = send_head(url)
        except OSError as error:
            self.stderr.write(f"Failed: the audit trail's head to {url}: {error}")
            return False
        self.stdout.write(f"Sent the audit trail's head {sent} to {url}.")
        return True
