"""`realise remind` sends each reminder once, by email and in-app notification."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from realise.collaborations.models import Agreement
from realise.governance.models import (
    Action,
    Decision,
    Notification,
    PostImplementationReview,
    ReminderLog,
)
from realise.governance.reminders import send_reminders
from tests.factories import InitiativeFactory, PersonFactory, actual, plan

D = datetime.date
TODAY = D(2026, 5, 15)  # a Friday; 1 May 2026 (a Friday too) was the month's first working day


@pytest.fixture
def due(world):
    """One of each reminder, due on TODAY."""
    owner = world.benefit.measurement_owner
    owner.email = "measures@kent.police.example"
    owner.save()
    # Planned monthly from January; actuals for January and February only. With 30 days'
    # grace, on 15 May March's actual (month ended 31 March) is overdue; April's is not yet.
    plan(world.benefit, D(2026, 1, 1), ["1000"] * 6)
    actual(world.benefit, D(2026, 1, 1), "990")
    actual(world.benefit, D(2026, 2, 1), "1010")
    Agreement.objects.create(
        collaboration=world.collab, title="EK s22A", signed_on=D(2025, 6, 14)
    )  # review due 14 June 2026: 30 days ahead
    decision = Decision.objects.create(
        body=world.board, decided_on=D(2026, 4, 1), text="Merge vetting"
    )
    Action.objects.create(
        decision=decision,
        text="Draft the merger plan",
        owner=world.erin_person,
        due_on=D(2026, 5, 1),
    )
    Action.objects.create(
        decision=decision, text="Brief staff", owner=world.erin_person, due_on=D(2026, 5, 20)
    )
    sro = PersonFactory(name="Sam Sro", email="sam.sro@essex.police.example")
    live = InitiativeFactory(collaboration=world.collab, name="Joint custody", stage=4, sro=sro)
    PostImplementationReview.objects.create(initiative=live, due_on=D(2026, 6, 1))
    return world


def recipients():
    return sorted((m.to[0], m.subject) for m in mail.outbox)


def test_each_reminder_goes_to_the_right_people(due):
    result = send_reminders(TODAY)
    assert len(result.sent) == 5
    assert recipients() == [
        ("alice@example.org", "[Realise] Agreement review due in 30 days: EK s22A"),
        ("alice@example.org", "[Realise] Highlight report due: Joint custody (April 2026)"),
        ("alice@example.org", "[Realise] Post-implementation review due: Joint custody"),
        (
            "erin@example.org",
            "[Realise] Action overdue: Draft the merger plan (EK Programme Board)",
        ),
        (
            "measures@kent.police.example",
            "[Realise] Actuals overdue: " + due.benefit.reference + " Reduced vetting backlog",
        ),
        (
            "sam.sro@essex.police.example",
            "[Realise] Highlight report due: Joint custody (April 2026)",
        ),
        ("sam.sro@essex.police.example", "[Realise] Post-implementation review due: Joint custody"),
    ]
    overdue = next(m for m in mail.outbox if m.to == ["measures@kent.police.example"])
    assert "March 2026" in overdue.body
    assert f"/benefits/{due.benefit.pk}/" in overdue.body
    # In-app notifications for those who sign in.
    assert Notification.objects.filter(user=due.erin).count() == 1
    assert Notification.objects.filter(user=due.alice).count() == 3


def test_running_twice_sends_nothing_twice(due):
    send_reminders(TODAY)
    first = len(mail.outbox)
    notifications = Notification.objects.count()
    assert first == 7

    again = send_reminders(TODAY)

    assert again.sent == []
    assert again.already_sent == 5
    assert len(mail.outbox) == first
    assert Notification.objects.count() == notifications


def test_dry_run_sends_and_records_nothing(due):
    out = StringIO()
    call_command("remind", "--date", TODAY.isoformat(), "--dry-run", stdout=out)
    assert "Would send 5 reminders (7 emails)" in out.getvalue()
    assert mail.outbox == []
    assert not ReminderLog.objects.exists()
    assert not Notification.objects.exists()
    call_command("remind", "--date", TODAY.isoformat(), stdout=out)
    assert len(mail.outbox) == 7


def test_a_new_overdue_month_is_reminded_again(due):
    send_reminders(TODAY)
    mail.outbox.clear()
    send_reminders(D(2026, 5, 30))  # April ended 30 days ago: not yet overdue
    assert not [m for m in mail.outbox if "Actuals overdue" in m.subject]
    send_reminders(D(2026, 5, 31))  # more than 30 days: now March and April are overdue
    reminded = [m for m in mail.outbox if "Actuals overdue" in m.subject]
    assert len(reminded) == 1
    assert "the 2 months from March 2026 to April 2026" in reminded[0].body


def test_agreement_reviews_are_reminded_at_60_30_and_7_days(world):
    Agreement.objects.create(collaboration=world.collab, title="EK s22A", signed_on=D(2025, 9, 30))
    sent = []
    day = D(2026, 7, 1)  # 91 days before the review on 30 September 2026
    while day <= D(2026, 9, 30):
        sent += [(day, r.subject) for r in send_reminders(day).sent if "Agreement" in r.subject]
        day += datetime.timedelta(days=1)
    assert sent == [
        (D(2026, 8, 1), "Agreement review due in 60 days: EK s22A"),
        (D(2026, 8, 31), "Agreement review due in 30 days: EK s22A"),
        (D(2026, 9, 23), "Agreement review due in 7 days: EK s22A"),
    ]


def test_an_agreement_review_a_day_away_is_due_in_1_day(world):
    Agreement.objects.create(collaboration=world.collab, title="EK s22A", signed_on=D(2025, 9, 30))
    sent = [r for r in send_reminders(D(2026, 9, 29)).sent if "Agreement" in r.subject]
    assert [r.subject for r in sent] == ["Agreement review due in 1 day: EK s22A"]
    assert "is due on 30 September 2026, in 1 day." in sent[0].text


def test_highlight_reports_are_due_from_the_first_working_day(world):
    InitiativeFactory(collaboration=world.collab, name="Joint custody", stage=4)
    # 1 August 2026 is a Saturday: the report on July is due on Monday 3 August.
    assert send_reminders(D(2026, 8, 1)).sent == []
    assert [r.subject for r in send_reminders(D(2026, 8, 3)).sent] == [
        "Highlight report due: Joint custody (July 2026)"
    ]


def test_a_highlight_report_already_written_is_not_reminded(world):
    """As on the worklist: the report on July, once written, is no longer due."""
    from realise.documents.services import save_highlight_report

    custody = InitiativeFactory(collaboration=world.collab, name="Joint custody", stage=4)
    InitiativeFactory(collaboration=world.collab, name="Joint firearms", stage=4)
    save_highlight_report(custody, D(2026, 7, 1), user=world.alice, progress="On track.")
    assert [r.subject for r in send_reminders(D(2026, 8, 3), dry_run=True).sent] == [
        "Highlight report due: Joint firearms (July 2026)"
    ]


def test_done_actions_and_completed_reviews_are_not_reminded(due):
    Action.objects.update(done=True)
    PostImplementationReview.objects.update(completed_on=D(2026, 5, 1))
    subjects = [r.subject for r in send_reminders(TODAY).sent]
    assert not [s for s in subjects if "Action" in s or "Post-implementation" in s]


def test_the_command_reports_what_it_sent(due):
    out = StringIO()
    call_command("remind", "--date", "2026-05-15", stdout=out)
    assert "Sent 5 reminders (7 emails) for 2026-05-15" in out.getvalue()
    call_command("remind", "--date", "2026-05-15", stdout=out)
    assert "Sent 0 reminders (0 emails) for 2026-05-15; 5 already sent before." in out.getvalue()


@pytest.mark.parametrize("day", ["2026-02-30", "yesterday", "15/05/2026"])
def test_a_date_that_is_not_one_is_a_usage_error_naming_the_option(day):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as error:
        call_command("remind", "--date", day, "--dry-run", stdout=StringIO())
    assert error.value.returncode == 2
    assert str(error.value) == (
        f"--date: '{day}' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-30."
    )


def test_an_overdue_actions_subject_names_the_action_shortened_on_one_line(world):
    decision = Decision.objects.create(body=world.board, decided_on=D(2026, 4, 1), text="Merge")
    Action.objects.create(
        decision=decision,
        text="Agree with the Chief Constables\nhow the joint vetting unit is staffed, funded and "
        "overseen once the two forces' units merge in the autumn",
        owner=world.erin_person,
        due_on=D(2026, 5, 1),
    )
    send_reminders(TODAY)
    (sent,) = mail.outbox
    assert sent.subject == (
        "[Realise] Action overdue: Agree with the Chief Constables how the joint vetting "
        "unit… (EK Programme Board)"
    )
    assert Notification.objects.get().text == sent.subject.removeprefix("[Realise] ")
