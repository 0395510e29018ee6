"""A benefit of a public collaboration is published: a visitor who is not signed in sees
only its verified actuals, with no one named, no reason for returning an actual and no
evidence (on its page, its chart, its history and its profile), and the API stays for
signed-in callers. Signed-in readers see every actual, as before."""

import datetime
import io
from decimal import Decimal
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from rest_framework.test import APIClient

from realise.benefits.models import Evidence, Measurement
from realise.reports import charts
from tests.factories import (
    BenefitFactory,
    CollaborationFactory,
    InitiativeFactory,
    PersonFactory,
    UserFactory,
    plan,
    share,
)
from tests.knowledge.makers import pdf_bytes

JANUARY, FEBRUARY, MARCH = (datetime.date(2025, month, 1) for month in (1, 2, 3))
OWNER, MEASURER = "Olive Owner", "Milo Measurer"
ENTERER, VERIFIER = "Eddie Enterer", "Vera Verifier"
REASON = "Wrong invoice attached"
NOTES = ("Invoice from the supplier", "Draft figures from finance")
# Every name, reason and note that a visitor must not see.
HIDDEN = (OWNER, MEASURER, ENTERER, VERIFIER, "eddie", "vera", REASON, *NOTES, "ledger.pdf")


@pytest.fixture
def harbour(world):
    """The benefit "Harbour savings" of the public "Harbour Watch": £1,000 planned a month,
    January to March 2025; January's £1,111.00 verified, February's £2,222.00 returned
    with a reason, March's £3,333.00 not yet verified. Each has evidence; January's a
    file."""
    collaboration = CollaborationFactory(name="Harbour Watch", slug="harbour", visibility="public")
    share(collaboration, "Kent", "100")
    initiative = InitiativeFactory(collaboration=collaboration, name="Harbour patrols", stage=4)
    benefit = BenefitFactory(
        initiative=initiative,
        reference="HW-1",
        title="Harbour savings",
        owner=PersonFactory(name=OWNER),
        measurement_owner=PersonFactory(name=MEASURER),
    )
    plan(benefit, JANUARY, ["1000.00"] * 3)
    enterer = UserFactory(username="eddie", first_name="Eddie", last_name="Enterer")
    verifier = UserFactory(username="vera", first_name="Vera", last_name="Verifier")
    now = timezone.now()
    made = {}
    for period, value in ((JANUARY, "1111.00"), (FEBRUARY, "2222.00"), (MARCH, "3333.00")):
        made[period] = Measurement.objects.create(
            benefit=benefit,
            period=period,
            value=Decimal(value),
            entered_by=enterer,
            changed_by=enterer,
        )
    Measurement.objects.filter(pk=made[JANUARY].pk).update(verified_by=verifier, verified_at=now)
    Measurement.objects.filter(pk=made[FEBRUARY].pk).update(
        returned_by=verifier, returned_at=now, return_reason=REASON
    )
    evidence = Evidence.objects.create(
        measurement=made[JANUARY],
        note=NOTES[0],
        file=SimpleUploadedFile("ledger.pdf", pdf_bytes("Ledger")),
        original_name="ledger.pdf",
        uploaded_by=enterer,
    )
    Evidence.objects.create(measurement=made[MARCH], note=NOTES[1], uploaded_by=enterer)
    world.harbour, world.evidence = benefit, evidence
    return world


def text_of(response) -> str:
    assert response.status_code == 200, response
    return " ".join(response.content.decode().split())


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_a_visitor_sees_only_the_verified_actual_and_no_one_named(client, harbour):
    page = text_of(client.get(harbour.harbour.get_absolute_url()))
    assert "Harbour savings" in page
    assert "£1,111.00" in page
    for unverified in ("£2,222.00", "£3,333.00", "£6,666.00", "Returned"):
        assert unverified not in page, unverified
    assert "Not yet verified" not in page
    for hidden in HIDDEN:
        assert hidden not in page, hidden
    assert reverse("evidence-download", args=[harbour.evidence.pk]) not in page
    # The verified actual says when it was verified, not by whom; and the page says that
    # only verified actuals are counted.
    day = timezone.localdate().strftime("%-d %b %Y")
    assert f"Verified</strong> on {day}" in page
    assert "Published figures count verified actuals only" in page


def test_a_visitor_cannot_download_the_evidence(client, harbour):
    url = reverse("evidence-download", args=[harbour.evidence.pk])
    assert client.get(url).status_code == 404
    client.force_login(harbour.nora)
    assert client.get(url).status_code == 200


