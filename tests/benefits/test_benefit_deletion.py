"""A benefit that is on the record stays there: one with actuals, a baselined plan or a
closed initiative cannot be deleted, through the API or the admin, and the refusal says
why. A benefit that has left no record yet can still be deleted."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from realise.benefits.baselines import freeze_baseline
from realise.benefits.models import Benefit, Evidence, Measurement
from realise.collaborations.models import InitiativeStatus
from realise.organisations.models import Membership
from tests.factories import BenefitFactory, UserFactory, actual, force, plan

LAST_MONTH = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def delete(user, benefit):
    client = APIClient()
    client.force_authenticate(user)
    return client.delete(f"/api/v1/benefits/{benefit.pk}/", HTTP_IF_MATCH=f'"{benefit.version}"')


@pytest.fixture
def spare(world):
    return BenefitFactory(
        initiative=world.initiative, reference="EK-SPARE", title="Fewer repeat checks"
    )


def test_a_benefit_with_actuals_is_not_deleted_with_them(world, spare):
    measurement = actual(spare, LAST_MONTH, "250", force("Essex"))
    Evidence.objects.create(measurement=measurement, note="Vetting unit log")
    response = delete(world.alice, spare)
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "'Fewer repeat checks' has actuals recorded, so it cannot be deleted: its actuals "
        "and their evidence stay on the record. Set its status to Closed instead."
    )
    assert Benefit.objects.filter(pk=spare.pk).exists()
    assert Measurement.objects.filter(benefit=spare).count() == 1
    assert Evidence.objects.filter(measurement__benefit=spare).count() == 1


def test_a_benefit_whose_plan_is_baselined_is_not_deleted(world, spare):
    plan(spare, datetime.date(2026, 4, 1), ["100"])
    freeze_baseline(world.initiative, approved_on=datetime.date(2026, 5, 1), user=world.alice)
    response = delete(world.alice, spare)
    assert response.status_code == 409
    assert "The plan of 'Fewer repeat checks' is baselined" in response.json()["detail"]
    assert Benefit.objects.filter(pk=spare.pk).exists()


def test_a_benefit_of_a_closed_initiative_is_not_deleted(world, spare):
    world.initiative.status = InitiativeStatus.CLOSED
    world.initiative.save()
    response = delete(world.alice, spare)
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "'Fewer repeat checks' belongs to the closed initiative 'Joint vetting', so it "
        "cannot be deleted."
    )
    assert Benefit.objects.filter(pk=spare.pk).exists()


def test_a_benefit_that_left_no_record_is_deleted(world, spare):
    assert delete(world.alice, spare).status_code == 204
    assert not Benefit.objects.filter(pk=spare.pk).exists()


def test_only_whoever_may_delete_is_told_why_not(world, spare):
    actual(spare, LAST_MONTH, "250", force("Essex"))
    assert delete(world.erin, spare).status_code == 403
    assert Benefit.objects.filter(pk=spare.pk).exists()


@pytest.fixture
def administrator(world):
    user = UserFactory(username="ada", is_staff=True)
    Membership.objects.create(user=user, force=force("Essex"), role="administrator")
    return user


def test_the_admin_will_not_delete_a_benefit_with_actuals(client, administrator, world, spare):
    actual(spare, LAST_MONTH, "250", force("Essex"))
    client.force_login(administrator)
    url = reverse("admin:benefits_benefit_delete", args=[spare.pk])
    page = client.get(url).content.decode()
    assert "has actuals recorded, so it cannot be deleted" in page.replace("&#x27;", "'")
    client.post(url, {"post": "yes"})
    assert Benefit.objects.filter(pk=spare.pk).exists()
    # Nor with the list's "delete selected" action.
    client.post(
        reverse("admin:benefits_benefit_changelist"),
        {"action": "delete_selected", "_selected_action": [spare.pk], "post": "yes"},
    )
    assert Benefit.objects.filter(pk=spare.pk).exists()


def test_the_admin_still_deletes_a_benefit_that_left_no_record(client, administrator, world, spare):
    client.force_login(administrator)
    url = reverse("admin:benefits_benefit_delete", args=[spare.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Benefit.objects.filter(pk=spare.pk).exists()
