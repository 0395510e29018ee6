"""The benefit page's Total row adds up the rows above it, and a dis-benefit's page says its
amounts are costs."""

import datetime
from decimal import Decimal

from realise.benefits.profile import monthly_series
from tests.factories import BenefitFactory, actual, force, plan

D = Decimal
APRIL = datetime.date(2025, 4, 1)


def total_row(html: str) -> list[str]:
    start = html.index('id="caption-years"')
    table = html[start : html.index("</table>", start)]
    row = table[table.index(">Total</th>") : table.index("</tr>", table.index(">Total</th>"))]
    return [cell.split("</td>")[0] for cell in row.split('numeric">')[1:]]


def test_the_total_variance_is_the_sum_of_the_years_variances(client, world, monkeypatch):
    """Four years planned at £1,000 a year (each April); on 6 December 2026 two of those
    months are complete, and only the first realised £900. The Total row's 'Actual less
    plan to date' is the years' -£100 and -£1,000: the actual to date less the plan to
    date, not £900 less the whole four years' plan."""
    today = datetime.date(2026, 12, 6)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: today)
    for year in range(4):
        plan(world.benefit, datetime.date(2025 + year, 4, 1), ["1000"])
    actual(world.benefit, APRIL, "900", force("Essex"))
    series = monthly_series(world.benefit)
    years = [y["variance"] for y in series["years"]]
    assert years == [D("-100.00"), D("-1000.00"), None, None]
    assert series["totals"]["variance"] == D("-1100.00")
    assert series["totals"]["planned"] == D("4000.00")
    client.force_login(world.alice)
    html = client.get(f"/benefits/{world.benefit.pk}/").content.decode()
    # Current plan, actual, actual less plan to date.
    assert total_row(html) == ["£4,000.00", "£900.00", "-£1,100.00"]


def test_the_total_variance_against_the_baseline_adds_up_too(world):
    from realise.benefits.baselines import freeze_baseline

    plan(world.benefit, APRIL, ["100", "100", "100"])
    freeze_baseline(world.initiative, approved_on=datetime.date(2025, 3, 1), user=world.alice)
    actual(world.benefit, APRIL, "80")
    series = monthly_series(world.benefit, today=datetime.date(2025, 7, 15))
    # £80 to date against the £300 baselined to June.
    assert series["totals"]["against_baseline"] == D("-220.00")
    assert series["totals"]["baseline"] == D("300.00")


def test_a_dis_benefits_page_says_its_amounts_are_costs(client, world):
    cost = BenefitFactory(initiative=world.initiative, is_disbenefit=True, reference="EK-D")
    plan(cost, APRIL, ["100"])
    actual(cost, APRIL, "150")
    client.force_login(world.alice)
    html = client.get(f"/benefits/{cost.pk}/").content.decode()
    assert "an actual above the plan costs more than planned" in html
    client.force_login(world.alice)
    saving = client.get(f"/benefits/{world.benefit.pk}/").content.decode()
    assert "an actual above the plan costs more than planned" not in saving
