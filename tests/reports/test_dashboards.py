# ruff: noqa: F811 - pytest fixtures imported from dashboard_world
"""The national, collaboration and force dashboards show the engine's figures for the
cut chosen, to the people allowed to see them (register: tests/reports/dashboard_world.py)."""

import datetime
from decimal import Decimal

import pytest

from realise.benefits.realisation import RealisationFilter, measure_summaries
from tests.factories import BenefitFactory, UserFactory, actual, member, plan
from tests.reports.dashboard_world import (  # noqa: F401 - fixtures
    csv_rows,
    fresh_cache,
    month,
    page_tables,
    register,
    rows_of,
    table_with,
)

D = Decimal
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "dashboard-results"}


@pytest.fixture
def admin(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def headline(response) -> dict[str, list]:
    """{'Money (£)': [planned total, planned to date, realised, of which outside the plan,
    %, forecast, RAG], ...}"""
    rows = rows_of(table_with(response, "Money and hours planned")[1:])
    return {row[0]: row[1:] for row in rows}


def test_signing_in_is_needed(client, register):
    response = client.get("/dashboards/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_national_headline_is_the_worked_example(client, register, admin):
    client.force_login(admin)
    figures = headline(client.get("/dashboards/"))
    # Money: £6,000 + £500 planned; £5,850 + £1,150 + £400 realised; never added to hours.
    # The £1,150 has no plan: shown apart, and the percentage is like for like,
    # (5,850 + 400) / 6,500 = 96.15% (not 7,400 / 6,500 = 113.85%).
    assert figures["Money (£)"][:6] == [
        D("6500.00"),
        D("6500.00"),
        D("7400.00"),
        D("1150.00"),
        D("96.15"),
        D("7400.00"),
    ]
    assert figures["Money (£)"][6] == "Green"
    assert figures["Hours"][:5] == [D("600.00"), D("600.00"), D("300.00"), D("0.00"), D("50.00")]
    assert figures["Hours"][6] == "Red"


def test_page_figures_equal_the_engine(client, register, admin):
    client.force_login(admin)
    response = client.get("/dashboards/collaborations/ek/")
    engine = measure_summaries(RealisationFilter(collaboration=register.collab), include_trend=True)
    figures = headline(response)
    for name, summary in (("Money (£)", engine["money"]), ("Hours", engine["hours"])):
        assert figures[name][:6] == [
            summary.planned_total,
            summary.planned_to_date,
            summary.actual_to_date,
            summary.outside_plan,
            summary.percent_of_plan_to_date,
            summary.forecast_total,
        ]
    slices = {(row[0], row[1]): row[2:] for row in rows_of(table_with(response, "Identified")[1:])}
    assert slices[("Money (£)", "Not identified in the business case")] == [D("0.00"), D("1150.00")]
    outside = ("Money (£)", "Realised outside the plan (benefits with no planned profile)")
    assert slices[outside] == [D("0.00"), D("1150.00")]
    assert slices[("Money (£)", "Cashable")] == [
        engine["money"].cashable.planned_total,
        engine["money"].cashable.actual_to_date,
    ]
    forecasts = {row[0]: row[1:] for row in rows_of(table_with(response, "Forecasts")[1:])}
    assert forecasts["Money (£)"][2] == engine["money"].trend_forecast_total


def test_each_forces_share_to_the_penny(client, register, admin):
    client.force_login(admin)
    rows = rows_of(table_with(client.get("/dashboards/collaborations/ek/"), "Each force")[1:])
    by_force = {row[0]: row for row in rows}
    assert by_force["Essex"][4] == D("3311.00")  # money realised to date
    assert by_force["Kent"][4] == D("3689.00")
    assert by_force["Essex"][8] == D("141.90")  # hours realised to date
    assert by_force["Kent"][8] == D("158.10")
    assert by_force["Essex"][4] + by_force["Kent"][4] == D("7000.00")


def test_hours_read_alike_down_the_force_table(client, register, admin):
    """Every figure of hours has two decimal places, as pounds do: '141.90 hours' beside
    '158.10 hours' and '300.00 hours', never '141.9 hours' beside '158.1 hours'."""
    client.force_login(admin)
    rows = table_with(client.get("/dashboards/collaborations/ek/"), "Each force")
    by_force = {row[0]: row for row in rows[1:]}
    assert by_force["Essex"][7:9] == ["283.80 hours", "141.90 hours"]
    assert by_force["Kent"][7:9] == ["316.20 hours", "158.10 hours"]
    figures = [cell for row in rows[1:] for cell in row if cell.endswith(" hours")]
    assert figures and all(cell.split(" ")[0].split(".")[1].isdigit() for cell in figures)
    assert all(len(cell.split(" ")[0].split(".")[1]) == 2 for cell in figures)


def test_each_sub_category_is_like_for_like_against_plan_to_date(client, register, admin):
    """A sub-category's percentage follows the headline's rule: what its benefits with a
    plan realised against their plan to date. Neither the months still to come nor what a
    benefit with no plan realised bends it; the latter is shown apart."""
    from realise.documents.board_pack import subcategory_table
    from realise.reports import dashboards

    later = datetime.date(datetime.date.today().year + 2, 1, 1)
    plan(register.saving, later, ["1000"] * 3)  # £3,000 planned, not yet due
    unplanned = BenefitFactory(
        initiative=register.initiative,
        reference="EK-5",
        title="Stationery bought together",
        identified_in_business_case=False,
    )
    actual(unplanned, month(3), "2000")
    client.force_login(admin)
    response = client.get("/dashboards/")
    rows = table_with(response, "By sub-category")
    assert rows[0] == [
        "Measure",
        "Sub-category",
        "Planned in total",
        "Planned to date",
        "Realised to date",
        "Of which realised outside the plan",
        "Realised as % of plan to date (benefits with a plan, like for like)",
    ]
    by_code = {row[1][:2]: row[2:] for row in rows_of(rows[1:])}
    # 1a: £6,000 + £3,000 + £500 planned, £6,500 of it to date; £5,850 + £400 realised
    # against it, 96.2% (not £8,250 of £9,500, 86.8%); EK-5's £2,000 apart.
    assert by_code["1a"] == [D("9500.00"), D("6500.00"), D("8250.00"), D("2000.00"), D("96.15")]
    assert by_code["1c"] == [D("0.00"), D("0.00"), D("1150.00"), D("1150.00"), ""]
    assert by_code["1b"] == [D("600.00"), D("600.00"), D("300.00"), D("0.00"), D("50.00")]
    download = csv_rows(client.get("/dashboards/?_export=csv&table=subcategories"))
    assert {row[1][:2]: row[2:] for row in download[1:]} == by_code

    # The board pack's table says the same.
    figures = dashboards.Figures(dashboards.Cut(RealisationFilter(), dashboards.Scope(None, "all")))
    summaries = figures.summaries()
    table = subcategory_table(summaries, ("money", "hours"), figures)
    assert table["columns"][-1]["label"] == "% of plan to date (benefits with a plan)"
    assert [row[1:] for row in table["rows"]][0] == [
        "£9,500.00",
        "£6,500.00",
        "£8,250.00",
        "£2,000.00",
        "96.2%",
    ]


def test_force_view_is_that_forces_share_of_each_collaboration(client, register, admin):
    client.force_login(admin)
    response = client.get("/dashboards/forces/essex/")
    assert "What collaboration has given Essex" in response.content.decode()
    figures = headline(response)
    assert figures["Money (£)"][0] == D("2838.00")  # 47.3% of £6,000 planned
    assert figures["Money (£)"][2] == D("3311.00")
    by_collaboration = rows_of(table_with(response, "By collaboration")[1:])
    assert by_collaboration[0][:3] == ["Essex and Kent Serious Crime", D("2838.00"), D("3311.00")]


@pytest.mark.parametrize("path", ["/dashboards/forces/essex/", "/dashboards/collaborations/ek/"])
def test_a_page_with_its_trend_works_the_summaries_out_once(
    client, register, admin, path, monkeypatch, settings
):
    """The headline, slices and series are read from the summaries worked out for the
    trend: one pass of the engine over the whole cut (the sub-categories' plan to date
    included), the same figures."""
    from realise.reports import dashboards

    client.force_login(admin)
    expected = headline(client.get(path))
    calls = []
    real = dashboards.engine.measure_summaries

    def counted(filters, *args, **kwargs):
        calls.append((kwargs.get("include_trend"), filters.subcategories))
        return real(filters, *args, **kwargs)

    monkeypatch.setattr(dashboards.engine, "measure_summaries", counted)
    settings.REALISE_DASHBOARD_CACHE_SECONDS = 0  # nothing is read from the cache
    response = client.get(path)
    assert calls == [(True, ())]
    assert headline(response) == expected
    assert "Forecasts of the total" in response.content.decode()


def test_htmx_gets_only_the_results(client, register, admin):
    client.force_login(admin)
    full = client.get("/dashboards/?subcategory=1b")
    fragment = client.get("/dashboards/?subcategory=1b", **HTMX)
    assert "<html" in full.content.decode() and 'id="dashboard-results"' in full.content.decode()
    assert "<html" not in fragment.content.decode()
    assert "Filter the figures" not in fragment.content.decode()
    assert headline(fragment) == headline(full)
    assert 'hx-get="/dashboards/"' in full.content.decode()
    assert 'hx-push-url="true"' in full.content.decode()


@pytest.mark.parametrize(
    "query, money_planned, money_realised",
    [
        ("subcategory=1b", "0.00", "0.00"),
        ("cashable=yes", "6000.00", "5850.00"),
        ("identified=no", "0.00", "1150.00"),
        ("period_from=2024-02&period_to=2024-03", "2000.00", "3100.00"),
        ("collaboration=ns", "500.00", "400.00"),
        ("initiative=joint-vetting", "6000.00", "7000.00"),
        ("force=kent", "3162.00", "3689.00"),
        ("stage=2", "6000.00", "7000.00"),
        ("stage=4", "0.00", "0.00"),
        ("status=realising", "0.00", "0.00"),
    ],
)
def test_filters(client, register, admin, query, money_planned, money_realised):
    client.force_login(admin)
    figures = headline(client.get(f"/dashboards/?{query}"))
    assert figures["Money (£)"][0] == D(money_planned)
    assert figures["Money (£)"][2] == D(money_realised)


def test_a_bad_month_is_explained_and_ignored(client, register, admin):
    client.force_login(admin)
    response = client.get("/dashboards/?period_from=2024-13")
    assert "Enter a month as YYYY-MM" in response.content.decode()
    assert headline(response)["Money (£)"][0] == D("6500.00")


def test_qualitative_benefits_are_counted_by_status(client, register, admin):
    client.force_login(admin)
    rows = rows_of(table_with(client.get("/dashboards/"), "Qualitative benefits")[1:])
    assert ["Realising", D("1.00")] in rows


def test_slow_parts_load_after_the_page_nationally(client, register, admin):
    client.force_login(admin)
    page = client.get("/dashboards/").content.decode()
    assert 'hx-get="/dashboards/?section=forces"' in page
    assert 'href="/dashboards/?section=forces"' in page  # the link without JavaScript
    section = client.get("/dashboards/?section=forces", HTTP_HX_REQUEST="true")
    assert "<html" not in section.content.decode()
    rows = {row[0]: row for row in rows_of(table_with(section, "Each force")[1:])}
    assert rows["Norfolk"][4] == D("240.00")
    without_js = client.get("/dashboards/?section=forces")
    assert (
        "<html" in without_js.content.decode()
        and "Back to the dashboard" in without_js.content.decode()
    )
    # Once worked out, the part is cached and shown in the page itself.
    assert "Each force's share" in [
        caption for caption, _ in page_tables(client.get("/dashboards/"))
    ]


def test_table_by_initiative_with_rag(client, register, admin):
    client.force_login(admin)
    response = client.get("/dashboards/collaborations/ek/")
    rows = rows_of(table_with(response, "By initiative")[1:])
    assert rows[0][0] == "Joint vetting"
    assert rows[0][2:4] == [D("6000.00"), D("7000.00")]
    assert "Red" in rows[0]  # the hours benefit is at half its plan


def test_figures_change_as_soon_as_the_data_does(client, register, admin):
    client.force_login(admin)
    assert headline(client.get("/dashboards/"))["Money (£)"][2] == D("7400.00")
    actual(register.ns_saving, month(2), "100")
    assert headline(client.get("/dashboards/"))["Money (£)"][2] == D("7500.00")


def test_a_second_look_comes_from_the_cache(client, register, admin, django_assert_max_num_queries):
    client.force_login(admin)
    client.get("/dashboards/")
    with django_assert_max_num_queries(8):
        client.get("/dashboards/")


# Visibility ----------------------------------------------------------------------------------


def test_norfolk_never_sees_the_private_essex_kent_figures(client, register):
    client.force_login(register.nora)
    national = client.get("/dashboards/")
    figures = headline(national)
    assert figures["Money (£)"][0] == D("500.00")
    assert figures["Money (£)"][2] == D("400.00")
    text = national.content.decode()
    assert "Essex and Kent" not in text and "Joint vetting" not in text
    assert client.get("/dashboards/collaborations/ek/").status_code == 404
    assert client.get("/dashboards/?collaboration=ek").status_code == 200
    assert headline(client.get("/dashboards/?collaboration=ek"))["Money (£)"][2] == D("400.00")
    assert client.get("/dashboards/charts/over-time-money.svg?collaboration=ek").status_code == 404
    essex = client.get("/dashboards/forces/essex/")
    assert headline(essex)["Money (£)"][2] == D("0.00")
    csv = client.get("/dashboards/?_export=csv&table=headline").content.decode()
    assert "7400.00" not in csv and "400.00" in csv
    section = client.get("/dashboards/?section=forces").content.decode()
    assert "Essex" not in section


def test_members_see_their_private_collaboration(client, register):
    client.force_login(register.bob)
    assert headline(client.get("/dashboards/"))["Money (£)"][2] == D("7400.00")
    assert client.get("/dashboards/collaborations/ek/").status_code == 200


def test_users_who_see_the_same_collaborations_share_cached_figures(client, register):
    dora = member("dora", "Norfolk", "viewer")
    client.force_login(register.nora)
    client.get("/dashboards/")
    client.force_login(dora)
    assert headline(client.get("/dashboards/"))["Money (£)"][2] == D("400.00")


# Charts ------------------------------------------------------------------------------------


def test_charts_are_svg_from_their_own_url_beside_their_table(client, register, admin):
    client.force_login(admin)
    page = client.get("/dashboards/collaborations/ek/")
    text = page.content.decode()
    assert 'src="/dashboards/charts/over-time-money.svg?collaboration=ek"' in text
    assert (
        'alt="Bar chart of money (£) planned and realised by financial year, 2023/24 to 2024/25'
        in text
    )
    assert "data:" not in text
    rows = rows_of(table_with(page, "Money (£) planned and realised by financial year")[1:])
    assert rows == [
        ["2023/24", D("3000.00"), D("4000.00"), D("4000.00"), D("3000.00"), D("4000.00")],
        ["2024/25", D("3000.00"), D("3000.00"), D("3000.00"), D("6000.00"), D("7000.00")],
    ]
    svg = client.get("/dashboards/charts/over-time-money.svg?collaboration=ek")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content and b"planned and realised" in svg.content
    png = client.get("/dashboards/charts/forces-hours.png?collaboration=ek")
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert client.get("/dashboards/charts/nothing.svg").status_code == 404


def test_over_time_by_quarter_and_month(client, register, admin):
    client.force_login(admin)
    quarters = client.get("/dashboards/collaborations/ek/?period=quarter")
    rows = rows_of(table_with(quarters, "Money (£) planned and realised by financial quarter")[1:])
    assert [row[0] for row in rows] == ["2023/24 Q4", "2024/25 Q1"]
    assert rows[0][1:3] == [D("3000.00"), D("4000.00")]
    months = client.get("/dashboards/collaborations/ek/?period=month")
    rows = rows_of(table_with(months, "Hours planned and realised by month")[1:])
    assert rows[0][:3] == ["2024-01", D("100.00"), D("100.00")]
    assert len(rows) == 6


def test_the_cached_page_is_kept_apart_for_each_language(client, register, admin):
    client.force_login(admin)
    english = client.get("/dashboards/", HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()
    welsh = client.get("/dashboards/", HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    assert "Headline figures" in english and "Prif ffigurau" not in english
    assert "Prif ffigurau" in welsh and "Headline figures" not in welsh
    again = client.get("/dashboards/", HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()
    assert "Headline figures" in again and "Prif ffigurau" not in again


@pytest.mark.parametrize(
    "query, chart_query",
    [
        ("period_from=2024-13", ""),
        ("period_from=2024-05&period_to=2024-02", "period_from=2024-05"),
        ("subcategory=9z&cashable=yes", "cashable=yes"),
    ],
)
def test_charts_leave_out_a_bad_value_as_the_tables_do(client, register, admin, query, chart_query):
    client.force_login(admin)
    text = client.get(f"/dashboards/?{query}").content.decode().replace("&amp;", "&")
    src = f'src="/dashboards/charts/over-time-money.svg?{chart_query}"'
    assert src in text
    chart = client.get(f"/dashboards/charts/over-time-money.svg?{chart_query}")
    assert chart.status_code == 200 and b"<svg" in chart.content
