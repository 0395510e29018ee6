import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from realise.benefits.models import Evidence, Measurement
from tests.factories import force

LAST_MONTH = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
NEXT_MONTH = (datetime.date.today().replace(day=28) + datetime.timedelta(days=5)).replace(day=1)


def url(world):
    return f"/benefits/{world.benefit.pk}/actuals/new/"


def test_force_lead_records_an_actual_with_an_evidence_file(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.bob)
    upload = SimpleUploadedFile("ledger.csv", b"cost centre,saving\n4410,1250.50\n", "text/csv")
    response = client.post(
        url(world),
        {
            "period": LAST_MONTH.strftime("%Y-%m"),
            "force": force("Essex").pk,
            "value": "1250.50",
            "evidence_note": "Ledger extract, cost centre 4410",
            "evidence_file": upload,
        },
    )
    assert response.status_code == 302
    measurement = Measurement.objects.get()
    assert (measurement.force.name, str(measurement.value), measurement.entered_by) == (
        "Essex",
        "1250.50",
        world.bob,
    )
    evidence = Evidence.objects.get()
    assert evidence.note == "Ledger extract, cost centre 4410"
    assert evidence.file.read().startswith(b"cost centre")
    page = client.get(f"/benefits/{world.benefit.pk}/").content.decode()
    assert "£1,250.50" in page and "Ledger extract, cost centre 4410" in page
    download = client.get(f"/evidence/{evidence.pk}/download/")
    assert download.status_code == 200


def test_the_force_list_offers_only_the_leads_own_force(client, world):
    client.force_login(world.bob)
    form = client.get(url(world)).context["form"]
    # A force lead records their own force's line: the whole collaboration is not offered.
    assert [label for _, label in form.fields["force"].widget.choices] == ["Essex"]


def test_recording_the_same_month_again_corrects_it_and_keeps_history(client, world):
    client.force_login(world.bob)
    data = {
        "period": LAST_MONTH.strftime("%Y-%m"),
        "force": force("Essex").pk,
        "evidence_note": "First return",
    }
    client.post(url(world), {**data, "value": "100"})
    client.post(url(world), {**data, "value": "120", "evidence_note": "Corrected return"})
    measurement = Measurement.objects.get()
    assert str(measurement.value) == "120.00"
    assert [str(h.value) for h in measurement.history.order_by("history_date")] == [
        "100.00",
        "120.00",
    ]
    assert measurement.evidence.count() == 2


def test_future_month_bad_month_and_missing_evidence_are_named(client, world):
    client.force_login(world.alice)
    page = client.post(
        url(world), {"period": NEXT_MONTH.strftime("%Y-%m"), "value": "5", "evidence_note": "x"}
    )
    assert "only be recorded for months that have begun" in page.content.decode()
    page = client.post(url(world), {"period": "October", "value": "5", "evidence_note": "x"})
    assert "Enter a month as YYYY-MM" in page.content.decode()
    page = client.post(url(world), {"period": LAST_MONTH.strftime("%Y-%m"), "value": "5"})
    assert "Give an evidence note or attach a file." in page.content.decode()
    page = client.post(
        url(world), {"period": LAST_MONTH.strftime("%Y-%m"), "value": "", "evidence_note": "x"}
    )
    assert "Enter the value delivered in the month." in page.content.decode()
    assert not Measurement.objects.exists()


def test_evidence_of_a_private_collaboration_is_not_downloadable_by_outsiders(
    client, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.bob)
    client.post(
        url(world),
        {
            "period": LAST_MONTH.strftime("%Y-%m"),
            "force": force("Essex").pk,
            "value": "10",
            "evidence_file": SimpleUploadedFile("note.txt", b"evidence", "text/plain"),
        },
    )
    evidence = Evidence.objects.get()
    client.force_login(world.nora)
    assert client.get(f"/evidence/{evidence.pk}/download/").status_code == 404


def test_plan_is_replaced_from_lines_and_bad_lines_are_named(client, world):
    client.force_login(world.alice)
    plan_url = f"/benefits/{world.benefit.pk}/plan/"
    page = client.post(plan_url, {"profile": "2026-04 1000\n2026-05 ten"})
    assert "Line 2: &#x27;ten&#x27; is not a number." in page.content.decode()
    assert client.post(plan_url, {"profile": "2026-04 1,000.50\n2026-05 2000"}).status_code == 302
    assert [
        (p.period_label, str(p.value)) for p in world.benefit.planned_values.order_by("period")
    ] == [
        ("2026-04", "1000.50"),
        ("2026-05", "2000.00"),
    ]
    client.post(plan_url, {"profile": "2026-05 2500"})
    assert [(p.period_label, str(p.value)) for p in world.benefit.planned_values.all()] == [
        ("2026-05", "2500.00")
    ]


