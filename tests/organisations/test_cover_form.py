"""The form naming a deputy shows every problem at once, and tells someone who is not a
named person why there is no one to choose and what to do.

erin owns the benefit of the Essex and Kent collaboration (as Erin Owner); dave is a viewer
whose account is no named person's.
"""

import datetime

import pytest

from realise.organisations import services
from realise.organisations.models import Cover
from tests.organisations.inviting import signed_in

TODAY = datetime.date.today()
YESTERDAY = TODAY - datetime.timedelta(days=1)


def test_naming_yourself_with_the_dates_reversed_shows_both_problems(world):
    page = signed_in(world.erin).post(
        "/access/cover/new/",
        {
            "person": world.erin_person.pk,
            "deputy": "erin",
            "starts": TODAY.isoformat(),
            "ends": YESTERDAY.isoformat(),
        },
    )
    assert page.status_code == 200
    content = page.content.decode()
    summary = content.split('data-module="govuk-error-summary"')[1].split("</ul>")[0]
    assert "A person cannot be their own deputy." in summary
    assert "The last day must be on or after the first day." in summary
    assert not Cover.objects.exists()


def test_a_deactivated_deputy_and_reversed_dates_are_both_named(world):
    world.dave.is_active = False
    world.dave.save()
    with pytest.raises(services.ValidationError) as refused:
        services.name_deputy(
            person=world.erin_person,
            deputy=world.dave,
            starts=TODAY,
            ends=YESTERDAY,
            by=world.erin,
        )
    assert refused.value.message_dict == {
        "ends": ["The last day must be on or after the first day."],
        "deputy": ["dave is deactivated."],
    }


def test_someone_who_is_no_named_person_is_told_why_and_what_to_do(world):
    page = signed_in(world.dave).get("/access/cover/new/")
    assert page.status_code == 200
    content = page.content.decode()
    assert "Your account is not linked to a named person" in content
    assert "ask an administrator" in content
    assert 'name="person"' not in content  # no empty list to choose from


def test_an_owner_still_gets_the_form(world):
    content = signed_in(world.erin).get("/access/cover/new/").content.decode()
    assert 'name="person"' in content
    assert "Erin Owner" in content
    assert "Your account is not linked to a named person" not in content
