"""The economic case pages: options side by side, chart, spreadsheet, forms, permissions."""

import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from realise.appraisal import services
from realise.appraisal.models import BenefitLine, CostLine, Deflator, Option
from tests.factories import BenefitFactory, plan

D = Decimal
FIGURES = ("pv_costs", "optimism_bias_pv", "pv_benefits", "npsv", "bcr", "relative_npsv")


def case_url(world, rest=""):
    return f"/initiatives/{world.initiative.slug}/economic-case/{rest}"


@pytest.fixture
def case(world):
    """Business as usual and one option with a cost, a benefit entered by hand and a benefit
    linked to the register."""
    baseline = services.business_as_usual(world.initiative)
    services.save_option(world.initiative, user=world.alice, option=baseline, first_year=2025)
    services.save_cost_line(
        baseline, user=world.alice, name="Old system", kind="opex", values={2025: D("400")}
    )
    option = services.save_option(
        world.initiative,
        user=world.alice,
        name="Shared unit",
        first_year=2025,
        optimism_bias_capex="0.1",
    )
    services.save_cost_line(
        option, user=world.alice, name="Build", kind="capex", values={2025: D("3000")}
    )
    services.save_benefit_line(
        option, user=world.alice, name="Fewer agency staff", values={2026: D("1035")}
    )
    plan(world.benefit, datetime.date(2027, 4, 1), ["1071.23"])
    services.save_benefit_line(
        option, user=world.alice, name="Contract savings", benefit=world.benefit
    )
    return option


def page_figures(html: str) -> dict[str, list[str]]:
    return {name: re.findall(rf'data-figure="{name}">([^<]*)<', html) for name in FIGURES}


def as_decimal(text: str) -> Decimal:
    return D(text.replace("£", "").replace(",", ""))


def test_the_programme_team_sees_options_side_by_side(client, world, case):
    client.force_login(world.alice)
    html = client.get(case_url(world)).content.decode()

    # Shared unit: costs 3,000 + 10% = 3,300; benefits 1,035 / 1.035 + 1,071.23 / 1.035^2
    # = 1,000 + 1,000.0047 = 2,000.00; NPSV -1,299.9953 = -1,300.00; BCR 0.61.
    # Business as usual: costs 400, NPSV -400.
    assert page_figures(html) == {
        "pv_costs": ["£400.00", "£3,300.00"],
        "optimism_bias_pv": ["£0.00", "£300.00"],
        "pv_benefits": ["£0.00", "£2,000.00"],
        "npsv": ["-£400.00", "-£1,300.00"],
        "bcr": ["0.00", "0.61"],
        "relative_npsv": ["£0.00", "-£900.00"],
    }
    assert "Add an option" in html
    assert 'src="/initiatives/joint-vetting/economic-case/chart.svg"' in html
    # switching value of the build line: NPSV / PV = -1,300 / 3,300 = -39.39%, to 2 places
    # as the command and the workbook give it
    assert "-39.39%" in html


def test_the_chart_is_an_svg_with_its_data_table_on_the_page(client, world, case):
    client.force_login(world.dave)
    chart = client.get(case_url(world, "chart.svg"))
    assert chart.status_code == 200
    assert chart["Content-Type"] == "image/svg+xml"
    assert chart["Content-Security-Policy"].startswith("default-src 'none';")  # no scripts
    svg = chart.content.decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "Shared unit" in svg
    html = client.get(case_url(world)).content.decode()
    table = html[html.index('id="net-flows"') :]
    assert "2026/27" in table and "£1,000.00" in table  # 1,035 discounted one year


