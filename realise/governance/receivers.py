"""In-app notifications for what happens in the apps below governance (their signals)."""

from django.urls import reverse

from realise.governance.models import Notification


def notify_returned_measurement(sender, *, measurement, user, **kwargs) -> None:
    """Whoever entered or last changed a returned actual is told why, with a link to it."""
    returner = user.get_full_name() or user.get_username()
    who = measurement.force.name if measurement.force_id else "the whole collaboration"
    text = (
        f"{returner} returned your actual for {measurement.period:%B %Y} ({who}) on "
        f"benefit {measurement.benefit.reference}: {measurement.return_reason}"
    )
    url = reverse("benefit-detail", args=[measurement.benefit_id]) + "#actuals"
    recipients = {measurement.changed_by_id, measurement.entered_by_id} - {None, user.pk}
    Notification.objects.bulk_create(
        Notification(user_id=recipient, text=text, url=url) for recipient in sorted(recipients)
    )
