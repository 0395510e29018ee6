"""The table printed under every chart over time in highlight reports, board packs and
closure reports: the same columns and figures as the chart."""

import datetime
from decimal import Decimal

from realise.documents.blocks import series_table

ROWS = [
    {
        "period": "2025-26",
        "planned": Decimal("1200.5"),
        "actual": Decimal("1000"),
        "forecast": Decimal("1250"),
        "cumulative_planned": Decimal("1200.5"),
        "cumulative_actual": Decimal("1000"),
        "start": datetime.date(2025, 4, 1),
    },
    {
        "period": "2026-27",
        "planned": Decimal("800"),
        "actual": None,
        "forecast": Decimal("800"),
        "cumulative_planned": Decimal("2000.5"),
        "cumulative_actual": None,
        "start": datetime.date(2026, 4, 1),
    },
]


def labels(block) -> list[str]:
    return [column["label"] for column in block["columns"]]


def test_with_a_forecast_each_period_has_six_columns():
    block = series_table("Money planned and realised by month", "money", ROWS, "Month")
    assert block["caption"] == "Money planned and realised by month: the chart's figures"
    assert labels(block) == [
        "Month",
        "Planned",
        "Realised",
        "Forecast",
        "Planned, cumulative",
        "Realised, cumulative",
    ]
    assert [column["numeric"] for column in block["columns"]] == [False] + [True] * 5
    assert block["rows"][0] == [
        "2025-26",
        "£1,200.50",
        "£1,000.00",
        "£1,250.00",
        "£1,200.50",
        "£1,000.00",
    ]
    assert block["rows"][1][0] == "2026-27" and block["rows"][1][3] == "£800.00"


def test_without_a_forecast_the_column_is_left_out():
    block = series_table("Hours", "hours", ROWS, "Financial year", forecast=False)
    assert labels(block) == [
        "Financial year",
        "Planned",
        "Realised",
        "Planned, cumulative",
        "Realised, cumulative",
    ]
    assert len(block["rows"][0]) == 5
