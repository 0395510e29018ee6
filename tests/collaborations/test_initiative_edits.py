"""Editing an initiative never moves its stage or closes it: the stage moves only through a
stage decision, and an initiative is closed only through its closure. The page and the API
refuse either by naming the field; moving between active and on hold stays an edit."""

import html

import pytest
from rest_framework.test import APIClient

from realise.collaborations.models import Initiative, InitiativeStatus
from realise.documents.models import ClosureRecord
from tests.collaborations.test_rules_every_way_in import initiative_form
from tests.factories import InitiativeFactory

STAGE_BY_DECISION = (
    "The stage moves only through a stage decision: on the initiative's stage page, or with "
    "POST /api/v1/stage-decisions/. A new initiative starts at 0 Strategic assessment."
)
CLOSED_BY_CLOSURE = (
    "An initiative is closed only through its closure (/initiatives/joint-vetting/close/), "
    "which records the lessons learned, hands its benefits over to business as usual and keeps "
    "the closure report."
)
STAYS_CLOSED = "Joint vetting is closed, and a closed initiative stays closed."


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(world):
    return f"/api/v1/initiatives/{world.initiative.pk}/"


def unchanged(world, stage=2, status=InitiativeStatus.ACTIVE):
    version = world.initiative.version
    world.initiative.refresh_from_db()
    assert (world.initiative.stage, world.initiative.status) == (stage, status)
    assert world.initiative.version == version  # nothing saved


def closed(world):
    """Joint vetting as the closure leaves it: closed, with its closure record."""
    world.initiative.status = InitiativeStatus.CLOSED
    world.initiative.save()
    ClosureRecord.objects.create(initiative=world.initiative, closed_on="2026-11-01")
    world.initiative.refresh_from_db()


# The stage ------------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", [3, 1, "3", None, "two"])
def test_the_api_refuses_a_stage_change_naming_the_field(world, stage):
    response = api(world.alice).patch(
        url(world), {"stage": stage, "version": world.initiative.version}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"stage": [STAGE_BY_DECISION]}
    unchanged(world)


