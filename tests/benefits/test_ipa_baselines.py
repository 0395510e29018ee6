"""Approving the full business case freezes the plan; later re-profiling is a change
request, and every baseline and every version of the plan is kept."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from realise.benefits.baselines import (
    compare,
    decide_change_request,
    is_baselined,
    plan_as_at,
    raise_change_request,
)
from realise.benefits.models import BaselineValue, PlanBaseline
from realise.benefits.services import replace_plan
from realise.collaborations.services import move_stage
from tests.factories import plan

D = Decimal
APRIL = datetime.date(2025, 4, 1)


def months(*values):
    return {datetime.date(2025, 4 + i, 1): D(v) for i, v in enumerate(values)}


@pytest.fixture
def approved(world):
    """Joint vetting's plan (£100 in April, £200 in May) approved at the FBC gate."""
    plan(world.benefit, APRIL, ["100", "200"])
    move_stage(
        world.initiative,
        3,
        body=world.board,
        decided_on=datetime.date(2025, 3, 20),
        user=world.alice,
    )
    return world


def test_approving_the_full_business_case_freezes_the_plan(approved):
    baseline = PlanBaseline.objects.get(initiative=approved.initiative)
    assert baseline.approved_on == datetime.date(2025, 3, 20)
    assert baseline.body == approved.board
    assert baseline.stage_decision.to_stage == 3
    frozen = BaselineValue.objects.filter(baseline=baseline).order_by("period")
    assert [(v.period, v.value) for v in frozen] == list(months("100", "200").items())
    assert is_baselined(approved.benefit)


def test_earlier_stages_freeze_nothing(world):
    plan(world.benefit, APRIL, ["100"])
    move_stage(
        world.initiative,
        1,
        body=world.board,
        decided_on=APRIL,
        user=world.alice,
        notes="Back to the outline case.",
    )
    assert not PlanBaseline.objects.exists()
    assert not is_baselined(world.benefit)


def test_a_rebaselined_plan_keeps_the_original(approved):
    request = raise_change_request(
        approved.benefit,
        months("50", "150", "100"),
        reason="Contract start slipped by a month.",
        user=approved.alice,
        body=approved.board,
    )
    assert request.status == "pending"
    decide_change_request(
        request, approve=True, decided_on=datetime.date(2025, 6, 1), user=approved.alice
    )
    comparison = compare(approved.benefit)
    assert comparison.rebaselined
    assert comparison.original.approved_on == datetime.date(2025, 3, 20)
    assert comparison.current.change_request == request
    assert comparison.totals.original == D("300.00")
    assert comparison.totals.baseline == D("300.00")
    assert [r.original for r in comparison.rows] == [D("100"), D("200"), None]
    assert [r.baseline for r in comparison.rows] == [D("50"), D("150"), D("100")]
    assert [r.planned for r in comparison.rows] == [D("50"), D("150"), D("100")]


def test_a_rejected_request_changes_nothing(approved):
    request = raise_change_request(
        approved.benefit, months("1", "1"), reason="Halve it.", user=approved.alice
    )
    decide_change_request(
        request,
        approve=False,
        decided_on=datetime.date(2025, 6, 1),
        body=approved.board,
        user=approved.alice,
    )
    assert compare(approved.benefit).totals.planned == D("300.00")
    assert PlanBaseline.objects.count() == 1
    with pytest.raises(ValidationError, match="already rejected"):
        decide_change_request(
            request, approve=True, decided_on=datetime.date(2025, 6, 2), user=approved.alice
        )


def test_a_decision_needs_a_body_of_the_collaboration(approved):
    from tests.factories import GovernanceBodyFactory

    request = raise_change_request(
        approved.benefit, months("1"), reason="Test.", user=approved.alice
    )
    with pytest.raises(ValidationError, match="Name the governance body"):
        decide_change_request(request, approve=True, decided_on=APRIL, user=approved.alice)
    stranger = GovernanceBodyFactory(name="Somebody else's board")
    with pytest.raises(ValidationError, match="not a governance body"):
        decide_change_request(
            request, approve=True, decided_on=APRIL, body=stranger, user=approved.alice
        )


def test_only_the_programme_team_raises_and_decides(approved):
    with pytest.raises(PermissionDenied):
        raise_change_request(approved.benefit, months("1"), reason="x", user=approved.erin)


