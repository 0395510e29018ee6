# ruff: noqa: F811 - pytest fixtures imported from dashboard_world
"""Every dashboard table downloads as CSV and as XLSX with the numbers the page shows
(register: tests/reports/dashboard_world.py)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from realise.governance.models import Escalation
from tests.factories import (
    BenefitFactory,
    CollaborationFactory,
    GovernanceBodyFactory,
    InitiativeFactory,
    UserFactory,
    actual,
    plan,
    share,
)
from tests.reports.dashboard_world import (  # noqa: F401 - fixtures
    csv_rows,
    fresh_cache,
    page_tables,
    register,
    rows_of,
    table_with,
    xlsx_rows,
)

D = Decimal


@pytest.fixture
def admin(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def download_names(response) -> list[str]:
    """The tables the page offers as downloads, in page order."""
    text = response.content.decode()
    names = []
    for part in text.split("_export=csv&amp;table=")[1:]:
        name = part.split('"', 1)[0]
        if name not in names:
            names.append(name)
    return names


def check_page(client, url: str) -> int:
    """Every table of the page equals its CSV and its XLSX download, row for row."""
    page = client.get(url)
    assert page.status_code == 200
    tables = [rows for _caption, rows in page_tables(page)]
    names = download_names(page)
    assert len(names) == len(tables)
    joiner = "&" if "?" in url else "?"
    for name, shown in zip(names, tables, strict=True):
        shown = rows_of(shown)
        as_csv = client.get(f"{url}{joiner}_export=csv&table={name}")
        as_xlsx = client.get(f"{url}{joiner}_export=xlsx&table={name}")
        assert as_csv["Content-Type"].startswith("text/csv")
        assert as_xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
        assert 'filename="' in as_csv["Content-Disposition"]
        from_csv, from_xlsx = csv_rows(as_csv), xlsx_rows(as_xlsx)
        assert from_csv == from_xlsx, name
        assert from_csv[0] == shown[0], name  # the same columns
        # The page shows a page of rows; each of them is in the download, equal.
        for row in shown[1:]:
            assert row in from_csv[1:], (name, row)
    return len(names)


def test_national_dashboard_tables_equal_their_downloads(client, register, admin):
    client.force_login(admin)
    assert check_page(client, "/dashboards/") >= 6
    assert check_page(client, "/dashboards/?section=forces") == 1
    assert check_page(client, "/dashboards/?section=groups") == 1


def test_collaboration_dashboard_tables_equal_their_downloads(client, register, admin):
    client.force_login(admin)
    assert check_page(client, "/dashboards/collaborations/ek/?period=month") >= 9


def test_force_view_tables_equal_their_downloads(client, register, admin):
    client.force_login(admin)
    assert check_page(client, "/dashboards/forces/kent/?cashable=no") >= 7


@pytest.mark.parametrize(
    "body_type", ["financial_steering", "programme_board", "cc_board", "summit"]
)
def test_board_tables_equal_their_downloads(client, register, admin, body_type):
    client.force_login(admin)
    GovernanceBodyFactory(collaboration=register.collab, slug="the-board", body_type=body_type)
    assert check_page(client, "/dashboards/boards/the-board/") >= 3


def test_the_download_has_every_row_and_plain_numbers(client, register, admin):
    client.force_login(admin)
    rows = csv_rows(client.get("/dashboards/?_export=csv&table=headline"))
    assert rows[0][:4] == ["Measure", "Planned in total", "Planned to date", "Realised to date"]
    assert rows[1][:4] == ["Money (£)", D("6500.00"), D("6500.00"), D("7400.00")]
    raw = client.get("/dashboards/?_export=csv&table=headline").content.decode()
    assert "6500.00" in raw and "£" not in raw.split("\n", 1)[1].replace("Money (£)", "")


def test_unknown_downloads_are_not_found(client, register, admin):
    client.force_login(admin)
    assert client.get("/dashboards/?_export=csv&table=nothing").status_code == 404
    assert client.get("/dashboards/?_export=pdf&table=headline").status_code == 404
    assert client.get("/dashboards/forces/kent/?_export=csv&table=forces").status_code == 404


def test_the_xlsx_download_reads_as_the_page_with_as_at_and_filters(client, register, admin):
    import io

    from openpyxl import load_workbook

    client.force_login(admin)
    response = client.get("/dashboards/forces/kent/?cashable=no&_export=xlsx&table=headline")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet["A1"].value.startswith("Money and hours planned")
    assert sheet["A2"].value.startswith("As at ")
    assert "Force: Kent" in sheet["A3"].value and "Cashable: no" in sheet["A3"].value
    assert sheet["A5"].value == "Measure" and sheet["A6"].value == "Money (£)"
    # Pounds stay numbers, written with a £ format; hours with separators; % to one place.
    assert isinstance(sheet["B6"].value, int | float) and "£" in sheet["B6"].number_format
    assert sheet["A7"].value == "Hours" and sheet["B7"].number_format == "#,##0.00"
    national = client.get("/dashboards/?_export=xlsx&table=headline")
    sheet = load_workbook(io.BytesIO(national.content)).worksheets[0]
    assert sheet["A3"].value == "Filters: none (everything)"
    header = [cell.value for cell in sheet[5]]
    percent = next(i for i, h in enumerate(header, 1) if h.startswith("Realised as %"))
    # 96.15 (the worked example of the headline), shown as 96.2% and kept exact.
    assert sheet.cell(row=6, column=percent).value == 96.15
    assert sheet.cell(row=6, column=percent).number_format == '0.0"%"'


def test_wide_tables_scroll_in_a_focusable_region_named_by_their_caption(client, register, admin):
    import re

    client.force_login(admin)
    for url in ("/dashboards/", "/dashboards/collaborations/ek/?period=month"):
        html = client.get(url).content.decode()
        regions = re.findall(
            r'<div class="govuk-table-wrapper" role="region" aria-labelledby="([^"]+)" '
            r'tabindex="0">',
            html,
        )
        assert len(regions) >= 4
        for caption_id in regions:
            # Each region is named by its own table's caption, one id per page.
            assert html.count(f'id="{caption_id}"') == 1, caption_id
            assert (
                f'<caption class="govuk-table__caption govuk-table__caption--s" id="{caption_id}">'
                in html
            )


def test_the_csv_keeps_english_columns_in_welsh_while_the_page_and_xlsx_are_welsh(
    client, register, admin
):
    client.force_login(admin)
    english = client.get("/dashboards/?_export=csv&table=headline").content
    client.post("/language/", {"language": "cy", "next": "/dashboards/"})
    welsh = client.get("/dashboards/?_export=csv&table=headline")
    assert welsh.content == english  # the same columns, words and figures
    assert csv_rows(welsh)[0][:2] == ["Measure", "Planned in total"]
    benefits = client.get("/dashboards/?_export=csv&table=subcategories").content.decode()
    assert "1a Savings: money" in benefits and "Arbedion" not in benefits
    page = client.get("/dashboards/").content.decode()
    assert "Wedi’i gynllunio i gyd" in page and "Arian (£)" in page
    assert ">Planned in total<" not in page
    assert "1a Arbedion: arian" in page
    book = load_workbook(io.BytesIO(client.get("/dashboards/?_export=xlsx&table=headline").content))
    sheet = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    assert str(sheet[1][0]).startswith("Yn gywir ar ")
    assert sheet[4][:2] == ["Mesur", "Wedi’i gynllunio i gyd"]
    assert sheet[5][0] == "Arian (£)"
    for fmt in ("svg", "png"):  # the charts are drawn in Welsh too (and cached apart)
        chart = client.get(reverse("dashboard-chart", args=["over-time-money", fmt]))
        assert chart.status_code == 200 and chart.content


def test_the_over_time_downloads_carry_plain_pounds_and_hours(client, register, admin):
    client.force_login(admin)
    url = "/dashboards/collaborations/ek/?period=quarter"
    money = client.get(f"{url}&_export=csv&table=over-time-money").content.decode()
    assert money.splitlines()[1] == "2023/24 Q4,3000.00,4000.00,4000.00,3000.00,4000.00"
    assert "£" not in money
    hours = client.get(f"{url}&_export=csv&table=over-time-hours").content.decode()
    assert hours.splitlines()[1] == "2023/24 Q4,300.00,300.00,300.00,300.00,300.00"
    assert "hours" not in hours.lower().split("\n", 1)[1]
    for table, planned, number_format in (
        ("over-time-money", 3000, "£"),
        ("over-time-hours", 300, "#,##0.00"),
    ):
        response = client.get(f"{url}&_export=xlsx&table={table}")
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        assert sheet["A6"].value == "2023/24 Q4"
        assert sheet["B6"].value == planned  # a number, not text
        assert number_format in sheet["B6"].number_format
    page = client.get(url).content.decode()  # the page still reads as pounds and hours
    assert "£3,000.00" in page and "300.00 hours" in page


def test_items_escalated_download_as_csv_and_xlsx(client, register, admin):
    client.force_login(admin)
    summit = GovernanceBodyFactory(
        collaboration=register.collab, name="EK summit", slug="the-board", body_type="summit"
    )
    board = GovernanceBodyFactory(
        collaboration=register.collab, name="EK programme board", slug="pb"
    )
    Escalation.objects.create(
        from_body=board,
        to_body=summit,
        kind="benefit_off_track",
        benefit=register.hours,
        summary="Officer hours are at half the plan",
        raised_at=timezone.make_aware(datetime.datetime(2024, 5, 1, 10)),
    )
    Escalation.objects.create(
        from_body=board,
        to_body=summit,
        kind="decision_needed",
        summary="Which case management system?",
        raised_at=datetime.datetime(2024, 6, 30, 23, 30, tzinfo=datetime.UTC),
        resolved_at=datetime.datetime(2024, 7, 1, 23, 15, tzinfo=datetime.UTC),
    )
    url = "/dashboards/boards/the-board/"
    shown = rows_of(table_with(client.get(url), "Items escalated"))
    assert [row[0] for row in shown[1:]] == ["1 May 2024", "1 Jul 2024"]  # UK time
    expected = [
        shown[0],
        ["2024-05-01", *shown[1][1:]],
        ["2024-07-01", *shown[2][1:]],
    ]
    assert shown[1][-1] == "Open" and shown[2][-1] == "Resolved 2 Jul 2024"
    assert csv_rows(client.get(f"{url}?_export=csv&table=escalations")) == expected
    assert xlsx_rows(client.get(f"{url}?_export=xlsx&table=escalations")) == expected


def test_a_welsh_force_has_its_welsh_name_in_the_force_table_and_english_in_the_csv(client, admin):
    client.force_login(admin)
    wales = CollaborationFactory(name="Gwent and South Wales", slug="gw", visibility="policing")
    share(wales, "Gwent", "40")
    share(wales, "South Wales", "60")
    initiative = InitiativeFactory(collaboration=wales, name="Joint custody", slug="gw-custody")
    saving = BenefitFactory(initiative=initiative, reference="GW-1", title="Custody costs")
    plan(saving, datetime.date(2024, 1, 1), ["1000"])
    actual(saving, datetime.date(2024, 1, 1), "1000")
    url = "/dashboards/collaborations/gw/"
    english = csv_rows(client.get(f"{url}?_export=csv&table=forces"))
    client.post("/language/", {"language": "cy", "next": url})
    welsh = client.get(url)
    names = [row[0] for row in table_with(welsh, "Cyfran pob heddlu")[1:]]
    assert "Heddlu Gwent" in names and "Heddlu De Cymru" in names
    assert csv_rows(client.get(f"{url}?_export=csv&table=forces"))[1:] == english[1:]
    assert {row[0] for row in english[1:]} == {"Gwent", "South Wales"}


def test_the_xlsx_names_the_statuses_filtered_in_the_pages_language(client, register, admin):
    client.force_login(admin)
    url = "/dashboards/?status=realising&status=agreed&_export=xlsx&table=headline"
    sheet = load_workbook(io.BytesIO(client.get(url).content)).worksheets[0]
    assert "Statuses: Realising, Agreed" in sheet["A3"].value
    client.post("/language/", {"language": "cy", "next": "/dashboards/"})
    sheet = load_workbook(io.BytesIO(client.get(url).content)).worksheets[0]
    assert "Wedi’i gytuno" in sheet["A3"].value and "realising" not in sheet["A3"].value


def test_the_xlsx_tab_reads_as_the_tables_caption_in_the_pages_language(client, register, admin):
    client.force_login(admin)
    url = "/dashboards/?_export=xlsx&table=headline"
    english = load_workbook(io.BytesIO(client.get(url).content)).worksheets[0]
    assert english.title == english["A1"].value[:31].strip()
    assert english.title != "headline"
    client.post("/language/", {"language": "cy", "next": "/dashboards/"})
    welsh = load_workbook(io.BytesIO(client.get(url).content)).worksheets[0]
    assert welsh.title == welsh["A1"].value[:31].strip() and welsh.title != english.title
