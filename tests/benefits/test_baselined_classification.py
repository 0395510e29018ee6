"""Once a benefit's plan is baselined, what decides where its figures are counted (its
sub-category, unit, dis-benefit, cashable and 'identified in business case' flags) cannot
change: the page, the API and the admin refuse it with one message naming the field and
saying how to count the benefit differently. Other fields still change."""

import datetime

import pytest
from rest_framework.test import APIClient

from realise.benefits.admin import BenefitAdminForm
from realise.benefits.baselines import freeze_baseline
from realise.benefits.models import Benefit
from tests.factories import plan

HOW = "re-profile it to nothing through a change request"

CHANGES = [
    pytest.param({"subcategory": "1c"}, ["subcategory"], id="sub-category"),
    pytest.param({"subcategory": "2a", "unit": "count"}, ["subcategory", "unit"], id="unit"),
    pytest.param({"is_disbenefit": True}, ["is_disbenefit"], id="dis-benefit"),
    pytest.param({"cashable": True}, ["cashable"], id="cashable"),
    pytest.param(
        {"identified_in_business_case": False}, ["identified_in_business_case"], id="identified"
    ),
]

COUNTED_BY = ["subcategory", "unit", "is_disbenefit", "cashable", "identified_in_business_case"]


@pytest.fixture
def baselined(world):
    plan(world.benefit, datetime.date(2026, 4, 1), ["1000", "1000"])
    freeze_baseline(world.initiative, approved_on=datetime.date(2026, 5, 1), user=world.alice)
    return world


def counted_by(benefit):
    benefit = Benefit.objects.get(pk=benefit.pk)
    return {name: getattr(benefit, name) for name in COUNTED_BY}


def patch(world, user, changes):
    client = APIClient()
    client.force_authenticate(user)
    benefit = Benefit.objects.get(pk=world.benefit.pk)
    return client.patch(
        f"/api/v1/benefits/{benefit.pk}/",
        {**changes, "version": benefit.version},
        format="json",
    )


@pytest.mark.parametrize(("changes", "fields"), CHANGES)
def test_the_api_refuses_to_move_a_baselined_benefit_to_another_cut(baselined, changes, fields):
    before = counted_by(baselined.benefit)
    response = patch(baselined, baselined.alice, changes)
    assert response.status_code == 400
    errors = response.json()
    assert sorted(errors) == sorted(fields)
    for field in fields:
        (message,) = errors[field]
        assert message.startswith("The plan of 'Reduced vetting backlog' is baselined")
        assert HOW in message
    assert counted_by(baselined.benefit) == before


def test_the_refusal_names_the_field_it_is_about(baselined):
    errors = patch(baselined, baselined.alice, {"cashable": True}).json()
    assert "so its cashable flag cannot change" in errors["cashable"][0]
    errors = patch(baselined, baselined.alice, {"subcategory": "1c"}).json()
    assert "so its sub-category cannot change" in errors["subcategory"][0]


@pytest.mark.parametrize(("changes", "fields"), CHANGES)
def test_before_the_baseline_the_same_change_is_made(world, changes, fields):
    response = patch(world, world.alice, changes)
    assert response.status_code == 200, response.content
    assert {name: counted_by(world.benefit)[name] for name in changes} == changes


def test_a_baselined_benefit_still_takes_other_changes(baselined):
    response = patch(baselined, baselined.alice, {"title": "Shorter vetting backlog"})
    assert response.status_code == 200
    assert Benefit.objects.get(pk=baselined.benefit.pk).title == "Shorter vetting backlog"


def edit_form_data(client, benefit, **changes):
    form = client.get(f"/benefits/{benefit.pk}/edit/").context["form"]
    posted = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    for name, value in changes.items():
        if value is True:
            posted[name] = "on"
        elif value is False:
            posted.pop(name, None)
        else:
            posted[name] = value
    return posted


def test_the_page_refuses_to_tick_dis_benefit_on_a_baselined_benefit(client, baselined):
    client.force_login(baselined.erin)  # the benefit's owner
    url = f"/benefits/{baselined.benefit.pk}/edit/"
    response = client.post(url, edit_form_data(client, baselined.benefit, is_disbenefit=True))
    assert response.status_code == 200
    (message,) = response.context["form"].errors["is_disbenefit"]
    assert "so its dis-benefit flag cannot change" in message and HOW in message
    assert counted_by(baselined.benefit)["is_disbenefit"] is False


def test_the_page_still_saves_other_changes_to_a_baselined_benefit(client, baselined):
    client.force_login(baselined.erin)
    url = f"/benefits/{baselined.benefit.pk}/edit/"
    data = edit_form_data(client, baselined.benefit, description="Now measured weekly")
    assert client.post(url, data).status_code == 302
    assert Benefit.objects.get(pk=baselined.benefit.pk).description == "Now measured weekly"


def test_the_admin_form_refuses_the_same_change(baselined):
    benefit = Benefit.objects.get(pk=baselined.benefit.pk)
    data = {
        field.name: getattr(benefit, field.attname)
        for field in Benefit._meta.concrete_fields
        if field.editable and field.name != "id"
    }
    data["identified_in_business_case"] = False
    form = BenefitAdminForm(data={k: v for k, v in data.items() if v is not None}, instance=benefit)
    assert not form.is_valid()
    (message,) = form.errors["identified_in_business_case"]
    assert "'identified in business case' flag cannot change" in message