def test_the_spreadsheet_has_the_figures_of_the_page(client, world, case):
    client.force_login(world.alice)
    html = client.get(case_url(world)).content.decode()
    response = client.get(case_url(world, "economic-case.xlsx"))
    assert (
        response["Content-Disposition"] == 'attachment; filename="joint-vetting-economic-case.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Summary", "Business as usual", "Shared unit"]

    summary = workbook["Summary"]
    header = [cell.value for cell in summary[4]]
    rows = [[cell for cell in row] for row in summary.iter_rows(min_row=5)]
    columns = {
        "pv_costs": header.index("PV costs (incl. optimism bias)"),
        "optimism_bias_pv": header.index("of which optimism bias"),
        "pv_benefits": header.index("PV benefits"),
        "npsv": header.index("NPSV"),
        "bcr": header.index("BCR"),
        "relative_npsv": header.index("NPSV relative to business as usual"),
    }
    for name, shown in page_figures(html).items():
        cells = [row[columns[name]] for row in rows]
        assert [round(D(str(cell.value)), 2) for cell in cells] == [as_decimal(s) for s in shown]
        assert all(isinstance(cell.value, int | float) for cell in cells)
    assert rows[1][columns["npsv"]].number_format.startswith('"£"#,##0.00')

    sheet = workbook["Shared unit"]
    header = [cell.value for cell in sheet[5]]
    assert header[5:10] == ["2025/26", "2026/27", "2027/28", "Present value", "Switching value"]
    lines = {row[0].value: row for row in sheet.iter_rows(min_row=6, max_row=8)}
    assert [c.value for c in lines["Build"][5:9]] == [3000, None, None, 3300]
    assert lines["Contract savings"][4].value.endswith(world.benefit.title)
    assert lines["Contract savings"][7].value == pytest.approx(1071.23)
    assert lines["Build"][9].value == pytest.approx(-0.3939)
    assert lines["Build"][9].number_format == "0.00%"


def test_a_viewer_reads_the_case_but_cannot_change_it(client, world, case):
    client.force_login(world.dave)
    page = client.get(case_url(world))
    assert page.status_code == 200
    assert "Add an option" not in page.content.decode()
    assert client.get(case_url(world, "options/new/")).status_code == 403
    response = client.post(case_url(world, "options/new/"), {"name": "Mine", "first_year": 2025})
    assert response.status_code == 403
    response = client.post(case_url(world, f"options/{case.pk}/delete/"))
    assert response.status_code == 403
    assert Option.objects.filter(pk=case.pk).exists()


def test_reading_a_case_not_yet_started_writes_nothing(client, world):
    from realise.core.models import AuditRecord

    before = AuditRecord.objects.count()
    client.force_login(world.dave)
    for rest in ("", "chart.svg", "economic-case.xlsx", "ex-post/"):
        assert client.get(case_url(world, rest)).status_code == 200, rest
    assert "Business as usual" in client.get(case_url(world)).content.decode()
    assert not Option.objects.filter(initiative=world.initiative).exists()
    assert AuditRecord.objects.count() == before
    # Someone who may change the case gets its baseline to put costs on.
    client.force_login(world.alice)
    page = client.get(case_url(world)).content.decode()
    baseline = Option.objects.get(initiative=world.initiative, is_business_as_usual=True)
    assert baseline.get_absolute_url() in page


def test_an_outsider_cannot_see_a_private_collaborations_case(client, world, case):
    client.force_login(world.nora)
    for rest in ("", "chart.svg", "economic-case.xlsx", "ex-post/", f"options/{case.pk}/"):
        assert client.get(case_url(world, rest)).status_code == 404  # as if it did not exist
    client.logout()
    # Nobody signed in: the same answer as for an initiative that does not exist.
    assert client.get(case_url(world)).status_code == 404


def test_the_programme_team_builds_an_option_with_the_forms(client, world):
    client.force_login(world.alice)
    response = client.post(
        case_url(world, "options/new/"),
        {
            "name": "Regional hub",
            "first_year": "2025",
            "discount_schedule": "standard",
            "optimism_bias_capex": "24%",
            "optimism_bias_opex": "outsourcing",
            "order": "1",
        },
    )
    option = Option.objects.get(name="Regional hub")
    assert response.status_code == 302 and response["Location"] == option.get_absolute_url()
    assert (option.optimism_bias_capex, option.optimism_bias_opex) == ("0.24", "outsourcing")

    url = f"{option.get_absolute_url()}costs/new/"
    response = client.post(
        url,
        {
            "name": "Fit-out",
            "kind": "capex",
            "prices": "real",
            "values": "2025/26 £1,000\n2026 500",
        },
    )
    assert response.status_code == 302
    line = CostLine.objects.get(name="Fit-out")
    assert dict(line.values.values_list("year", "amount")) == {2025: D("1000"), 2026: D("500")}

    hours = BenefitFactory(initiative=world.initiative, subcategory="1b", unit="hours")
    response = client.post(
        f"{option.get_absolute_url()}benefits/new/",
        {"name": "Hours", "prices": "real", "benefit": hours.pk, "cost_per_hour": "35.00"},
    )
    assert response.status_code == 302
    assert BenefitLine.objects.get(name="Hours").cost_per_hour == D("35.00")

    page = client.get(option.get_absolute_url()).content.decode()
    assert "Capital expenditure: 24%" in page and "Outsourcing upper bound" in page
    assert "£1,240.00" in page  # 1,000 plus 24% optimism bias in 2025/26


def test_forms_explain_what_is_wrong(client, world, case):
    client.force_login(world.alice)
    counted = BenefitFactory(initiative=world.initiative, subcategory="2a", unit="count")
    response = client.post(
        f"{case.get_absolute_url()}benefits/new/",
        {"name": "Backlog", "prices": "real", "benefit": counted.pk},
    )
    assert response.status_code == 200
    assert "which has no value in pounds" in response.content.decode()

    response = client.post(
        f"{case.get_absolute_url()}costs/new/",
        {"name": "Early", "kind": "capex", "prices": "real", "values": "2024/25 10"},
    )
    assert "2024/25 is before the option&#x27;s first year, 2025/26." in response.content.decode()

    response = client.post(
        f"{case.get_absolute_url()}costs/new/",
        {"name": "Bad", "kind": "capex", "prices": "real", "values": "2025 ten"},
    )
    assert "Line 1: &#x27;ten&#x27; is not a number." in response.content.decode()


def test_business_as_usual_cannot_be_deleted_from_the_page(client, world, case):
    client.force_login(world.alice)
    baseline = Option.objects.get(is_business_as_usual=True)
    response = client.post(case_url(world, f"options/{baseline.pk}/delete/"))
    assert response.status_code == 200
    assert "Business as usual cannot be deleted" in response.content.decode()
    assert Option.objects.filter(pk=baseline.pk).exists()

    response = client.post(case_url(world, f"options/{case.pk}/delete/"))
    assert response.status_code == 302
    assert not Option.objects.filter(pk=case.pk).exists()


def test_the_initiative_page_links_to_its_economic_case(client, world):
    client.force_login(world.dave)
    html = client.get(f"/initiatives/{world.initiative.slug}/").content.decode()
    assert f'href="{case_url(world)}"' in html


# A second worked example, by hand: the year-30 boundary, optimism bias by number and by
# project type, and nominal prices. First year and price base 2025/26, standard schedule;
# deflators 100, 102, 104.04 for 2025/26 to 2027/28.
#   Build, capex, real: 1,000,000 in 2025/26, +24% = 1,240,000 (PV, year 0).
#   Contract, opex, nominal: 204,000 and 208,080 in 2026/27 and 2027/28 are 200,000 a year
#   real, +41% (outsourcing) = 282,000; PV 282,000/1.035 + 282,000/1.035^2 = 535,713.79.
#   Savings, real: 500,000 in each of years 29, 30 and 31; DF(29) = 1/1.035^29 = 0.368748,
#   DF(30) = 1/1.035^30 = 0.356278, DF(31) = DF(30)/1.03 = 0.345901: PV 535,463.97.
#   Nominal benefit: 102,000 in 2026/27 is 100,000 real; PV 100,000/1.035 = 96,618.36.
# PV costs 1,775,713.79 (bias 240,000 + 82,000/1.035 + 82,000/1.035^2 = 395,774.93);
# PV benefits 632,082.33; NPSV -1,143,631.46; BCR 0.36, poor. Switching values: Build
# -1,143,631.46/1,240,000 = -92.23%, Contract -213.48%, Savings 213.58%, Nominal benefit
# 1,183.66%.
HAND = {
    "pv_costs": "1775713.79",
    "optimism_bias_pv": "395774.93",
    "pv_benefits": "632082.33",
    "npsv": "-1143631.46",
    "bcr": "0.36",
    "vfm_category": "poor",
}
HAND_LINES = {
    "Build": ("1240000.00", "-92.23"),
    "Contract": ("535713.79", "-213.48"),
    "Savings": ("535463.97", "213.58"),
    "Nominal benefit": ("96618.36", "1183.66"),
}
HAND_INPUT = {
    "first_year": 2025,
    "price_base_year": 2025,
    "optimism_bias": {"capex": "0.24", "opex": "outsourcing"},
    "deflators": {"2025": "100", "2026": "102", "2027": "104.04"},
    "costs": [
        {"name": "Build", "kind": "capex", "values": {"2025": "1000000"}},
        {
            "name": "Contract",
            "kind": "opex",
            "prices": "nominal",
            "values": {"2026": "204000", "2027": "208080"},
        },
    ],
    "benefits": [
        {"name": "Savings", "values": {"2054": "500000", "2055": "500000", "2056": "500000"}},
        {"name": "Nominal benefit", "prices": "nominal", "values": {"2026": "102000"}},
    ],
}


def test_the_pages_the_workbook_and_the_command_agree_with_a_case_worked_by_hand(
    client, world, tmp_path
):
    out = io.StringIO()
    path = tmp_path / "case.json"
    path.write_text(json.dumps(HAND_INPUT), encoding="utf-8")
    call_command("appraise", str(path), stdout=out)
    command = json.loads(out.getvalue())
    assert {key: command[key] for key in HAND} == HAND
    assert {
        line["name"]: (line["pv"], line["switching_value_pct"]) for line in command["lines"]
    } == (HAND_LINES)

    client.force_login(world.alice)
    client.post(case_url(world, "deflators/"), {"series": "2025/26 100\n2026 102\n2027 104.04"})
    client.post(
        case_url(world, "options/new/"),
        {
            "name": "By hand",
            "first_year": "2025",
            "price_base_year": "2025",
            "discount_schedule": "standard",
            "optimism_bias_capex": "24%",
            "optimism_bias_opex": "outsourcing",
            "order": "1",
        },
    )
    option = Option.objects.get(name="By hand")
    for kind, data in (
        ("costs", {"name": "Build", "kind": "capex", "prices": "real", "values": "2025 1,000,000"}),
        (
            "costs",
            {
                "name": "Contract",
                "kind": "opex",
                "prices": "nominal",
                "values": "2026 204000\n2027 208080",
            },
        ),
        (
            "benefits",
            {
                "name": "Savings",
                "prices": "real",
                "values": "2054 500000\n2055 500000\n2056 500000",
            },
        ),
        ("benefits", {"name": "Nominal benefit", "prices": "nominal", "values": "2026/27 102000"}),
    ):
        assert client.post(f"{option.get_absolute_url()}{kind}/new/", data).status_code == 302

    def shown(value):  # the command's string as the pages show it
        return "-" * value.startswith("-") + f"£{D(value.lstrip('-')):,.2f}"

    html = client.get(case_url(world)).content.decode()
    figures = page_figures(html)
    for name in ("pv_costs", "optimism_bias_pv", "pv_benefits", "npsv"):
        assert figures[name][-1] == shown(HAND[name])
    assert figures["bcr"][-1] == HAND["bcr"]
    detail = client.get(option.get_absolute_url()).content.decode()
    for page in (html, detail):
        for pv, switching in HAND_LINES.values():
            assert shown(pv) in page
            assert f"{D(switching):,.2f}%" in page
    assert "0.3459" in detail and "£172,950.68" in detail  # year 31: 500,000 x DF(31)

    workbook = load_workbook(io.BytesIO(client.get(case_url(world, "economic-case.xlsx")).content))
    summary = workbook["Summary"]
    header = [cell.value for cell in summary[4]]
    row = next(r for r in summary.iter_rows(min_row=5, values_only=True) if r[0] == "By hand")
    assert [
        D(str(row[header.index(title)]))
        for title in (
            "PV costs (incl. optimism bias)",
            "of which optimism bias",
            "PV benefits",
            "NPSV",
            "BCR",
        )
    ] == [D(HAND[name]) for name in ("pv_costs", "optimism_bias_pv", "pv_benefits", "npsv", "bcr")]
    sheet = workbook["By hand"]
    columns = [cell.value for cell in sheet[5]]
    for line in sheet.iter_rows(min_row=6, max_row=9, values_only=True):
        pv, switching = HAND_LINES[line[0]]
        assert D(str(line[columns.index("Present value")])) == D(pv)
        assert round(D(str(line[columns.index("Switching value")])) * 100, 2) == D(switching)


def test_a_deflator_too_large_to_keep_is_refused_naming_its_year(client, world, case):
    client.force_login(world.alice)
    response = client.post(
        case_url(world, "deflators/"), {"series": "2025/26 100\n2026/27 1000000000"}
    )
    assert response.status_code == 200
    assert "The deflator for 2026/27: Ensure that there are no more than 8 digits" in (
        response.content.decode()
    )
    assert not Deflator.objects.filter(initiative=world.initiative).exists()  # all or nothing
    assert client.get(case_url(world)).status_code == 200


def test_a_case_not_yet_started_says_so_rather_than_showing_empty_tables(client, world):
    client.force_login(world.dave)
    page = client.get(case_url(world)).content.decode()
    assert 'id="increments"' not in page and 'id="net-flows"' not in page
    assert "There is no option besides business as usual yet." in page
    assert "No option can be appraised yet: add cost and benefit lines to an option." in page
