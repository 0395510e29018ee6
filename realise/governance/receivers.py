"""In-app notifications for what happens in the apps below governance (their signals)."""

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from realise.core import language
from realise.governance.models import Notification


def notify_returned_measurement(sender, *, measurement, user, **kwargs) -> None:
    """Whoever entered or last changed a returned actual is told why, with a link to it, in
    their own language (the one their account remembers; English if none)."""
    returner = user.get_full_name() or user.get_username()
    url = reverse("benefit-detail", args=[measurement.benefit_id]) + "#actuals"
    recipients = {measurement.changed_by_id, measurement.entered_by_id} - {None, user.pk}
    codes = language.preferred(recipients)
    notifications = []
    for recipient in sorted(recipients):
        with translation.override(codes[recipient]):
            who = (
                language.force_name(measurement.force)
                if measurement.force_id
                else _("the whole collaboration")
            )
            text = _(
                "%(returner)s returned your actual for %(month)s (%(who)s) on benefit "
                "%(reference)s: %(reason)s"
            ) % {
                "returner": returner,
                "month": language.month_year(measurement.period),
                "who": who,
                "reference": measurement.benefit.reference,
                "reason": measurement.return_reason,
            }
        notifications.append(Notification(user_id=recipient, text=text, url=url))
    Notification.objects.bulk_create(notifications)
