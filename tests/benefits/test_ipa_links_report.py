"""An auditor can follow every contribution and shared claim, on a page and as CSV."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from realise.benefits.contributions import replace_attributions, set_contribution
from tests.factories import BenefitFactory, InitiativeFactory, UserFactory, plan


@pytest.fixture
def linked(world):
    parent = BenefitFactory(initiative=world.initiative, reference="EK-1", title="Joint saving")
    child = BenefitFactory(initiative=world.initiative, reference="ESX-1", title="Essex saving")
    plan(parent, datetime.date(2025, 4, 1), ["1000"])
    plan(child, datetime.date(2025, 4, 1), ["400"])
    set_contribution(child, parent, user=world.alice, note="Essex's part of the joint saving")
    recruitment = InitiativeFactory(collaboration=world.collab, name="Recruitment")
    replace_attributions(world.benefit, {recruitment: Decimal("40")}, user=world.alice)
    return world


def test_the_report_lists_each_link_with_both_plans(linked, client):
    client.force_login(linked.dave)
    page = client.get(reverse("benefit-links")).content.decode()
    assert "ESX-1 Essex saving" in page and "EK-1 Joint saving" in page
    assert "400.00" in page and "1000.00" in page
    assert "Recruitment" in page and "40%" in page


def test_the_csv_has_one_row_per_link(linked, client):
    client.force_login(linked.dave)
    response = client.get(reverse("benefit-links-csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["kind"], r["benefit_reference"], r["linked_to_reference"]) for r in rows] == [
        ("contributes to", "ESX-1", "EK-1"),
        ("claimed by", linked.benefit.reference, ""),
    ]
    assert rows[0]["benefit_planned_total"] == "400.00"
    assert rows[0]["linked_to_planned_total"] == "1000.00"
    assert rows[1]["linked_to"] == "Recruitment" and rows[1]["share_percent"] == "40"


def test_outsiders_see_no_links_of_a_private_collaboration(linked, client):
    client.force_login(linked.nora)
    page = client.get(reverse("benefit-links")).content.decode()
    assert "Essex saving" not in page
    rows = b"".join(client.get(reverse("benefit-links-csv")).streaming_content).decode()
    assert rows.strip().count("\n") == 0  # the header only


def test_the_report_needs_a_sign_in(client):
    assert client.get(reverse("benefit-links")).status_code == 302


def test_a_claim_by_a_private_initiative_is_not_named_to_outsiders(world, client):
    open_benefit = BenefitFactory(title="Open saving")
    hidden = InitiativeFactory(collaboration=world.collab, name="Secret sharing")
    admin = UserFactory(is_superuser=True)
    replace_attributions(open_benefit, {hidden: Decimal("40")}, user=admin)
    client.force_login(world.nora)
    assert "Secret sharing" not in client.get(reverse("benefit-links")).content.decode()
    rows = b"".join(client.get(reverse("benefit-links-csv")).streaming_content).decode()
    assert "Secret sharing" not in rows
    client.force_login(world.alice)
    assert "Secret sharing" in client.get(reverse("benefit-links")).content.decode()
