"""Record a month's actuals in one form: the lines a person may record for, the plan and
last month beside each, all or nothing, and a second save corrects rather than adds."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from realise.benefits.models import Evidence, Measurement
from tests.factories import BenefitFactory, plan

MONTH = datetime.date(2026, 3, 1)


@pytest.fixture
def lines(world):
    world.benefit.reference = "EK-1"
    world.benefit.save()
    other = BenefitFactory(initiative=world.initiative, reference="EK-2", title="Shared contract")
    plan(world.benefit, datetime.date(2026, 2, 1), ["100", "120"])
    Measurement.objects.create(
        benefit=world.benefit, period=datetime.date(2026, 2, 1), force=world.essex, value=90
    )
    return world, other


@pytest.fixture(autouse=True)
def essex(world):
    world.essex = world.collab.shares.get(force__name="Essex").force
    world.kent = world.collab.shares.get(force__name="Kent").force


def url(month=MONTH):
    return f"/actuals/month/?month={month.month}&year={month.year}"


def key(benefit, force):
    return f"{benefit.pk}-{force.pk if force else 0}"


def test_a_force_lead_sees_their_forces_line_with_plan_and_last_month(client, lines):
    world, other = lines
    client.force_login(world.bob)
    response = client.get(url())
    assert response.status_code == 200
    page_lines = response.context["form"].lines
    assert [(line.benefit.reference, line.whose) for line in page_lines] == [
        ("EK-1", "Essex"),
        ("EK-2", "Essex"),
    ]
    first = page_lines[0]
    assert (first.plan, first.previous) == (Decimal("120.00"), Decimal("90.00"))
    html = response.content.decode()
    assert "Kent" not in html.split('id="lines"')[1]  # no other force's line


def test_the_month_is_saved_all_or_nothing_with_errors_against_the_rows(client, lines):
    world, other = lines
    client.force_login(world.bob)
    response = client.post(
        url(),
        {
            f"value-{key(world.benefit, world.essex)}": "110",
            f"note-{key(world.benefit, world.essex)}": "Payroll extract March",
            f"value-{key(other, world.essex)}": "45",  # no evidence at all
        },
    )
    assert response.status_code == 400
    assert "Give an evidence note or attach a file." in response.content.decode()
    assert not Measurement.objects.filter(period=MONTH).exists()

    response = client.post(
        url(),
        {
            f"value-{key(world.benefit, world.essex)}": "110",
            f"value-{key(other, world.essex)}": "45",
            "batch_note": "Finance ledger, March close",
        },
    )
    assert response.status_code == 302
    saved = Measurement.objects.filter(period=MONTH).order_by("benefit__reference")
    assert [(m.benefit.reference, m.force, m.value) for m in saved] == [
        ("EK-1", world.essex, Decimal("110.00")),
        ("EK-2", world.essex, Decimal("45.00")),
    ]
    assert set(
        Evidence.objects.filter(measurement__period=MONTH).values_list("note", flat=True)
    ) == {"Finance ledger, March close"}


def test_saving_a_month_again_corrects_it(client, lines):
    world, _ = lines
    client.force_login(world.bob)
    line = key(world.benefit, world.essex)
    client.post(url(), {f"value-{line}": "110", "batch_note": "first"})
    client.post(url(), {f"value-{line}": "115", "batch_note": "corrected"})
    actual = Measurement.objects.get(period=MONTH, benefit=world.benefit)
    assert actual.value == Decimal("115.00")


def test_a_line_the_person_may_not_record_is_not_offered_or_accepted(client, lines):
    world, _ = lines
    client.force_login(world.bob)
    kent_line = key(world.benefit, world.kent)
    response = client.post(url(), {f"value-{kent_line}": "99", "batch_note": "sneaky"})
    assert response.status_code == 400  # nothing entered on an offered line
    assert not Measurement.objects.filter(period=MONTH).exists()


def test_a_month_not_yet_begun_is_refused(client, lines):
    world, _ = lines
    client.force_login(world.bob)
    ahead = (timezone.localdate().replace(day=1) + datetime.timedelta(days=40)).replace(day=1)
    response = client.get(url(ahead))
    assert "Choose a month that has begun." in response.content.decode()


def test_a_viewer_has_nothing_to_record(client, lines):
    world, _ = lines
    client.force_login(world.dave)
    response = client.get(url())
    assert 'id="no-lines"' in response.content.decode()


def test_the_single_actual_form_starts_on_the_users_own_force(client, lines):
    world, _ = lines
    client.force_login(world.bob)
    response = client.get(f"/benefits/{world.benefit.pk}/actuals/new/")
    form = response.context["form"]
    assert form.initial["force"] == world.essex.pk
    choices = [label for _, label in form.fields["force"].widget.choices]
    assert choices == ["Essex"]  # a force lead may not record the whole collaboration
    page = response.content.decode()
    assert 'id="beside-the-input"' in page and "Last actual recorded" in page


def test_the_single_actual_form_refuses_another_forces_line_naming_it(client, lines):
    world, _ = lines
    client.force_login(world.bob)
    response = client.post(
        f"/benefits/{world.benefit.pk}/actuals/new/",
        {"period": "2026-03", "force": world.kent.pk, "value": "5", "evidence_note": "x"},
    )
    assert response.status_code == 200
    assert "Kent" in str(response.context["form"].errors["force"])
    assert not Measurement.objects.filter(period=MONTH).exists()


def test_the_programme_team_may_record_the_whole_collaboration(client, lines):
    world, _ = lines
    client.force_login(world.alice)
    form = client.get(f"/benefits/{world.benefit.pk}/actuals/new/").context["form"]
    labels = [label for _, label in form.fields["force"].widget.choices]
    assert labels[0] == "Essex" and "The whole collaboration" in labels
