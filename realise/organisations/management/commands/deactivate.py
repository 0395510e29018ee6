"""`realise deactivate --user USERNAME` (and `realise reactivate --user USERNAME`).

As on the user's page at /access/: a deactivated user cannot sign in, their sessions end and
their API token stops working at once; their roles, history and authorship stay. Asking for
what already holds changes nothing. An unknown user exits 2 naming the option.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from realise.organisations import services


class Command(BaseCommand):
    help = "Deactivate a user: sign-in and API token stop at once; history is kept."
    active = False

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, metavar="USERNAME")

    def handle(self, *args, **options):
        try:
            services.refuse_blank("user", options["user"])
            user = services.user_named(options["user"])
        except services.UnknownName as error:
            raise CommandError(f"--{error.option}: {error.message}", returncode=2) from None
        name = user.get_username()
        try:
            changed = services.set_active(user, self.active)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages), returncode=2) from None
        if not changed:
            already = (
                _("%(name)s is already active: nothing changed.")
                if self.active
                else _("%(name)s is already deactivated: nothing changed.")
            )
            self.stdout.write(already % {"name": name})
            return
        self.stdout.write(services.activation_message(name, self.active))
