"""Record a month's actuals in one form: the lines a person may record for, the plan and
last month beside each, all or nothing, and a second save corrects rather than adds."""

import datetime
from decimal import Decimal
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from realise.benefits.models import Evidence, Measurement
from realise.benefits.services import record_measurement, verify_measurement
from tests.factories import BenefitFactory, member, plan

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
    # Essex's 47.3% of March's £120 plan (after February's £100), not the whole plan.
    assert (first.plan, first.previous) == (Decimal("56.76"), Decimal("90.00"))
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


def test_saving_the_month_again_leaves_unchanged_lines_and_their_verification_alone(client, lines):
    """The form comes back filled with what is recorded: saving it with one line changed
    changes that line alone; a verified line saved as it was keeps its verification."""
    world, other = lines
    client.force_login(world.bob)
    first, second = key(world.benefit, world.essex), key(other, world.essex)
    client.post(url(), {f"value-{first}": "110", f"value-{second}": "45", "batch_note": "Ledger"})
    kept = Measurement.objects.get(period=MONTH, benefit=other)
    verify_measurement(kept, user=world.alice)
    kept.refresh_from_db()
    version, evidence = kept.version, set(kept.evidence.values_list("pk", flat=True))

    page = client.get(url())
    form = page.context["form"]
    assert form[f"value-{second}"].value() == Decimal("45.00")  # shown as recorded
    response = client.post(
        url(), {f"value-{first}": "112", f"value-{second}": "45.00", "batch_note": "Ledger v2"}
    )
    assert response.status_code == 302
    kept.refresh_from_db()
    assert kept.verified_by == world.alice and kept.version == version
    assert set(kept.evidence.values_list("pk", flat=True)) == evidence
    changed = Measurement.objects.get(period=MONTH, benefit=world.benefit)
    assert changed.value == Decimal("112.00")
    said = [str(m) for m in get_messages(client.get(url()).wsgi_request)]
    assert said == [
        "Recorded 1 actual for March 2026. It waits for someone else to verify it. "
        "1 line given as already recorded was left as it was."
    ]


def test_a_change_that_clears_a_verification_says_which_line_and_whose(client, lines):
    world, _ = lines
    client.force_login(world.bob)
    line = key(world.benefit, world.essex)
    client.post(url(), {f"value-{line}": "110", "batch_note": "Ledger"}, follow=True)
    verify_measurement(Measurement.objects.get(period=MONTH), user=world.alice)
    response = client.post(url(), {f"value-{line}": "111", "batch_note": "Corrected"}, follow=True)
    said = [str(m) for m in response.context["messages"]]
    assert len(said) == 2 and said[1] == (
        f"EK-1, Essex: The actual had been verified by {world.alice.get_full_name() or 'alice'}; "
        "your change cleared that verification, so it needs verifying again."
    )
    assert Measurement.objects.get(period=MONTH).verified_by is None


def test_saving_only_what_is_recorded_changes_nothing_and_says_so(client, lines):
    world, _ = lines
    client.force_login(world.bob)
    line = key(world.benefit, world.essex)
    client.post(url(), {f"value-{line}": "110", "batch_note": "Ledger"})
    before = Measurement.objects.get(period=MONTH).version
    response = client.post(url(), {f"value-{line}": "110.00", "batch_note": "again"})
    assert response.status_code == 400
    assert "Nothing changed: every actual you gave is the one already recorded." in (
        response.content.decode()
    )
    assert Measurement.objects.get(period=MONTH).version == before
    assert Evidence.objects.filter(measurement__period=MONTH).count() == 1


def test_a_month_that_is_not_a_month_is_named_and_nothing_is_offered_or_saved(client, lines):
    world, _ = lines
    client.force_login(world.bob)
    response = client.get("/actuals/month/?month=13&year=2026")
    assert response.status_code == 400
    html = response.content.decode()
    summary = html.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    assert 'href="#id_month"' in summary and "Month: " in summary
    assert 'id="lines"' not in html and 'id="no-lines"' not in html
    assert "<title>Error: Record actuals" in html
    line = key(world.benefit, world.essex)
    response = client.post(
        "/actuals/month/?month=13&year=2026", {f"value-{line}": "110", "batch_note": "Ledger"}
    )
    assert response.status_code == 400
    assert not Measurement.objects.filter(value=110).exists()


