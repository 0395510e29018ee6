"""`realise reactivate --user USERNAME`: the user may sign in again (see `deactivate`)."""

from realise.organisations.management.commands.deactivate import Command as Deactivate


class Command(Deactivate):
    help = "Reactivate a deactivated user: they may sign in and use their API token again."
    active = True
