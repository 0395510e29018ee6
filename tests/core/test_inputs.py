"""Inputs that used to break pages: NUL characters, months far out of range, digits other
than 0 to 9, deeply nested JSON, and an update of an actual naming another force. Each is
refused with a message naming what is wrong, whichever way it comes in; none gives a 500."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from realise.benefits.models import Measurement, PlannedValue
from realise.core import inputs
from realise.reports.register.importing import import_register
from realise.reports.register.xlsx import PLANNED, write_register
from tests.factories import force
from tests.reports.conftest import append_row

LAST_MONTH = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
ARABIC_INDIC = "١٢٥٠"  # 1250 in Arabic-Indic digits
FULL_WIDTH = "１２５０"  # 1250 in full-width digits


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


# NUL ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/collaborations/", "/repository/lessons/", "/search/", "/dashboards/", "/audit/"]
)
def test_a_nul_in_a_query_parameter_is_refused_with_400_naming_it(client, world, url):
    client.force_login(world.dave)
    response = client.get(url, {"q": "vetting\x00"})
    assert response.status_code == 400
    assert "NUL character" in response.content.decode() and "'q'" in response.content.decode()


def test_a_nul_in_an_api_query_parameter_is_refused_with_json(world):
    response = api(world.dave).get("/api/v1/benefits/", {"search": "a\x00b"})
    assert response.status_code == 400
    assert "NUL character" in response.json()["detail"]


def test_a_nul_in_the_address_is_refused(client, world):
    client.force_login(world.dave)
    assert client.get("/dashboards/collaborations/ek\x00/").status_code == 400


def test_a_nul_in_a_form_field_is_refused(client, world):
    client.force_login(world.bob)
    response = client.post(
        f"/benefits/{world.benefit.pk}/actuals/new/",
        {
            "period": LAST_MONTH.strftime("%Y-%m"),
            "force": force("Essex").pk,
            "value": "10",
            "evidence_note": "Ledger\x00",
        },
    )
    assert response.status_code == 400
    assert not Measurement.objects.exists()


# Months -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["0001-01", "1999-12", "9999-12"])
def test_months_outside_the_sane_range_are_refused_by_the_shared_rule(text):
    with pytest.raises(ValueError, match="outside the months that can be recorded"):
        inputs.parse_month(text)


def test_the_range_runs_from_2000_to_fifty_years_ahead():
    today = datetime.date(2026, 12, 3)
    assert inputs.month_problem(datetime.date(2000, 1, 1), today) is None
    assert inputs.month_problem(datetime.date(2076, 12, 1), today) is None
    assert inputs.month_problem(datetime.date(2077, 1, 1), today) == (
        "2077-01 is outside the months that can be recorded: from 2000-01 to 2076-12."
    )


def test_a_page_form_refuses_month_0001_01(client, world):
    client.force_login(world.bob)
    response = client.post(
        f"/benefits/{world.benefit.pk}/actuals/new/",
        {"period": "0001-01", "force": force("Essex").pk, "value": "10", "evidence_note": "x"},
    )
    assert response.status_code == 200
    assert "0001-01 is outside the months that can be recorded" in response.content.decode()
    assert not Measurement.objects.exists()


def test_the_planned_profile_form_refuses_month_9999_12(client, world):
    client.force_login(world.alice)
    response = client.post(f"/benefits/{world.benefit.pk}/plan/", {"profile": "9999-12 100"})
    assert "Line 1: 9999-12 is outside the months" in response.content.decode()
    assert not PlannedValue.objects.filter(period__year=9999).exists()


def test_the_api_refuses_month_9999_12_with_a_field_error(world):
    response = api(world.alice).post(
        "/api/v1/planned-values/",
        {"benefit": world.benefit.pk, "period": "9999-12", "value": "5"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["period"] == [
        f"9999-12 is outside the months that can be recorded: from 2000-01 to "
        f"{inputs.last_month():%Y-%m}."
    ]


def test_the_plan_service_refuses_an_out_of_range_month(world):
    from realise.benefits.services import replace_plan

    with pytest.raises(ValidationError, match="9999-12 is outside"):
        replace_plan(world.benefit, {datetime.date(9999, 12, 1): Decimal(1)}, user=world.alice)
    assert not PlannedValue.objects.exists()


def test_the_model_refuses_an_out_of_range_month_whatever_writes_it(world):
    planned = PlannedValue(benefit=world.benefit, period=datetime.date(1, 1, 1), value=1)
    with pytest.raises(ValidationError) as error:
        planned.full_clean()
    assert "0001-01 is outside" in error.value.message_dict["period"][0]


@pytest.fixture
def register_file(world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "register.xlsx"
    world.benefit.reference = "B-VET-1"
    world.benefit.save()
    write_register(path)
    return path


def test_the_excel_import_refuses_month_0001_01_and_non_ascii_amounts(world, register_file):
    month_row = append_row(register_file, PLANNED, ["B-VET-1", "0001-01", 1])
    digits_row = append_row(register_file, PLANNED, ["B-VET-1", "2025-02", ARABIC_INDIC])
    result = import_register(register_file, user=world.alice)
    assert [str(e) for e in result.errors] == [
        f"Planned values!{month_row}, Month: 0001-01 is outside the months that can be "
        f"recorded: from 2000-01 to {inputs.last_month():%Y-%m}",
        f"Planned values!{digits_row}, Value: '{ARABIC_INDIC}' is not a number: write it "
        "with the digits 0 to 9",
    ]
    assert not PlannedValue.objects.exists()


# Digits -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [ARABIC_INDIC, FULL_WIDTH])
def test_a_page_form_refuses_an_amount_in_other_digits(client, world, value):
    client.force_login(world.bob)
    response = client.post(
        f"/benefits/{world.benefit.pk}/actuals/new/",
        {
            "period": LAST_MONTH.strftime("%Y-%m"),
            "force": force("Essex").pk,
            "value": value,
            "evidence_note": "Ledger",
        },
    )
    assert response.status_code == 200
    assert "is not a number: write it with the digits 0 to 9" in response.content.decode()
    assert not Measurement.objects.exists()


@pytest.mark.parametrize("value", [ARABIC_INDIC, FULL_WIDTH])
def test_the_api_refuses_an_amount_in_other_digits(world, value):
    response = api(world.alice).post(
        "/api/v1/planned-values/",
        {"benefit": world.benefit.pk, "period": "2025-01", "value": value},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["value"] == [
        f"'{value}' is not a number: write it with the digits 0 to 9."
    ]
    assert not PlannedValue.objects.exists()


def test_ascii_amounts_and_negative_numbers_are_still_read(world):
    response = api(world.alice).post(
        "/api/v1/planned-values/",
        {"benefit": world.benefit.pk, "period": "2025-01", "value": "-1250.50"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert str(PlannedValue.objects.get().value) == "-1250.50"


# JSON and PUT -----------------------------------------------------------------------------------


def test_deeply_nested_json_is_refused_with_400(world):
    for depth in (40, 100_000):
        body = "[" * depth + "]" * depth
        response = api(world.alice).generic(
            "POST", "/api/v1/planned-values/", body, content_type="application/json"
        )
        assert response.status_code == 400, depth
        assert "nests" in response.json()["detail"]


def test_a_put_naming_another_force_on_an_actual_is_refused_with_a_field_error(world):
    actual = Measurement.objects.create(
        benefit=world.benefit, period=LAST_MONTH, force=force("Essex"), value=10
    )
    body = {
        "benefit": world.benefit.pk,
        "period": LAST_MONTH.strftime("%Y-%m"),
        "force": force("Kent").pk,
        "value": "20",
        "evidence_note": "Corrected",
        "version": actual.version,
    }
    response = api(world.alice).put(f"/api/v1/measurements/{actual.pk}/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"force": ["This cannot be changed once created."]}
    actual.refresh_from_db()
    assert (actual.force, actual.value) == (force("Essex"), 10)

    same = api(world.alice).put(
        f"/api/v1/measurements/{actual.pk}/", {**body, "force": force("Essex").pk}, format="json"
    )
    assert same.status_code == 200, same.json()
    actual.refresh_from_db()
    assert actual.value == 20


# Bad rows already stored, and far-out filters ---------------------------------------------------


def test_a_planned_value_dated_9999_12_already_stored_breaks_no_page(
    client, world, settings, tmp_path
):
    from tests.documents.conftest import run_started_job

    settings.MEDIA_ROOT = tmp_path
    PlannedValue.objects.bulk_create(
        [PlannedValue(benefit=world.benefit, period=datetime.date(9999, 12, 1), value=5)]
    )
    client.force_login(world.alice)
    slug = world.initiative.slug
    for url in [
        "/dashboards/",
        f"/dashboards/collaborations/{world.collab.slug}/",
        f"/benefits/{world.benefit.pk}/",
        f"/initiatives/{slug}/highlight/",
        "/api/v1/planned-values/",
        "/api/v1/realisation/",
    ]:
        assert client.get(url).status_code == 200, url
    # The highlight report is built in the background; the job builds it too.
    run_started_job(client, client.get(f"/initiatives/{slug}/highlight/2025-06/download/"))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("99999-01", "Enter a month as YYYY-MM"),
        ("0001-01", "0001-01 is outside the months that can be recorded"),
        ("２０２５-０１", "Enter a month as YYYY-MM"),
    ],
)
def test_a_dashboard_filter_refuses_a_far_out_month_naming_the_filter(
    client, world, value, message
):
    client.force_login(world.alice)
    response = client.get("/dashboards/", {"period_from": value})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page and "From month" in page


def test_json_depth_is_measured_without_recursion():
    from realise.core.parsers import _depth

    assert _depth({"a": [1, {"b": []}]}, 10) == 4
    assert json.loads("[" * 50 + "]" * 50) and _depth(json.loads("[" * 50 + "]" * 50), 32) > 32


def test_the_economic_case_refuses_amounts_in_other_digits():
    from realise.appraisal.forms import parse_year_lines
    from realise.appraisal.greenbook import AppraisalError, to_decimal

    with pytest.raises(AppraisalError, match="is not a number: write it with the digits 0 to 9"):
        to_decimal(FULL_WIDTH, "costs.2025")
    with pytest.raises(ValidationError, match="Line 1: '١٢٥٠' is not a number"):
        parse_year_lines(f"2025/26 {ARABIC_INDIC}", places=2, what="an amount")
    assert parse_year_lines("2025/26 -1250.50", places=2, what="an amount") == {
        2025: Decimal("-1250.50")
    }