def test_a_refused_evidence_file_is_named_once_beside_the_file_field(client, lines):
    world, other = lines
    client.force_login(world.bob)
    program = SimpleUploadedFile("report.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    response = client.post(
        url(),
        {
            f"value-{key(world.benefit, world.essex)}": "110",
            f"value-{key(other, world.essex)}": "45",
            "batch_note": "Ledger",
            "evidence_file": program,
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == ["evidence_file"]
    assert "report.pdf" in form.errors["evidence_file"][0]
    summary = response.content.decode().split('class="govuk-error-summary"')[1].split("</ul>")[0]
    assert summary.count("report.pdf") == 1 and 'href="#id_evidence_file"' in summary
    assert not Measurement.objects.filter(period=MONTH).exists()


def test_an_administrator_is_offered_the_whole_collaborations_line_of_every_benefit(client, lines):
    world, other = lines
    ada = member("ada", "Essex", "administrator")
    client.force_login(ada)
    page_lines = client.get(url()).context["form"].lines
    assert [(line.benefit.reference, line.force) for line in page_lines] == [
        ("EK-1", None),
        ("EK-2", None),
    ]
    assert page_lines[0].whose == "Whole collaboration"


def test_a_line_changed_by_someone_else_since_the_page_opened_is_never_overwritten(client, lines):
    """Two people, or two tabs: a line left as the page showed it stays as the other person
    recorded it; a line typed over theirs is refused, naming it, until saved again."""
    world, other = lines
    first, second = key(world.benefit, world.essex), key(other, world.essex)
    client.force_login(world.bob)
    client.post(url(), {f"value-{first}": "110", f"value-{second}": "45", "batch_note": "Ledger"})
    opened = client.get(url()).content.decode()
    shown = {f"shown-{first}": "110.00", f"shown-{second}": "45.00"}
    for name, value in shown.items():  # the page carries each value as shown
        assert f'type="hidden" name="{name}" value="{value}"' in opened
    # Meanwhile the programme team corrects both lines.
    for benefit, value in ((world.benefit, "111"), (other, "46")):
        record_measurement(
            benefit,
            MONTH,
            user=world.alice,
            force=world.essex,
            value=Decimal(value),
            evidence_note="Corrected from the finance ledger",
        )
    # The page, as opened: the first line left as shown, the second typed over.
    posted = {f"value-{first}": "110.00", f"value-{second}": "50", "batch_note": "Mine", **shown}
    refused = client.post(url(), posted)
    assert refused.status_code == 400
    assert (
        "EK-2, Essex: Someone else recorded 46.00 for this line since you opened the page. "
        "Check it, then save again to replace it with yours."
    ) in unescape(refused.content.decode())
    stored = dict(Measurement.objects.filter(period=MONTH).values_list("benefit", "value"))
    assert stored == {world.benefit.pk: Decimal("111.00"), other.pk: Decimal("46.00")}
    # Sent again as the refusal shows it, it replaces theirs on that line alone.
    again = refused.context["form"]
    assert again[f"shown-{second}"].value() == "46.00"
    posted[f"shown-{second}"] = again[f"shown-{second}"].value()
    assert client.post(url(), posted).status_code == 302
    stored = dict(Measurement.objects.filter(period=MONTH).values_list("benefit", "value"))
    assert stored == {world.benefit.pk: Decimal("111.00"), other.pk: Decimal("50.00")}


def test_a_force_lead_named_within_a_collaboration_records_its_lines_there(client, lines):
    """A force lead granted within one collaboration (`--collaboration`) is offered their
    force's lines there, and may save them, as the rules allow."""
    world, other = lines
    fay = member("fay", "Essex", "force_lead", world.collab)
    client.force_login(fay)
    response = client.get(url())
    assert [(line.benefit.reference, line.whose) for line in response.context["form"].lines] == [
        ("EK-1", "Essex"),
        ("EK-2", "Essex"),
    ]
    response = client.post(
        url(), {f"value-{key(world.benefit, world.essex)}": "110", "batch_note": "Ledger"}
    )
    assert response.status_code == 302
    assert Measurement.objects.get(period=MONTH).force == world.essex
