"""Who may name a deputy for whom: no one names themself deputy for someone else (an
administrator aside), and a programme team arranges cover only for owners whose benefits,
initiatives and actions lie within the collaborations it runs.

alice runs the Essex and Kent collaboration (ek); erin owns its benefit; olive owns a
benefit of the Norfolk collaboration (open to any signed-in user), which alice does not run.
"""

import datetime

import pytest

from realise.organisations import services
from realise.organisations.models import Cover
from tests.factories import (
    BenefitFactory,
    CollaborationFactory,
    InitiativeFactory,
    PersonFactory,
    member,
    share,
)
from tests.organisations.inviting import signed_in

TODAY = datetime.date.today()
NEXT_WEEK = TODAY + datetime.timedelta(days=7)


@pytest.fixture
def olive(world):
    norfolk = CollaborationFactory(name="Norfolk Fleet", slug="norfolk-fleet")
    share(norfolk, "Norfolk", "100")
    initiative = InitiativeFactory(collaboration=norfolk, name="Fleet", slug="fleet", stage=2)
    olive = PersonFactory(name="Olive Owner")
    olive.benefit = BenefitFactory(initiative=initiative, title="Fewer vans", owner=olive)
    return olive


def cover_form(person, deputy: str) -> dict:
    return {
        "person": person.pk,
        "deputy": deputy,
        "starts": TODAY.isoformat(),
        "ends": NEXT_WEEK.isoformat(),
    }


def test_a_programme_team_cannot_make_itself_deputy_for_an_owner_elsewhere(world, olive):
    alice = signed_in(world.alice)
    response = alice.post("/access/cover/new/", cover_form(olive, "alice"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Olive Owner" in page and "Norfolk Fleet" not in page.split("govuk-error-summary")[0]
    assert not Cover.objects.exists()
    world.alice.refresh_from_db()
    assert not world.alice.has_perm("benefits.change_benefit", olive.benefit)
    # Nor a colleague.
    response = alice.post("/access/cover/new/", cover_form(olive, "bob"))
    assert response.status_code == 200
    assert not Cover.objects.exists()


def test_no_one_but_an_administrator_names_themself_deputy_for_another(world):
    response = signed_in(world.alice).post(
        "/access/cover/new/", cover_form(world.erin_person, "alice")
    )
    assert response.status_code == 200
    assert "Erin Owner" in response.content.decode()
    assert not Cover.objects.exists()
    # The person themself, or another of the programme team, names alice.
    services.name_deputy(
        person=world.erin_person, deputy=world.alice, starts=TODAY, ends=NEXT_WEEK, by=world.erin
    )
    assert Cover.objects.get().deputy == world.alice


def test_a_programme_team_names_a_deputy_for_an_owner_within_its_collaboration(world):
    response = signed_in(world.alice).post(
        "/access/cover/new/", cover_form(world.erin_person, "dave")
    )
    assert response.status_code == 302
    assert Cover.objects.get().deputy == world.dave


def test_a_programme_team_sees_and_ends_only_cover_within_its_collaborations(world, olive):
    ada = member("ada", "Essex", "administrator")
    elsewhere = services.name_deputy(
        person=olive, deputy=world.nora, starts=TODAY, ends=NEXT_WEEK, note="Leave", by=ada
    )
    ours = services.name_deputy(
        person=world.erin_person, deputy=world.dave, starts=TODAY, ends=NEXT_WEEK, by=ada
    )
    alice = signed_in(world.alice)
    page = alice.get("/access/cover/").content.decode()
    assert "Erin Owner" in page and "Olive Owner" not in page
    assert alice.post(f"/access/cover/{elsewhere.pk}/end/").status_code == 404
    assert Cover.objects.filter(pk=elsewhere.pk).exists()
    assert alice.post(f"/access/cover/{ours.pk}/end/").status_code == 302
    assert not Cover.objects.filter(pk=ours.pk).exists()
