from django.conf import settings
from django.core.management.base import BaseCommand

from realise.demo import DELIBERATE_PROBLEMS, DESCRIPTION, USERS, load_demo


class Command(BaseCommand):
    help = "Load the demo data (the Seven Force Strategic Alliance); safe to run again."

    def handle(self, *args, **options):
        if load_demo():
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        else:
            self.stdout.write("Demo data already loaded; nothing changed.")
        self.stdout.write(f"Demo sign-ins (password '{settings.REALISE_DEMO_PASSWORD}'):")
        for username, first, last, force, role, _ in USERS:
            self.stdout.write(f"  {username:<11} {role.label}, {force} ({first} {last})")
        self.stdout.write(DESCRIPTION)
        self.stdout.write("Data-quality problems left on purpose (realise data-quality):")
        for problem in DELIBERATE_PROBLEMS:
            self.stdout.write(f"  - {problem}")
