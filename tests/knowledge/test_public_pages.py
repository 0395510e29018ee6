"""Public pages and open data: published collaborations and what they delivered, no sign-in."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from realise.benefits.models import Measurement
from tests.factories import BenefitFactory, CollaborationFactory, InitiativeFactory, actual, share


@pytest.fixture
def published(world):
    """A public collaboration whose money, hours and service benefits are known."""
    collab = CollaborationFactory(
        name="Eastern Roads Policing",
        slug="eastern-roads",
        visibility="public",
        purpose="Three forces patrol the A12 and A14 together to cut serious collisions.",
        objectives="Fewer people killed or seriously injured\nOne patrol rota",
        function="roads_policing",
    )
    share(collab, "Essex", "50")
    share(collab, "Suffolk", "30")
    share(collab, "Norfolk", "20")
    initiative = InitiativeFactory(collaboration=collab, name="Joint A12 patrols", stage=4)
    money = BenefitFactory(
        initiative=initiative, reference="ER-1", title="Fewer hire cars", subcategory="1a"
    )
    avoided = BenefitFactory(
        initiative=initiative, reference="ER-2", title="Avoided overtime", subcategory="1c"
    )
    hours = BenefitFactory(
        initiative=initiative,
        reference="ER-3",
        title="Hours released",
        subcategory="1b",
        unit="hours",
    )
    harm = BenefitFactory(
        initiative=initiative,
        reference="ER-4",
        title="Longer travel",
        subcategory="1a",
        is_disbenefit=True,
    )
    service = BenefitFactory(
        initiative=initiative,
        reference="ER-5",
        title="Fewer serious collisions",
        subcategory="2b",
        unit="count",
        measure="Killed or seriously injured on the A12",
    )
    actual(money, datetime.date(2025, 4, 1), "1000.50")
    actual(money, datetime.date(2025, 5, 1), "2000.25")
    actual(avoided, datetime.date(2025, 5, 1), "500.00")
    actual(hours, datetime.date(2025, 4, 1), "120")
    actual(hours, datetime.date(2025, 5, 1), "80")
    actual(harm, datetime.date(2025, 5, 1), "999")
    actual(service, datetime.date(2025, 4, 1), "14")
    actual(service, datetime.date(2025, 5, 1), "11")
    # Published figures count verified actuals only: these are verified; June's is not.
    Measurement.objects.filter(benefit__initiative=initiative).update(verified_at=timezone.now())
    actual(money, datetime.date(2025, 6, 1), "50000")
    actual(hours, datetime.date(2025, 6, 1), "900")
    # A policing collaboration's benefits are never published.
    hidden = InitiativeFactory(
        collaboration=CollaborationFactory(name="Hidden unit", visibility="policing")
    )
    actual(
        BenefitFactory(initiative=hidden, reference="H-1", subcategory="1a"),
        datetime.date(2025, 4, 1),
        "7777",
    )
    return collab


def test_the_public_list_needs_no_sign_in_and_shows_published_only(published, client):
    page = client.get("/public/").content.decode()
    assert "Eastern Roads Policing" in page
    assert "Hidden unit" not in page and "Essex and Kent Serious Crime" not in page
    # money 1000.50 + 2000.25 + 500.00 = 3500.75, less the 999 dis-benefit = 2501.75 net
    assert "£2,501.75" in page
    assert "How benefits are measured" in page


def test_a_published_collaboration_in_plain_english(published, client):
    page = client.get("/public/collaborations/eastern-roads/").content.decode()
    assert "Three forces patrol the A12 and A14" in page
    assert "Essex, Norfolk, Suffolk" in page
    # Net of the dis-benefit in the headline (its exact figure beside it), gross and the
    # dis-benefit shown apart: 3500.75 - 999 = 2501.75; hours: 120 + 80.
    assert ">£2.5k<" in page and "£2,501.75" in page
    assert "£3,500.75" in page and "£999.00" in page
    assert "200 hours" in page
    assert "11 in May 2025" in page  # the latest collision count
    assert "Longer travel" in page  # dis-benefits listed on their own
    assert client.get("/public/how-benefits-are-measured/").status_code == 200


def test_the_public_page_in_welsh_gives_its_months_in_welsh(published, client):
    client.post("/language/", {"language": "cy", "next": "/"})
    page = client.get("/public/collaborations/eastern-roads/").content.decode()
    assert "Mai 2025" in page and "May 2025" not in page  # the latest collision count


def test_the_repository_shows_the_public_verified_figures_only(world, published, client):
    # Signed out, the catalogue entry agrees with the public page: June's unverified
    # 50,000 is left out (3500.75 gross), and the page says why.
    page = client.get("/repository/collaborations/eastern-roads/").content.decode()
    assert "£3,500.75" in page and "£53,500.75" not in page
    assert "Published figures count verified actuals only" in page
    # Signed in, it shows every recorded actual.
    client.force_login(world.nora)
    page = client.get("/repository/collaborations/eastern-roads/").content.decode()
    assert "£53,500.75" in page
    assert "Published figures count verified actuals only" not in page


def test_an_unpublished_collaboration_has_no_public_page(world, published, client):
    assert client.get("/public/collaborations/ek/").status_code == 404


def test_open_data_collaborations_json(published, client):
    response = client.get("/open-data/collaborations.json")
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["licence"] == "Open Government Licence v3.0"
    assert data["count"] == 1
    (record,) = data["collaborations"]
    assert record["slug"] == "eastern-roads"
    assert record["objectives"] == ["Fewer people killed or seriously injured", "One patrol rota"]
    assert record["function"] == "roads_policing"
    assert [f["name"] for f in record["member_forces"]] == ["Essex", "Norfolk", "Suffolk"]
    assert record["member_forces"][0]["share_percent"] == "50.0000"
    assert record["realised_money_gbp"] == "3500.75"
    assert record["realised_hours"] == "200.00"
    assert record["initiatives"] == [{"name": "Joint A12 patrols", "stage": 4, "status": "active"}]
    assert record["url"] == "http://testserver/public/collaborations/eastern-roads/"


def test_open_data_benefits_json_and_csv_agree(published, client):
    records = client.get("/open-data/benefits.json").json()["benefits"]
    by_reference = {r["reference"]: r for r in records}
    assert set(by_reference) == {"ER-1", "ER-2", "ER-3", "ER-4", "ER-5"}
    assert by_reference["ER-1"]["realised_total"] == "3000.75"
    assert by_reference["ER-1"]["first_period"] == "2025-04"
    assert by_reference["ER-4"]["is_disbenefit"] is True
    response = client.get("/open-data/benefits.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["reference"] for r in rows] == [r["reference"] for r in records]
    assert Decimal(rows[0]["realised_total"]) == Decimal("3000.75")
    assert rows[3]["is_disbenefit"] == "true"


def test_open_data_collaborations_csv(published, client):
    text = b"".join(client.get("/open-data/collaborations.csv").streaming_content).decode(
        "utf-8-sig"
    )
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert row["member_forces"] == "Essex; Norfolk; Suffolk"
    assert row["realised_money_gbp"] == "3500.75"
    assert row["initiatives"] == "Joint A12 patrols (stage 4, active)"


def test_public_pages_and_open_data_say_they_count_verified_actuals_only(published, client):
    for address in ("/public/", "/public/collaborations/eastern-roads/", "/open-data/"):
        page = client.get(address).content.decode()
        assert "count verified actuals only" in page, address
    data = client.get("/open-data/benefits.json").json()
    assert "verified actuals only" in data["figures"]
    fewer = next(b for b in data["benefits"] if b["reference"] == "ER-1")
    assert (fewer["realised_total"], fewer["last_period"]) == ("3000.75", "2025-05")


def test_open_data_totals_are_given_gross_as_disbenefits_and_net(published, world, client):
    (record,) = client.get("/open-data/collaborations.json").json()["collaborations"]
    assert record["realised_money_gbp"] == "3500.75"
    assert record["disbenefit_money_gbp"] == "999.00"
    assert record["net_money_gbp"] == "2501.75"
    assert (record["disbenefit_hours"], record["net_hours"]) == ("0.00", "200.00")


def test_open_data_monthly_series_publishes_verified_actuals_only(published, world, client):
    from realise.benefits.models import Measurement, PlannedValue

    PlannedValue.objects.create(
        benefit=published.initiatives.get().benefits.get(reference="ER-1"),
        period=datetime.date(2025, 4, 1),
        value=Decimal("900.00"),
    )
    # Verify April's actuals only: May's stay unpublished until someone verifies them.
    Measurement.objects.update(verified_at=None)
    Measurement.objects.filter(period=datetime.date(2025, 4, 1)).update(
        verified_at=datetime.datetime(2025, 5, 10, tzinfo=datetime.UTC), verified_by=world.alice
    )
    text = b"".join(client.get("/open-data/monthly.csv").streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == [
        "month",
        "collaboration",
        "subcategory",
        "unit",
        "is_disbenefit",
        "planned",
        "actual",
    ]
    keyed = {(r["month"], r["subcategory"], r["is_disbenefit"]): r for r in rows}
    assert keyed[("2025-04", "1a", "false")]["planned"] == "900.00"
    assert keyed[("2025-04", "1a", "false")]["actual"] == "1000.50"
    assert keyed[("2025-04", "1b", "false")]["actual"] == "120.00"
    assert keyed[("2025-04", "1b", "false")]["unit"] == "hours"
    # Nothing of May is verified, and the policing collaboration's 7777 is never published.
    assert not any(r["month"] == "2025-05" for r in rows)
    assert all(r["collaboration"] == "eastern-roads" for r in rows)
    months = client.get("/open-data/monthly.json").json()["months"]
    assert len(months) == len(rows)


def test_the_data_package_describes_every_file_and_validates(published, world, client, tmp_path):
    import frictionless

    from realise.benefits.models import Measurement

    Measurement.objects.update(
        verified_at=datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC), verified_by=world.alice
    )
    response = client.get("/open-data/datapackage.json")
    assert response["Access-Control-Allow-Origin"] == "*"
    package = response.json()
    assert package["licenses"][0]["path"].startswith("https://www.nationalarchives.gov.uk/")
    paths = {r["name"]: r["path"] for r in package["resources"]}
    assert paths == {
        "collaborations": "http://testserver/open-data/collaborations.csv",
        "benefits": "http://testserver/open-data/benefits.csv",
        "monthly": "http://testserver/open-data/monthly.csv",
    }
    for resource in package["resources"]:
        name = resource["path"].rsplit("/", 1)[1]
        body = b"".join(client.get(f"/open-data/{name}").streaming_content)
        (tmp_path / name).write_bytes(body)
        header = body.decode("utf-8-sig").splitlines()[0].split(",")
        # Every column of every file is described, in order, with a type and a meaning.
        assert header == [field["name"] for field in resource["schema"]["fields"]]
        assert all(field["description"] for field in resource["schema"]["fields"])
        resource["path"] = name
    units = {f["name"]: f.get("unit") for r in package["resources"] for f in r["schema"]["fields"]}
    assert units["net_money_gbp"] == "GBP" and units["net_hours"] == "hours"
    (tmp_path / "datapackage.json").write_text(json.dumps(package))
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.stats["tasks"] == 3


def test_the_data_package_says_its_figures_count_verified_actuals():
    from realise.knowledge.datapackage import descriptor

    described = {
        field["name"]: field["description"]
        for resource in descriptor()["resources"]
        for field in resource["schema"]["fields"]
    }
    counted = (
        "realised_money_gbp",
        "realised_hours",
        "disbenefit_money_gbp",
        "disbenefit_hours",
        "realised_total",
        "measurement_count",
        "first_period",
        "last_period",
        "actual",
    )
    assert all("verified" in described[name] for name in counted)
    assert not any("recorded" in text for text in described.values())


def test_a_money_benefit_counted_in_other_units_is_not_added_to_the_pounds(
    world, published, client
):
    """A 1a benefit measured as a count (contracts let) is not pounds: the headline adds up
    pounds and hours as the dashboards do."""
    contracts = BenefitFactory(
        initiative=published.initiatives.get(),
        reference="ER-6",
        title="Contracts let jointly",
        subcategory="1a",
        unit="count",
    )
    row = actual(contracts, datetime.date(2025, 5, 1), "40")
    Measurement.objects.filter(pk=row.pk).update(verified_at=timezone.now())

    page = client.get("/public/collaborations/eastern-roads/").content.decode()
    assert "£3,500.75" in page and "£3,540.75" not in page


def test_open_data_csv_lists_starting_with_a_formula_are_written_as_text(published, client):
    """A list cell (objectives, initiatives) whose first item someone typed as a formula is
    text, as every other cell is."""
    collab = published
    collab.objectives = '=HYPERLINK("http://attacker.example/","Click")\nOne patrol rota'
    collab.save()
    collab.initiatives.update(name="@SUM(1+1)*cmd|' /C calc'!A0")
    text = b"".join(client.get("/open-data/collaborations.csv").streaming_content).decode(
        "utf-8-sig"
    )
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert row["objectives"].startswith("'=HYPERLINK(")
    assert row["initiatives"].startswith("'@SUM(1+1)")
