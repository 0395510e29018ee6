# ruff: noqa: F811 - pytest fixtures imported from dashboard_world
"""A board's downloads are the tables it shows: the financial steering group's page shows
money only, so asking it for the hours over time is "not found", never a server error
(register: tests/reports/dashboard_world.py)."""

from decimal import Decimal

from tests.factories import GovernanceBodyFactory
from tests.reports.dashboard_world import (  # noqa: F401 - fixtures
    csv_rows,
    fresh_cache,
    register,
)

D = Decimal


def steering_group(register):
    return GovernanceBodyFactory(
        collaboration=register.collab, slug="money-board", body_type="financial_steering"
    )


def test_the_hours_of_a_money_only_board_are_not_a_download(client, register):
    steering_group(register)
    client.force_login(register.alice)
    url = "/dashboards/boards/money-board/"
    assert "table=over-time-hours" not in client.get(url).content.decode()
    for fmt in ("csv", "xlsx"):
        response = client.get(f"{url}?_export={fmt}&table=over-time-hours")
        assert response.status_code == 404, fmt


def test_its_money_over_time_still_downloads(client, register):
    steering_group(register)
    client.force_login(register.alice)
    rows = csv_rows(client.get("/dashboards/boards/money-board/?_export=csv&table=over-time-money"))
    assert rows[0][:3] == ["Period", "Planned", "Realised"]
    # £1,000 a month planned January to June 2024: three months in each financial year.
    # January to March realised 900 + 1,000 + 950 and the £1,150 never planned; April to
    # June £1,000 each.
    assert rows[1:] == [
        ["2023/24", D("3000.00"), D("4000.00"), D("4000.00"), D("3000.00"), D("4000.00")],
        ["2024/25", D("3000.00"), D("3000.00"), D("3000.00"), D("6000.00"), D("7000.00")],
    ]


def test_a_board_with_money_and_hours_offers_both(client, register):
    GovernanceBodyFactory(collaboration=register.collab, slug="pb", body_type="programme_board")
    client.force_login(register.alice)
    for measure in ("money", "hours"):
        response = client.get(f"/dashboards/boards/pb/?_export=csv&table=over-time-{measure}")
        assert response.status_code == 200, measure
