"""The demo gives every benefits-management page real content."""

from decimal import Decimal

import pytest
from django.urls import reverse

from realise.benefits.baselines import compare, is_baselined
from realise.benefits.models import Benefit, ChangeRequest, Contribution
from realise.benefits.realisation import RealisationFilter, breakdown, measure_summaries
from realise.collaborations.models import Collaboration, Initiative


@pytest.fixture
def demo(demo_data, db, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="programme"))
    return client


def test_7f_procurement_is_baselined_at_fbc_with_one_approved_change_request(demo):
    hours = Benefit.objects.get(reference="7FP-B04")
    assert is_baselined(Benefit.objects.get(reference="7FP-B01"))
    assert ChangeRequest.objects.get(benefit=hours).status == "approved"
    comparison = compare(hours)
    assert comparison.rebaselined
    assert comparison.original.stage_decision.to_stage == 3
    # Re-phased, not re-sized: the same 9,600 hours, later.
    assert comparison.totals.original == comparison.totals.planned == Decimal("9600.00")


def test_norfolk_saving_is_counted_once_within_the_alliance(demo):
    link = Contribution.objects.get(child__reference="NS-B01")
    assert link.parent.reference == "7FP-B01"
    alliance = measure_summaries(
        RealisationFilter(collaboration=Collaboration.objects.get(slug="7f")), include_trend=False
    )["money"]
    partnership = measure_summaries(
        RealisationFilter(collaboration=Collaboration.objects.get(slug="norfolk-suffolk")),
        include_trend=False,
    )["money"]
    assert partnership.planned_total == Decimal("834600.00")  # 12% of £6,955,000
    # Seen from the alliance, Norfolk's saving is inside 7F Procurement's: no row of its own,
    # and the rows add up to the alliance's total.
    rows = breakdown("initiative", RealisationFilter(collaboration=alliance_id()))
    assert "ns-7f-frameworks" not in {row.slug for row in rows}
    assert sum(row.money.planned_total for row in rows) == alliance.planned_total


def alliance_id():
    return Collaboration.objects.get(slug="7f").pk


def test_every_page_has_content(demo):
    procurement = Initiative.objects.get(slug="7f-procurement")
    cashable = Benefit.objects.get(reference="7FP-B01")
    hours = Benefit.objects.get(reference="7FP-B04")
    pages = [
        reverse("initiative-map", args=["7f-procurement"]),
        reverse("initiative-map-svg", args=["7f-procurement"]),
        reverse("collaboration-map", args=["7f"]),
        reverse("collaboration-map-svg", args=["7f"]),
        reverse("benefit-detail", args=[cashable.pk]),
        reverse("benefit-detail", args=[hours.pk]),
        reverse("change-request-detail", args=[hours.change_requests.get().pk]),
        reverse("benefit-links"),
        reverse("benefit-links-csv"),
        reverse("benefit-plan-as-at", args=[hours.pk]) + "?date=2030-01-01",
        reverse("benefit-contribution", args=[Benefit.objects.get(reference="NS-B01").pk]),
        reverse("benefit-attribution", args=[Benefit.objects.get(reference="7FV-B04").pk]),
        reverse("change-request-create", args=[cashable.pk]),
        reverse("change-create", args=[procurement.slug]),
        reverse("objective-create", args=["7f"]),
    ]
    for url in pages:
        assert demo.get(url).status_code == 200, url
    page = demo.get(reverse("benefit-detail", args=[hours.pk])).content.decode()
    assert "Original baseline" in page and "Download benefit profile (PDF)" in page
    pdf = demo.get(reverse("benefit-profile-pdf", args=[cashable.pk]))
    assert pdf["Content-Type"] == "application/pdf"
