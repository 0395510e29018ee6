"""What `realise grant` and `realise revoke` share: the options and their checks."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from realise.organisations import services
from realise.organisations.models import ROLE_NAMES


class AccessCommand(BaseCommand):
    verb = ""

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, metavar="USERNAME")
        parser.add_argument(
            "--role", required=True, metavar="ROLE", help=f"One of {', '.join(ROLE_NAMES)}."
        )
        parser.add_argument(
            "--force", metavar="SLUG_OR_ONS_CODE", help="The force, by slug or ONS code."
        )
        parser.add_argument("--collaboration", metavar="SLUG", help="The collaboration's slug.")
        parser.add_argument("--reason", default="", help="Why (kept in the history).")

    def act(self, **kwargs) -> services.Outcome:  # pragma: no cover - each command's own
        raise NotImplementedError

    def handle(self, *args, **options):
        try:
            for option in ("user", "role", "force", "collaboration"):
                services.refuse_blank(option, options[option])
            role = services.role_named(options["role"])
            user = services.user_named(options["user"])
            force = services.force_named(options["force"]) if options["force"] is not None else None
            collaboration = (
                services.collaboration_named(options["collaboration"])
                if options["collaboration"] is not None
                else None
            )
        except services.UnknownName as error:
            raise CommandError(f"--{error.option}: {error.message}", returncode=2) from None
        try:
            outcome = self.act(
                user=user,
                role=role,
                force=force,
                collaboration=collaboration,
                reason=options["reason"],
            )
        except ValidationError as error:
            field, messages = next(iter(_messages(error).items()))
            option = f"--{field}: " if field != "__all__" else ""
            raise CommandError(f"{option}{' '.join(messages)}", returncode=2) from None
        except PermissionDenied as error:
            raise CommandError(str(error), returncode=2) from None
        self.stdout.write(outcome.message)


def _messages(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"__all__": error.messages}
