"""`realise users [--format json]`: every user with their memberships.

JSON: `[{"username", "email", "active", "memberships": [{"role", "force", "collaboration"}]}]`
with the role as the command line names it and the force and collaboration as slugs (or
null); a membership within several collaborations is listed once for each.
"""

import json

from django.core.management.base import BaseCommand

from realise.organisations import services


class Command(BaseCommand):
    help = "List users and their roles."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **options):
        listing = services.users_listing()
        if options["format"] == "json":
            self.stdout.write(json.dumps(listing, indent=2))
            return
        for user in listing:
            state = "" if user["active"] else " (deactivated)"
            self.stdout.write(f"{user['username']} <{user['email'] or 'no email'}>{state}")
            for m in user["memberships"]:
                where = [f"force {m['force']}"] if m["force"] else []
                if m["collaboration"]:
                    where.append(f"in {m['collaboration']}")
                self.stdout.write(f"  {m['role']}{' ' + ', '.join(where) if where else ''}")
            if not user["memberships"]:
                self.stdout.write("  no roles")
