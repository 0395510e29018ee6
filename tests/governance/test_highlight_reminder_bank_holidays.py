"""Highlight reports fall due from the month's first working day, as `realise remind` says:
a bank holiday is not a working day."""

import datetime

from realise.governance.reminders import send_reminders
from tests.factories import InitiativeFactory

D = datetime.date


def highlight_subjects(day: datetime.date) -> list[str]:
    return [r.subject for r in send_reminders(day).sent if r.subject.startswith("Highlight")]


def test_a_highlight_report_is_not_due_on_new_years_day(world):
    InitiativeFactory(collaboration=world.collab, name="Joint custody", stage=4)
    # Friday 1 January 2027 is a bank holiday: the report on December is due on Monday 4th.
    assert highlight_subjects(D(2027, 1, 1)) == []
    assert highlight_subjects(D(2027, 1, 4)) == [
        "Highlight report due: Joint custody (December 2026)"
    ]


def test_a_highlight_report_waits_for_the_early_may_bank_holiday(world):
    InitiativeFactory(collaboration=world.collab, name="Joint custody", stage=4)
    # Monday 1 May 2028 is the early May bank holiday: the report on April is due on the 2nd.
    assert highlight_subjects(D(2028, 5, 1)) == []
    assert highlight_subjects(D(2028, 5, 2)) == ["Highlight report due: Joint custody (April 2028)"]
