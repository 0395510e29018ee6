"""`realise revoke --user USERNAME --role ROLE [--force SLUG_OR_ONS_CODE] [--collaboration SLUG]`.

Takes a role away (within the collaboration only, when one is named); revoking what is not
held changes nothing. A wrong or empty user, role, force or collaboration exits 2 naming the
option.
"""

from realise.organisations import services
from realise.organisations.management.commands._access import AccessCommand


class Command(AccessCommand):
    help = "Revoke a user's role (for a force, within a collaboration)."

    def act(self, **kwargs) -> services.Outcome:
        return services.revoke(**kwargs)
