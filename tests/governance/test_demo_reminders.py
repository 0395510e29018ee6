"""On the demo, a first `realise remind` has something to send; a second sends nothing."""

from io import StringIO

from django.core import mail
from django.core.management import call_command

from realise.governance.models import (
    BodyMember,
    Escalation,
    GovernanceBody,
    PostImplementationReview,
)


def test_remind_on_the_demo_sends_email_once(demo_data, db):
    out = StringIO()
    call_command("remind", stdout=out)
    assert len(mail.outbox) >= 1
    addresses = {address for message in mail.outbox for address in message.to}
    assert "mike.ansell@essex.police.example" in addresses  # 7FP-B02's measurement owner
    subjects = " ".join(m.subject for m in mail.outbox)
    assert "Actuals overdue: 7FP-B02" in subjects
    assert "Agreement review due" in subjects
    assert "Post-implementation review due" in subjects
    assert "Action overdue" in subjects

    sent = len(mail.outbox)
    call_command("remind", stdout=out)
    assert len(mail.outbox) == sent


def test_the_demo_governance(demo_data, db):
    summit = GovernanceBody.objects.get(slug="eastern-region-summit")
    assert summit.members.count() == 14
    assert {m.represents for m in summit.members.filter(represents_force__name="Essex")} == {
        "Police, Fire and Crime Commissioner for Essex",
        "Chief Constable of Essex",
    }
    escalation = Escalation.objects.get(from_body__slug="strategic-procurement-governance-board")
    assert escalation.to_body == summit and escalation.meeting is not None
    assert escalation.meeting.body == summit
    assert PostImplementationReview.objects.filter(completed_on__isnull=True).exists()
    assert BodyMember.objects.filter(body__slug="strategic-procurement-governance-board").exists()