def test_the_plan_page_sends_baselined_plans_to_a_change_request(approved, client):
    client.force_login(approved.alice)
    response = client.get(reverse("benefit-plan", args=[approved.benefit.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("change-request-create", args=[approved.benefit.pk])
    response = client.post(
        reverse("benefit-plan", args=[approved.benefit.pk]), {"profile": "2025-04 999"}
    )
    assert response.status_code == 302
    assert compare(approved.benefit).totals.planned == D("300.00")


def test_the_plan_page_still_edits_plans_not_yet_baselined(world, client):
    client.force_login(world.alice)
    assert client.get(reverse("benefit-plan", args=[world.benefit.pk])).status_code == 200


def test_a_change_request_through_the_pages(approved, client):
    client.force_login(approved.alice)
    response = client.post(
        reverse("change-request-create", args=[approved.benefit.pk]),
        {
            "reason": "Supplier delay.",
            "body": approved.board.pk,
            "profile": "2025-05 100\n2025-06 200",
        },
    )
    request = approved.benefit.change_requests.get()
    assert response["Location"] == request.get_absolute_url()
    page = client.get(request.get_absolute_url()).content.decode()
    assert "Supplier delay." in page and "Record the decision" in page
    client.post(
        request.get_absolute_url(),
        {"decision": "approve", "decided_on": "2025-06-05", "body": approved.board.pk},
    )
    request.refresh_from_db()
    assert request.status == "approved" and request.decided_by == approved.alice
    detail = client.get(approved.benefit.get_absolute_url()).content.decode()
    assert "Original baseline" in detail and "re-baselined 5 June 2025" in detail


def test_a_viewer_reads_a_request_but_cannot_decide(approved, client):
    request = raise_change_request(
        approved.benefit, months("1"), reason="Viewer test.", user=approved.alice
    )
    client.force_login(approved.dave)
    # dave (Essex) sees the private Essex-Kent collaboration but may not decide.
    page = client.get(request.get_absolute_url())
    assert page.status_code == 200 and "Record the decision" not in page.content.decode()
    refused = client.post(
        request.get_absolute_url(),
        {"decision": "approve", "decided_on": "2025-06-05", "body": approved.board.pk},
    )
    assert refused.status_code == 403


def test_the_plan_as_at_a_date(world, client):
    earlier = timezone.now() - datetime.timedelta(days=3)
    plan(world.benefit, APRIL, ["100", "200"])
    from realise.benefits.models import PlannedValue

    # Back-date the first version of the plan, as if it had been entered three days ago.
    PlannedValue.history.filter(benefit_id=world.benefit.pk).update(history_date=earlier)
    replace_plan(world.benefit, months("100", "250", "300"), user=world.alice)
    then = (earlier + datetime.timedelta(days=1)).date()
    rows, total = plan_as_at(world.benefit, then)
    assert rows == list(months("100", "200").items())
    assert total == D("300.00")
    rows, total = plan_as_at(world.benefit, timezone.localdate())
    assert total == D("650.00")
    rows, total = plan_as_at(world.benefit, (earlier - datetime.timedelta(days=1)).date())
    assert rows == [] and total == D("0.00")
    client.force_login(world.dave)
    page = client.get(
        reverse("benefit-plan-as-at", args=[world.benefit.pk]), {"date": then.isoformat()}
    ).content.decode()
    assert "200.00" in page and "300.00" in page


def test_an_approved_request_still_shows_the_plan_it_replaced(approved, client):
    request = raise_change_request(
        approved.benefit, months("150", "250"), reason="Later start.", user=approved.alice
    )
    decide_change_request(
        request,
        approve=True,
        decided_on=datetime.date(2025, 6, 5),
        body=approved.board,
        user=approved.alice,
    )
    client.force_login(approved.dave)
    page = client.get(request.get_absolute_url()).content.decode()
    assert "Plan before the change" in page
    assert [row for row in page.split("<tr") if "Total" in row][0].count("300.00") == 1
    assert "400.00" in page and "100.00" in page and "150.00" in page
    # Amounts read as every figure in Realise does, in the benefit's unit.
    assert approved.benefit.unit == "GBP"
    assert "£400.00" in page and "£150.00" in page
