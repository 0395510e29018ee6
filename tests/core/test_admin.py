"""The Django admin: every domain model is there, with filters and search, for
administrators only."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from realise.organisations.models import Membership
from tests.factories import UserFactory, force

# Tables with nothing to filter by: the chain's head, regions (a name), the paths between
# contributing benefits (two benefits), topics (a name).
NOTHING_TO_FILTER = {
    "core.AuditHead",
    "organisations.Region",
    "benefits.ContributionPath",
    "organisations.Topic",
}


def domain_models():
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith("realise.") and not model.__name__.startswith("Historical")
    ]


@pytest.fixture
def administrator(forces):
    """A staff user with the administrator role: not a superuser."""
    user = UserFactory(username="ada", is_staff=True)
    Membership.objects.create(user=user, force=force("Essex"), role="administrator")
    return user


def test_every_domain_model_is_in_the_admin_with_filters_and_search():
    missing, bare = [], []
    for model in domain_models():
        model_admin = admin.site._registry.get(model)
        if model_admin is None:
            missing.append(model._meta.label)
            continue
        if list(model_admin.list_display) == ["__str__"] or not model_admin.search_fields:
            bare.append(model._meta.label)
        if not model_admin.list_filter and model._meta.label not in NOTHING_TO_FILTER:
            bare.append(model._meta.label)
    assert missing == []
    assert bare == []


def test_an_administrator_can_list_search_and_filter_every_model(client, administrator, world):
    client.force_login(administrator)
    assert client.get("/admin/").status_code == 200
    for model in list(admin.site._registry):
        if not model.__module__.startswith("realise."):
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url, {"q": "essex"})
        assert response.status_code == 200, url
        # The first filter's first choice narrows the list without an error.
        changelist = response.context["cl"]
        for spec in changelist.filter_specs[:1]:
            choices = [c for c in spec.choices(changelist) if c.get("query_string")]
            if len(choices) > 1:
                assert client.get(url + choices[1]["query_string"]).status_code == 200, url


def test_an_administrator_edits_a_record_and_the_change_is_in_its_history(
    client, administrator, world
):
    client.force_login(administrator)
    url = reverse("admin:collaborations_initiative_change", args=[world.initiative.pk])
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:organisations_membership_add")).status_code == 200
    history = reverse("admin:collaborations_initiative_history", args=[world.initiative.pk])
    assert client.get(history).status_code == 200


def test_read_only_records_cannot_be_changed_even_by_an_administrator(client, administrator):
    client.force_login(administrator)
    assert client.get(reverse("admin:core_auditrecord_add")).status_code == 403
    assert client.get(reverse("admin:benefits_monthlytotal_add")).status_code == 403


@pytest.mark.parametrize("who", ["alice", "dave"])
def test_staff_who_are_not_administrators_get_no_admin(client, world, who):
    user = getattr(world, who)
    user.is_staff = True
    user.save()
    client.force_login(user)

    index = client.get("/admin/")
    assert index.status_code == 302 and index["Location"].startswith("/admin/login/")
    listing = client.get(reverse("admin:benefits_benefit_changelist"))
    assert listing.status_code == 302


def test_an_administrator_without_staff_status_gets_no_admin(client, forces):
    user = UserFactory(username="adam")
    Membership.objects.create(user=user, force=force("Kent"), role="administrator")
    client.force_login(user)
    assert client.get("/admin/").status_code == 302


def test_the_admin_moves_no_stage_and_closes_no_initiative(world):
    """The stage moves only by a stage decision and closing only through the closure, in
    the admin as on the page and the API; pausing an initiative stays an ordinary edit."""
    from django.forms.models import model_to_dict

    from realise.collaborations.admin import InitiativeAdminForm

    def edited(**changes):
        data = {k: v for k, v in model_to_dict(world.initiative).items() if v is not None}
        return InitiativeAdminForm(data={**data, **changes}, instance=world.initiative)

    stage = world.initiative.stage
    form = edited(stage=stage + 1)
    assert not form.is_valid() and list(form.errors) == ["stage"]
    assert "stage decision" in form.errors["stage"][0]
    form = edited(status="closed")
    assert not form.is_valid() and list(form.errors) == ["status"]
    assert "closure" in form.errors["status"][0]
    assert edited(status="on_hold").is_valid()


def test_the_admin_records_no_decision_before_it_is_taken_nor_an_action_due_before_it(
    world,
):
    import datetime

    from django.forms.models import model_to_dict
    from django.utils import timezone

    from realise.governance.admin import ActionAdminForm, DecisionAdminForm
    from realise.governance.models import Action, Decision, Meeting

    today = timezone.localdate()
    later = Meeting.objects.create(body=world.board, date=today + datetime.timedelta(days=9))
    decision = Decision.objects.create(
        body=world.board, decided_on=today, text="Go ahead", recorded_by=world.alice
    )

    def decision_form(**changes):
        data = {k: v for k, v in model_to_dict(decision).items() if v is not None}
        return DecisionAdminForm(data={**data, **changes}, instance=decision)

    form = decision_form(decided_on=today + datetime.timedelta(days=1))
    assert not form.is_valid() and "in the future" in form.errors["decided_on"][0]
    form = decision_form(meeting=later.pk)
    assert not form.is_valid() and "has not taken place yet" in form.errors["meeting"][0]
    valid = decision_form(text="Go ahead, with care")
    assert valid.is_valid(), valid.errors

    action = Action.objects.create(decision=decision, text="Tender")
    data = {k: v for k, v in model_to_dict(action).items() if v is not None}
    early = ActionAdminForm(
        data={**data, "due_on": today - datetime.timedelta(days=3)}, instance=action
    )
    assert not early.is_valid() and "before the decision" in early.errors["due_on"][0]
    assert ActionAdminForm(data={**data, "due_on": today}, instance=action).is_valid()