def last_month_for(force_name: str, value: str, note: str) -> dict:
    """A post of the form with last month typed in its month and year boxes."""
    return {
        "period_month": str(LAST_MONTH.month),
        "period_year": str(LAST_MONTH.year),
        "force": force(force_name).pk,
        "value": value,
        "evidence_note": note,
    }


def test_the_form_asks_month_and_year_in_two_boxes_and_shows_the_unit(client, world):
    client.force_login(world.bob)
    page = client.get(url(world)).content.decode()
    assert 'name="period_month"' in page and 'name="period_year"' in page
    assert '<div class="govuk-input__prefix" aria-hidden="true">£</div>' in page
    response = client.post(url(world), last_month_for("Essex", "75.25", "Rota extract"))
    assert response.status_code == 302
    assert Measurement.objects.get().period == LAST_MONTH


def test_hours_are_written_with_an_hours_suffix(client, world):
    world.benefit.unit = "hours"
    world.benefit.save()
    client.force_login(world.bob)
    page = client.get(url(world)).content.decode()
    assert '<div class="govuk-input__suffix" aria-hidden="true">hours</div>' in page
    assert "govuk-input__prefix" not in page


def test_each_month_box_names_what_is_wrong(client, world):
    client.force_login(world.bob)
    base = {"force": force("Essex").pk, "value": "5", "evidence_note": "x"}
    cases = [
        ({"period_month": "13", "period_year": "2026"}, "&#x27;13&#x27; is not a month"),
        ({"period_month": "3", "period_year": "26"}, "&#x27;26&#x27; is not a year"),
        ({"period_month": "", "period_year": "2026"}, "Enter the month as a number"),
        ({"period_month": "3", "period_year": ""}, "Enter the year"),
        ({"period_month": "", "period_year": ""}, "Enter the month and year"),
    ]
    for boxes, message in cases:
        page = client.post(url(world), {**base, **boxes})
        assert page.status_code == 200, boxes
        assert message in page.content.decode(), boxes
        # What was typed is kept in the boxes.
        if boxes["period_month"]:
            assert f'value="{boxes["period_month"]}"' in page.content.decode()
    assert not Measurement.objects.exists()


def test_another_forces_line_is_refused_naming_the_force(client, world):
    client.force_login(world.bob)
    page = client.post(url(world), last_month_for("Kent", "5", "x"))
    assert page.status_code == 200
    assert "Kent" in page.context["form"].errors["force"][0]
    assert not Measurement.objects.exists()


def test_the_error_summary_links_to_the_box_that_is_wrong(client, world):
    client.force_login(world.bob)
    page = client.post(
        url(world),
        {"period_month": "3", "period_year": "26", "force": force("Essex").pk, "value": "5"},
    ).content.decode()
    assert '<a href="#id_period_1">&#x27;26&#x27; is not a year: enter four digits.</a>' in page


def test_a_month_of_thousands_of_digits_is_named_not_a_server_error(client, world):
    client.force_login(world.bob)
    response = client.post(
        url(world),
        {
            "period_month": "9" * 5000,
            "period_year": str(LAST_MONTH.year),
            "force": force("Essex").pk,
            "value": "10",
            "evidence_note": "Ledger",
        },
    )
    assert response.status_code == 200
    (message,) = response.context["form"].errors["period"]
    assert message == "'99999999…' is not a month: enter a number from 1 to 12."
    assert not Measurement.objects.exists()


def test_a_refusal_for_the_whole_collaboration_reads_in_welsh_on_a_welsh_page(client, world):
    """A force lead records only their own force's line: the refusal names the whole
    collaboration in the language of the page."""
    client.force_login(world.bob)
    response = client.post(
        url(world),
        {"period": LAST_MONTH.strftime("%Y-%m"), "value": "100", "evidence_note": "Ledger"},
        HTTP_ACCEPT_LANGUAGE="cy",
    )
    page = response.content.decode()
    assert "ar gyfer y cydweithrediad cyfan ar fudd" in page
    assert "the whole collaboration" not in page
    assert not Measurement.objects.exists()
