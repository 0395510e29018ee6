"""The charts: one drawn from the same figures again is the drawing kept from the first
time, and any figure, word, format or language that differs draws it anew; their words,
months included, are in the language of the page."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import translation

from realise.core import charts as core_charts
from realise.reports import charts


@pytest.fixture(autouse=True)
def _no_drawings_kept():
    core_charts._drawings.clear()
    yield
    core_charts._drawings.clear()


@pytest.fixture
def drawings():
    """How many charts are drawn (each drawing opens one figure)."""
    with mock.patch.object(charts, "drawing", wraps=charts.drawing) as drawing:
        yield drawing


def months(actual: str = "900") -> list[dict]:
    return [
        {
            "period": "2026/27",
            "planned": Decimal("1000"),
            "actual": Decimal(actual),
            "forecast": Decimal("950"),
            "complete": False,
        },
        {
            "period": "2027/28",
            "planned": Decimal("1200"),
            "actual": None,
            "forecast": Decimal("0"),
            "complete": False,
        },
    ]


def draw(rows, **kwargs) -> bytes:
    return charts.over_time(rows, measure=kwargs.pop("measure", "money"), title="Money", **kwargs)


def test_the_same_figures_are_drawn_once(drawings):
    first = draw(months())
    again = draw(months())
    assert again == first
    assert drawings.call_count == 1


def test_a_changed_figure_is_drawn_anew_and_shows(drawings):
    before = draw(months("900"))
    after = draw(months("901"))
    assert drawings.call_count == 2
    assert after != before
    # The same value as another type, or another title, format or measure, is another chart.
    draw(months("900")[:1] + [{**months()[1], "actual": 0}])
    charts.over_time(months(), measure="money", title="Money to date")
    charts.over_time(months(), measure="money", title="Money", fmt="png")
    charts.over_time(months(), measure="hours", title="Money")
    assert drawings.call_count == 6
    assert draw(months("900")) == before
    assert drawings.call_count == 6


def test_each_language_has_its_own_drawing(drawings):
    english = draw(months())
    with translation.override("cy"):
        welsh = draw(months())
    assert drawings.call_count == 2
    assert welsh != english
    assert b"Planned" in english and b"Planned" not in welsh


def test_only_the_last_charts_are_kept(drawings):
    for value in range(core_charts.KEPT_DRAWINGS + 1):
        draw(months(str(value)))
    assert len(core_charts._drawings) == core_charts.KEPT_DRAWINGS
    draw(months(str(core_charts.KEPT_DRAWINGS)))  # the last: kept
    assert drawings.call_count == core_charts.KEPT_DRAWINGS + 1
    draw(months("0"))  # the first: let go, so drawn again
    assert drawings.call_count == core_charts.KEPT_DRAWINGS + 2


def test_figures_that_are_not_plain_data_are_drawn_every_time(drawings):
    rows = [{**months()[0], "period": object()}]
    with pytest.raises(TypeError):
        core_charts._plain(rows)
    with pytest.raises(TypeError):
        core_charts._plain({1: "a key that is not a word"})
    rows = months()
    rows[0]["period"] = type("Period", (), {"__str__": lambda self: "2026/27"})()
    draw(rows)
    draw(rows)
    assert drawings.call_count == 2


def test_a_benefits_months_are_named_in_the_language_of_the_page():
    rows = [
        {
            "period": datetime.date(2026, month, 1),
            "baseline_to_date": None,
            "planned_to_date": Decimal(100 * month),
            "actual_to_date": Decimal(90 * month),
        }
        for month in (4, 5, 6)
    ]
    english = charts.cumulative(rows, unit="GBP", title="Savings")
    with translation.override("cy"):
        welsh = charts.cumulative(rows, unit="GBP", title="Arbedion")
    assert b"Apr 2026" in english and b"Jun 2026" in english
    assert b"Ebr 2026" in welsh and b"Meh 2026" in welsh
    assert b"Apr 2026" not in welsh


def test_values_that_are_equal_but_written_differently_are_keys_apart():
    assert core_charts._plain([Decimal("1.0")]) != core_charts._plain([Decimal("1.00")])
    assert core_charts._plain([1]) != core_charts._plain([True])
    assert core_charts._plain(["1"]) != core_charts._plain([1])
    utc = datetime.datetime(2026, 4, 1, 12, tzinfo=datetime.UTC)
    london = utc.astimezone(datetime.timezone(datetime.timedelta(hours=1)))
    assert utc == london
    assert core_charts._plain([utc]) != core_charts._plain([london])
    assert core_charts._plain({"a": [Decimal("2")]}) == core_charts._plain({"a": [Decimal("2")]})


def test_a_title_people_typed_is_drawn_as_written_not_as_mathematics():
    """A benefit's title such as "Save $5m or $6m" would be read as mathematics between its
    dollar signs (and "$\\frac$" would fail to draw)."""
    rows = [
        {
            "period": datetime.date(2026, 4, 1),
            "baseline_to_date": None,
            "planned_to_date": Decimal(100),
            "actual_to_date": Decimal(90),
        }
    ]
    drawn = charts.cumulative(rows, unit="GBP", title="Save $5m or $6m").decode()
    assert "Save $5m or $6m" in drawn
    assert charts.cumulative(rows, unit="GBP", title=r"Spend $\frac$ or not").startswith(b"<?xml")
