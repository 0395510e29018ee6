"""A benefit profile is one printable A4 page, marked OFFICIAL, holding what the IPA guide
asks a profile to hold."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from realise.benefits.contributions import replace_attributions, set_contribution
from realise.benefits.models import Change, Objective
from realise.collaborations.services import move_stage
from tests.factories import BenefitFactory, InitiativeFactory, actual, plan


@pytest.fixture
def profiled(world):
    w = world
    w.benefit.description = "Fewer applications wait more than 30 days."
    w.benefit.measure = "Vetting spend against 2024/25"
    w.benefit.save()
    plan(w.benefit, datetime.date(2025, 4, 1), ["1250.50"] * 4)
    actual(w.benefit, datetime.date(2025, 4, 1), "1100.25")
    move_stage(w.initiative, 3, body=w.board, decided_on=datetime.date(2025, 3, 20), user=w.alice)
    objective = Objective.objects.create(collaboration=w.collab, text="Spend less on vetting")
    objective.benefits.set([w.benefit])
    change = Change.objects.create(initiative=w.initiative, description="One vetting unit")
    change.benefits.set([w.benefit])
    BenefitFactory(
        initiative=w.initiative, title="Longer waits for agency staff", is_disbenefit=True
    )
    parent = BenefitFactory(initiative=w.initiative, title="Alliance vetting saving")
    plan(parent, datetime.date(2025, 4, 1), ["5000"] * 4)
    set_contribution(w.benefit, parent, user=w.alice)
    other = InitiativeFactory(collaboration=w.collab, name="Recruitment drive")
    replace_attributions(
        w.benefit, {w.initiative: Decimal("70"), other: Decimal("30")}, user=w.alice
    )
    return w


def pdf_text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_the_profile_pdf_holds_the_benefit_on_one_marked_page(profiled, client):
    client.force_login(profiled.dave)
    detail = client.get(profiled.benefit.get_absolute_url()).content.decode()
    url = reverse("benefit-profile-pdf", args=[profiled.benefit.pk])
    assert f'href="{url}"' in detail and "Download benefit profile (PDF)" in detail
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages, text = pdf_text(response.content)
    assert pages == 1
    assert text.count("OFFICIAL") >= 2  # header and footer
    flat = " ".join(text.split())
    for expected in (
        "Reduced vetting backlog",
        "Fewer applications wait more than 30 days.",
        "1a Savings: money",
        "Erin Owner",
        "Vetting spend against 2024/25",
        "£100,000.00",  # baseline
        "£80,000.00",  # target
        "£5,002.00",  # the plan: 4 x 1,250.50
        "£1,100.25",  # the actual so far
        "One vetting unit",
        "Spend less on vetting",
        "Longer waits for agency staff",
        "Alliance vetting saving",
        "Recruitment drive 30%",
        "20 March 2025",  # baselined at the FBC gate
        "1 actual recorded",
    ):
        assert expected in flat, expected


def test_the_profile_is_as_private_as_its_collaboration(profiled, client):
    client.force_login(profiled.nora)
    url = reverse("benefit-profile-pdf", args=[profiled.benefit.pk])
    assert client.get(url).status_code == 404


def test_a_reference_with_quotes_or_a_line_break_still_downloads(world, client):
    """The reference names the download; what someone typed into it cannot break the answer."""
    world.benefit.reference = 'VB "1"\nnew line'
    world.benefit.save()
    client.force_login(world.dave)
    response = client.get(reverse("benefit-profile-pdf", args=[world.benefit.pk]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''benefit-profile-VB")