def test_a_signed_in_reader_sees_every_actual_its_verification_and_evidence(client, harbour):
    client.force_login(harbour.nora)
    page = text_of(client.get(harbour.harbour.get_absolute_url()))
    for shown in ("£1,111.00", "£2,222.00", "£3,333.00", "£6,666.00", "Not yet verified"):
        assert shown in page, shown
    for shown in (OWNER, MEASURER, ENTERER, VERIFIER, REASON, *NOTES, "ledger.pdf"):
        assert shown in page, shown


def test_the_chart_counts_the_verified_actuals_for_a_visitor(client, harbour):
    drawn = []

    def cumulative(rows, **kwargs):
        drawn.append([row["actual"] for row in rows])
        return b"<svg/>"

    url = reverse("benefit-chart", args=[harbour.harbour.pk, "svg"])
    with mock.patch.object(charts, "cumulative", cumulative):
        assert client.get(url).status_code == 200
        client.force_login(harbour.nora)
        assert client.get(url).status_code == 200
    assert drawn == [
        [Decimal("1111.00"), None, None],
        [Decimal("1111.00"), Decimal("2222.00"), Decimal("3333.00")],
    ]
    # A benefit that is not published has no chart for a visitor.
    client.logout()
    assert client.get(reverse("benefit-chart", args=[harbour.benefit.pk, "svg"])).status_code == 404


def test_the_history_shows_a_visitor_no_actual_or_reason(client, harbour):
    url = reverse("benefit-history", args=[harbour.harbour.pk])
    page = text_of(client.get(url))
    for hidden in ("2222", "3333", *HIDDEN):
        assert hidden not in page, hidden
    client.force_login(harbour.nora)
    page = text_of(client.get(url))
    assert "3333" in page and NOTES[1] in page


def test_the_profile_gives_a_visitor_the_verified_actual_only(client, harbour):
    url = reverse("benefit-profile-pdf", args=[harbour.harbour.pk])
    response = client.get(url)
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Harbour savings" in text and "£1,111.00" in text
    for hidden in ("£2,222.00", "£3,333.00", "£6,666.00", "3 actuals recorded", *HIDDEN):
        assert hidden not in text, hidden
    client.force_login(harbour.nora)
    text = pdf_text(client.get(url).content)
    for shown in ("£6,666.00", "3 actuals recorded", OWNER, NOTES[1]):
        assert shown in text, shown


def test_a_level_shows_a_visitor_its_latest_verified_level(client, world):
    collaboration = CollaborationFactory(name="Coast Watch", slug="coast", visibility="public")
    share(collaboration, "Kent", "100")
    benefit = BenefitFactory(
        initiative=InitiativeFactory(collaboration=collaboration, stage=4),
        title="Boats on patrol",
        subcategory="2a",
        unit="count",
        direction="increase",
        baseline_value=Decimal("4"),
        target_value=Decimal("9"),
    )
    plan(benefit, JANUARY, ["6", "6"])
    verified = Measurement.objects.create(benefit=benefit, period=JANUARY, value=Decimal("47"))
    Measurement.objects.filter(pk=verified.pk).update(verified_at=timezone.now())
    Measurement.objects.create(benefit=benefit, period=FEBRUARY, value=Decimal("93"))
    page = text_of(client.get(benefit.get_absolute_url()))
    assert "Latest, Jan 2025" in page and "47" in page
    assert "93" not in page
    profile = client.get(reverse("benefit-profile-pdf", args=[benefit.pk]))
    text = pdf_text(profile.content)
    assert "Latest, Jan 2025" in text and "93" not in text
    client.force_login(world.nora)
    page = text_of(client.get(benefit.get_absolute_url()))
    assert "Latest, Feb 2025" in page and "93" in page


def test_the_api_answers_a_visitor_with_sign_in(harbour):
    api = APIClient()
    pk = harbour.harbour.pk
    for address in (
        f"/api/v1/benefits/{pk}/",
        f"/api/v1/measurements/?benefit={pk}",
        f"/api/v1/evidence/{harbour.evidence.pk}/",
    ):
        response = api.get(address)
        assert response.status_code == 401, address
        for hidden in ("2222", "3333", *HIDDEN):
            assert hidden not in response.content.decode(), (address, hidden)
    api.force_authenticate(harbour.nora)
    listed = api.get(f"/api/v1/measurements/?benefit={pk}").json()
    assert {row["value"] for row in listed["results"]} == {"1111.00", "2222.00", "3333.00"}
