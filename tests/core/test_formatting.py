"""Numbers written for people: one set of rules for pages, documents and downloads."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from realise.core import formatting


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("48200000.00"), "£48,200,000.00"),
        (Decimal("95833.3300000000"), "£95,833.33"),
        (Decimal("-1234.56"), "-£1,234.56"),
        (Decimal("-1234.565"), "-£1,234.57"),
        (Decimal("0.004"), "£0.00"),
        (Decimal("-0.004"), "£0.00"),
        (1234567.891, "£1,234,567.89"),
        (None, "–"),
    ],
)
def test_money_in_tables(value, text):
    assert formatting.money(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("48200000.00"), "£48.2m"),
        (Decimal("1234567.89"), "£1.23m"),
        (Decimal("41245000"), "£41.25m"),
        (Decimal("950000"), "£950k"),
        (Decimal("999999"), "£1m"),
        (Decimal("9540"), "£9.5k"),
        (Decimal("-1150000"), "-£1.15m"),
        (Decimal("812.5"), "£812.50"),
        (None, "–"),
    ],
)
def test_money_in_headline_panels(value, text):
    assert formatting.money_short(value) == text


def test_hours_percentages_shares_and_months():
    assert formatting.hours(Decimal("1234.50")) == "1,234.5 hours"
    assert formatting.hours(Decimal("1200.00")) == "1,200 hours"
    assert formatting.percent(Decimal("93.66")) == "93.7%"
    assert formatting.percent_of_fraction(0.93661) == "93.7%"
    assert formatting.percent(Decimal("181.25")) == "181.3%"
    assert formatting.share(Decimal("47.3000")) == "47.3%"
    assert formatting.share(Decimal("33.3333")) == "33.3333%"
    assert formatting.share(Decimal("25.00")) == "25%"
    assert formatting.month(datetime.date(2026, 11, 1)) == "Nov 2026"
    assert formatting.month("2026-11") == "Nov 2026"
    assert formatting.unit_value("GBP", Decimal("95833.3300000000")) == "£95,833.33"
    assert formatting.unit_value("count", Decimal("12.00")) == "12"


def test_two_percentages_differ_by_percentage_points():
    """75% less 76% is -1.0 percentage points, not -1.0% (1% of 76% would be 0.76 points)."""
    assert formatting.unit_difference("percent", Decimal("-1.00")) == "-1.0 percentage points"
    assert formatting.unit_difference("percent", Decimal("0.04")) == "0.0 percentage points"
    assert formatting.unit_difference("percent", None) == "–"
    assert formatting.unit_difference("GBP", Decimal("-1000.00")) == "-£1,000.00"
    assert formatting.unit_difference("count", Decimal("-5.00")) == "-5"


def test_a_number_of_days_is_singular_or_plural():
    assert [formatting.days(n) for n in (0, 1, 2, 30)] == ["0 days", "1 day", "2 days", "30 days"]
    with translation.override("cy"):
        # Welsh counts in the singular noun.
        assert [formatting.days(n) for n in (1, 2, 30)] == ["1 diwrnod", "2 diwrnod", "30 diwrnod"]


def test_template_filters_and_the_headline_keep_the_exact_figure():
    html = Template(
        "{% load realise_format %}{{ a|money }} | {% money_headline a %} | {{ p|percent }}"
        " | {{ d|month }} | {{ h|hours }}"
    ).render(
        Context(
            {
                "a": Decimal("48200000.00"),
                "p": Decimal("93.66"),
                "d": datetime.date(2026, 11, 1),
                "h": Decimal("1234.5"),
            }
        )
    )
    assert html.startswith("£48,200,000.00 | ")
    assert 'title="£48,200,000.00"' in html
    assert '<span class="govuk-visually-hidden">£48,200,000.00</span>' in html
    assert ">£48.2m</span>" in html
    assert "| 93.7% | Nov 2026 | 1,234.5 hours" in html


def test_older_helpers_follow_the_same_rules():
    from realise.appraisal.templatetags.appraisal_format import money_text
    from realise.documents import formats
    from realise.reports.dashboards import tables as dashboard_tables

    value = Decimal("-95833.3300000000")
    assert money_text(value) == formats.pounds(value) == dashboard_tables.money(value)
    assert formats.month_label(datetime.date(2026, 11, 1)) == "Nov 2026"
    assert formats.percent(Decimal("93.66")) == dashboard_tables.percent(Decimal("93.66"))