def test_the_api_accepts_the_stage_it_already_has(world):
    """A whole record sent back as read (stage included) is not a stage change."""
    response = api(world.alice).patch(
        url(world),
        {"stage": 2, "purpose": "Vet once for both forces", "version": world.initiative.version},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["stage"] == 2
    world.initiative.refresh_from_db()
    assert world.initiative.purpose == "Vet once for both forces"


def test_a_new_initiative_starts_at_stage_0(world):
    data = {"collaboration": world.collab.pk, "name": "Joint firearms", "slug": "joint-firearms"}
    refused = api(world.alice).post("/api/v1/initiatives/", {**data, "stage": 3}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {"stage": [STAGE_BY_DECISION]}
    assert not Initiative.objects.filter(slug="joint-firearms").exists()
    created = api(world.alice).post("/api/v1/initiatives/", {**data, "stage": 0}, format="json")
    assert created.status_code == 201
    assert created.json()["stage"] == 0


# The status -----------------------------------------------------------------------------------


def test_the_api_refuses_closing_naming_the_field(world):
    response = api(world.alice).patch(
        url(world), {"status": "closed", "version": world.initiative.version}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"status": [CLOSED_BY_CLOSURE]}
    unchanged(world)


def test_the_api_refuses_a_new_initiative_already_closed(world):
    response = api(world.alice).post(
        "/api/v1/initiatives/",
        {
            "collaboration": world.collab.pk,
            "name": "Joint firearms",
            "slug": "joint-firearms",
            "status": "closed",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["status"] == [
        "An initiative is closed only through its closure (/initiatives/joint-firearms/close/), "
        "which records the lessons learned, hands its benefits over to business as usual and "
        "keeps the closure report."
    ]
    assert not Initiative.objects.filter(slug="joint-firearms").exists()


def test_on_hold_and_back_stays_an_edit(world, client):
    response = api(world.alice).patch(
        url(world), {"status": "on_hold", "version": world.initiative.version}, format="json"
    )
    assert response.status_code == 200
    world.initiative.refresh_from_db()
    assert world.initiative.status == InitiativeStatus.ON_HOLD
    client.force_login(world.alice)
    page = client.post(
        f"/initiatives/{world.initiative.slug}/edit/", initiative_form(world, status="active")
    )
    assert page.status_code == 302
    world.initiative.refresh_from_db()
    assert world.initiative.status == InitiativeStatus.ACTIVE


def test_a_closed_initiative_stays_closed(world, client):
    closed(world)
    response = api(world.alice).patch(
        url(world), {"status": "active", "version": world.initiative.version}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"status": [STAYS_CLOSED]}
    unchanged(world, status=InitiativeStatus.CLOSED)
    # Its other details may still be corrected, the status staying as it is.
    client.force_login(world.alice)
    edit = f"/initiatives/{world.initiative.slug}/edit/"
    options = client.get(edit).content.decode().split('name="status"')[1].split("</select>")[0]
    assert 'value="closed"' in options and 'value="active"' not in options
    refused = client.post(edit, initiative_form(world, status="active"))
    assert refused.status_code == 200
    assert f'<a href="#id_status">{STAYS_CLOSED}</a>' in html.unescape(refused.content.decode())
    unchanged(world, status=InitiativeStatus.CLOSED)
    saved = client.post(edit, initiative_form(world, purpose="Vetting, now business as usual"))
    assert saved.status_code == 302
    world.initiative.refresh_from_db()
    assert world.initiative.purpose == "Vetting, now business as usual"
    assert world.initiative.status == InitiativeStatus.CLOSED


def test_the_edit_page_offers_no_closing_and_refuses_it_by_name(world, client):
    client.force_login(world.alice)
    edit = f"/initiatives/{world.initiative.slug}/edit/"
    page = client.get(edit).content.decode()
    options = page.split('name="status"')[1].split("</select>")[0]
    assert 'value="active"' in options and 'value="on_hold"' in options
    assert 'value="closed"' not in options
    assert "Close the initiative" in page  # the hint points to the closure
    refused = client.post(edit, initiative_form(world, status="closed"))
    text = html.unescape(refused.content.decode())
    assert refused.status_code == 200
    assert f'<a href="#id_status">{CLOSED_BY_CLOSURE}</a>' in text
    assert text.count(CLOSED_BY_CLOSURE) == 2  # the summary and beside the field
    unchanged(world)
    # The closure page still answers, as the initiative is still open.
    assert client.get(f"/initiatives/{world.initiative.slug}/close/").status_code == 200


def test_a_new_initiative_is_not_created_closed_on_the_page(world, client):
    client.force_login(world.alice)
    page = client.get(f"/collaborations/{world.collab.slug}/initiatives/new/")
    options = page.content.decode().split('name="status"')[1].split("</select>")[0]
    assert 'value="closed"' not in options
    refused = client.post(
        f"/collaborations/{world.collab.slug}/initiatives/new/",
        {"name": "Joint firearms", "slug": "joint-firearms", "status": "closed"},
    )
    assert refused.status_code == 200
    assert (
        '<a href="#id_status">An initiative is closed only through its closure '
        "(/initiatives/joint-firearms/close/)"
    ) in html.unescape(refused.content.decode())
    assert not Initiative.objects.filter(slug="joint-firearms").exists()


# The name -------------------------------------------------------------------------------------

ALREADY_NAMED = "Essex and Kent Serious Crime already has an initiative called 'Joint vetting'."


def test_a_new_initiative_named_as_another_of_its_collaboration_is_refused_by_name(world, client):
    client.force_login(world.alice)
    refused = client.post(
        f"/collaborations/{world.collab.slug}/initiatives/new/",
        {"name": "Joint vetting", "slug": "joint-vetting-2", "status": "active"},
    )
    assert refused.status_code == 200
    assert f'<a href="#id_name">{ALREADY_NAMED}</a>' in html.unescape(refused.content.decode())
    assert not Initiative.objects.filter(slug="joint-vetting-2").exists()


def test_renaming_an_initiative_to_another_of_its_collaboration_is_refused_by_name(world, client):
    InitiativeFactory(collaboration=world.collab, name="Joint firearms", slug="joint-firearms")
    client.force_login(world.alice)
    refused = client.post(
        "/initiatives/joint-firearms/edit/",
        {"version": 1, "name": "Joint vetting", "slug": "joint-firearms", "status": "active"},
    )
    assert refused.status_code == 200
    assert f'<a href="#id_name">{ALREADY_NAMED}</a>' in html.unescape(refused.content.decode())
    assert Initiative.objects.get(slug="joint-firearms").name == "Joint firearms"


def test_the_same_name_in_another_collaboration_is_accepted(world, client):
    other = InitiativeFactory(name="Joint vetting", slug="other-joint-vetting")
    client.force_login(world.alice)
    saved = client.post(
        "/initiatives/joint-vetting/edit/", initiative_form(world, purpose="Vetting together")
    )
    assert saved.status_code == 302
    assert other.collaboration != world.collab


def test_the_api_refuses_a_duplicate_initiative_name_naming_the_field(world):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world.alice)
    body = {"collaboration": world.collab.pk, "name": world.initiative.name, "slug": "again"}

    response = api.post("/api/v1/initiatives/", body, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "name": [f"{world.collab.name} already has an initiative called '{world.initiative.name}'."]
    }
    other = api.post("/api/v1/initiatives/", {**body, "name": "Joint custody"}, format="json")
    assert other.status_code == 201, other.json()
    renamed = api.patch(
        f"/api/v1/initiatives/{other.json()['slug']}/",
        {"name": world.initiative.name, "version": other.json()["version"]},
        format="json",
    )
    assert renamed.status_code == 400 and list(renamed.json()) == ["name"]
