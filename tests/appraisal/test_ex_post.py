"""Ex post: the business case appraised again with actuals in place of plan for past months.

The worked example, as at 15 November 2025 (so 2025/26 is the current financial year):

| year    | plan                 | ex post                                                  |
|---------|----------------------|----------------------------------------------------------|
| 2024/25 | 12 x 100 = 1,200     | actuals: 11 months of 90 (Feb 2025 missing: 0) = 990     |
| 2025/26 | 12 x 100 = 1,200     | actuals Apr-Oct 7 x 110 = 770 + plan Nov-Mar 5 x 100 = 1,270 |
| 2026/27 | 12 x 100 = 1,200     | plan 1,200                                               |

Costs: 2,000 in 2024/25 (year 0). Discount factors 1, 1/1.035 = 0.966184, 1/1.035^2 = 0.933511.
Business case: PV benefits 1,200 + 1,159.4203 + 1,120.2128 = 3,479.63; NPSV 1,479.63; BCR 1.74.
Ex post: PV benefits 990 + 1,227.0531 + 1,120.2128 = 3,337.27; NPSV 1,337.27; BCR 1.67.
"""

import datetime
from decimal import Decimal

import pytest

from realise.appraisal import services
from realise.appraisal.greenbook import format_decimal
from tests.factories import actual, force, plan

D = Decimal
AS_OF = datetime.date(2025, 11, 15)


def month(year, number):
    return datetime.date(year, number, 1)


@pytest.fixture
def option(world):
    plan(world.benefit, month(2024, 4), ["100"] * 36)
    # 2024/25: April split between two forces, February 2025 never recorded.
    actual(world.benefit, month(2024, 4), "40", force("Essex"))
    actual(world.benefit, month(2024, 4), "50", force("Kent"))
    for period in [month(2024, m) for m in range(5, 13)] + [month(2025, 1), month(2025, 3)]:
        actual(world.benefit, period, "90")
    # 2025/26: April to October recorded; November has begun but has not ended.
    for number in range(4, 11):
        actual(world.benefit, month(2025, number), "110")
    actual(world.benefit, month(2025, 11), "999")

    option = services.save_option(
        world.initiative, user=world.alice, name="Joint unit", first_year=2024
    )
    services.save_cost_line(
        option, user=world.alice, name="Build", kind="capex", values={2024: D("2000")}
    )
    services.save_benefit_line(option, user=world.alice, name="Savings", benefit=world.benefit)
    services.save_benefit_line(
        option, user=world.alice, name="Entered by hand", values={2025: D("0")}
    )
    return option


def money(value):
    return format_decimal(value, 2)


def test_actuals_replace_plan_for_the_months_that_have_ended(world, option):
    evaluation = services.ex_post(world.initiative, as_of=AS_OF)
    row = next(r for r in evaluation.rows if r.option == option)

    planned, after = row.business_case.result, row.ex_post.result
    assert (money(planned.pv_benefits), money(planned.npsv), money(planned.bcr)) == (
        "3479.63",
        "1479.63",
        "1.74",
    )
    assert (money(after.pv_benefits), money(after.npsv), money(after.bcr)) == (
        "3337.27",
        "1337.27",
        "1.67",
    )
    assert after.pv_costs == planned.pv_costs == D("2000")

    [(line, years)] = row.linked
    assert line.name == "Savings"
    assert [(y.year, y.business_case, y.ex_post, y.basis) for y in years] == [
        (2024, D("1200"), D("990"), "actual"),
        (2025, D("1200"), D("1270"), "actual to date and plan"),
        (2026, D("1200"), D("1200"), "plan"),
    ]


def test_the_missing_month_is_reported(world, option):
    line = option.benefit_lines.get(name="Savings")
    assert services.missing_actuals(option, as_of=AS_OF) == {line.pk: 1}


def test_the_ex_post_page_shows_both_appraisals(client, world, option, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: AS_OF)
    client.force_login(world.dave)
    html = client.get(f"/initiatives/{world.initiative.slug}/economic-case/ex-post/")
    html = html.content.decode()
    assert "Ex post evaluation" in html
    assert "£1,479.63" in html and "£1,337.27" in html
    assert "Actual to date and plan" in html
    assert "1 planned month that has ended with no actual recorded" in html


def test_an_outsider_cannot_see_the_ex_post_view(client, world, option):
    client.force_login(world.nora)
    url = f"/initiatives/{world.initiative.slug}/economic-case/ex-post/"
    assert client.get(url).status_code == 404  # as if it did not exist
