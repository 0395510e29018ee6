"""`realise grant --user USERNAME --role ROLE [--force SLUG_OR_ONS_CODE] [--collaboration SLUG]`.

Gives a user a role; granting a role already held changes nothing (exit 0 either way).
A wrong or empty user, role, force or collaboration exits 2 naming the option; nothing changes.
"""

from realise.organisations import services
from realise.organisations.management.commands._access import AccessCommand


class Command(AccessCommand):
    help = "Grant a user a role (for a force, within a collaboration)."

    def act(self, **kwargs) -> services.Outcome:
        return services.grant(**kwargs)
