"""The programme team defines bodies, their members and their calendar."""

import datetime

from django.utils import timezone

from realise.governance.models import BodyMember, GovernanceBody
from realise.governance.services import add_months
from realise.governance.workdays import previous_working_day
from realise.organisations.services import name_person
from tests.factories import force


def body_form(**changes):
    data = {
        "name": "EK Oversight Group",
        "slug": "ek-oversight",
        "body_type": "oversight_group",
        "cadence": "bimonthly",
        "meets_from": "2027-01-31",
        "chair": "",
        "escalates_to": "",
        "decides_stages": ["3", "4"],
        "terms_of_reference": "Oversees the partnership.",
        "visibility": "private",
    }
    data.update(changes)
    return data


def test_the_programme_team_adds_a_body(client, world):
    client.force_login(world.alice)
    response = client.post(
        f"/governance/collaborations/{world.collab.slug}/bodies/new/",
        body_form(escalates_to=world.board.pk),
    )
    body = GovernanceBody.objects.get(slug="ek-oversight")
    assert response["Location"] == body.get_absolute_url()
    assert (body.collaboration, body.escalates_to, body.decides_stages) == (
        world.collab,
        world.board,
        [3, 4],
    )
    assert body.history.first().history_user == world.alice


def test_the_collaboration_page_leads_to_its_bodies_and_to_adding_one(client, world):
    add = f'href="/governance/collaborations/{world.collab.slug}/bodies/new/"'
    client.force_login(world.alice)
    page = client.get(world.collab.get_absolute_url()).content.decode()
    assert add in page
    assert f'href="{world.board.get_absolute_url()}"' in page
    client.force_login(world.dave)
    page = client.get(world.collab.get_absolute_url()).content.decode()
    assert add not in page
    assert f'href="{world.board.get_absolute_url()}"' in page


def test_a_regular_body_needs_its_first_meeting_date_and_no_escalation_loop(client, world):
    client.force_login(world.alice)
    page = client.post(
        f"/governance/collaborations/{world.collab.slug}/bodies/new/", body_form(meets_from="")
    ).content.decode()
    assert "Give the date of the first meeting of a regular body." in page
    child = GovernanceBody.objects.create(
        collaboration=world.collab,
        name="Child",
        slug="child",
        body_type="other",
        escalates_to=world.board,
    )
    page = client.post(
        f"/governance/bodies/{world.board.slug}/edit/",
        body_form(name=world.board.name, slug=world.board.slug, escalates_to=child.pk),
    ).content.decode()
    assert "cannot escalate, directly or not, to itself" in page


def test_others_may_not_add_or_change_bodies(client, world):
    client.force_login(world.dave)
    assert (
        client.get(f"/governance/collaborations/{world.collab.slug}/bodies/new/").status_code == 403
    )
    assert client.post(f"/governance/bodies/{world.board.slug}/members/", {}).status_code == 403
    client.force_login(world.nora)
    assert (
        client.get(f"/governance/collaborations/{world.collab.slug}/bodies/new/").status_code == 404
    )


def test_members_represent_a_corporation_sole(client, world):
    # Named by the programme team (on the people page), so theirs to choose.
    pcc = name_person(name="Roger Hale", by=world.alice)
    client.force_login(world.alice)
    url = f"/governance/bodies/{world.board.slug}/members/"
    page = client.post(
        url, {"person": pcc.pk, "represents_kind": "pcc", "represents_force": ""}
    ).content.decode()
    assert "Choose the force whose corporation sole it is." in page
    client.post(
        url, {"person": pcc.pk, "represents_kind": "pcc", "represents_force": force("Essex").pk}
    )
    member = BodyMember.objects.get()
    assert member.represents == "Police, Fire and Crime Commissioner for Essex"
    assert (
        "Police, Fire and Crime Commissioner for Essex"
        in client.get(world.board.get_absolute_url()).content.decode()
    )
    client.post(f"/governance/members/{member.pk}/remove/")
    assert not BodyMember.objects.exists()


def test_the_calendar_is_filled_a_year_ahead_from_the_page(client, world):
    today = timezone.localdate()
    world.board.cadence, world.board.meets_from = "quarterly", today - datetime.timedelta(days=1)
    world.board.save()
    client.force_login(world.alice)
    client.post(f"/governance/bodies/{world.board.slug}/meetings/generate/")
    meetings = world.board.meetings.order_by("date")
    # Quarterly from yesterday: the next four quarters fall within the coming year, each
    # held on its day or, on a weekend or bank holiday, the working day before.
    cadence = [add_months(world.board.meets_from, 3 * n) for n in range(1, 5)]
    assert list(meetings.values_list("cadence_date", flat=True)) == cadence
    dates = list(meetings.values_list("date", flat=True))
    assert dates == [previous_working_day(day) for day in cadence]
    page = client.get(world.board.get_absolute_url()).content.decode()
    assert dates[0].strftime("%-d %B %Y") in page


def test_the_list_of_bodies_says_the_cadence_as_the_body_page_does(client, world):
    world.board.cadence, world.board.meets_from = "monthly_weekday", datetime.date(2027, 1, 5)
    world.board.save()
    GovernanceBody.objects.create(
        collaboration=world.collab,
        name="EK Tactical Group",
        slug="ek-tactical",
        body_type="other",
        cadence="weeks",
        every_weeks=2,
        meets_from=datetime.date(2027, 1, 5),
    )
    client.force_login(world.dave)
    page = client.get("/governance/").content.decode()
    assert "Monthly, on the first Tuesday" in page
    assert "Every 2 weeks" in page
    assert "Monthly, on the same weekday as the first meeting" not in page
    assert "Every few weeks" not in page


def test_the_members_page_has_one_main_heading(client, world):
    client.force_login(world.alice)
    page = client.get(f"/governance/bodies/{world.board.slug}/members/").content.decode()
    assert page.count("<h1") == 1
    assert '<h2 class="govuk-heading-m">Add a member</h2>' in page
    response = client.post(
        f"/governance/bodies/{world.board.slug}/members/",
        {"person": "", "represents_kind": "other"},
    )
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert 'href="#id_person"' in page  # the error summary names the field
