"""The benefit page writes its figures for people: pounds with separators, a chart of
running totals beside its table, financial years with months on demand, one force's
actuals against its part of the plan on request."""

import datetime
from decimal import Decimal

from realise.benefits.baselines import freeze_baseline
from tests.factories import actual, force, plan


def page(client, world, query=""):
    client.force_login(world.alice)
    response = client.get(f"/benefits/{world.benefit.pk}/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_baseline_and_target_read_as_pounds(client, world):
    world.benefit.baseline_value = Decimal("48200000.00")
    world.benefit.target_value = Decimal("41245000.00")
    world.benefit.save()
    plan(world.benefit, datetime.date(2026, 3, 1), ["95833.3300000000", "1000"])
    html = page(client, world)
    assert "48200000.00" not in html
    assert "95833.3300000000" not in html and "95833.33" not in html
    assert "£48,200,000.00" in html and "£41,245,000.00" in html
    assert "£95,833.33" in html


def test_years_run_april_to_march_with_months_on_demand(client, world):
    # Mar 2026 ends 2025/26; Apr and May 2026 open 2026/27.
    plan(world.benefit, datetime.date(2026, 3, 1), ["100", "200", "300"])
    actual(world.benefit, datetime.date(2026, 4, 1), "150", force("Essex"))
    actual(world.benefit, datetime.date(2026, 4, 1), "25", force("Kent"))
    html = page(client, world)
    years = html[html.index('id="caption-years"') : html.index("Months of 2025/26")]
    assert "2025/26" in years and "2026/27" in years
    # 2026/27: planned 200 + 300, actual 150 + 25; the actual less the plan to date counts
    # every planned month to date, May's too, though nothing was recorded: 175 - 500.
    assert "£500.00" in years and "£175.00" in years and "-£325.00" in years
    assert '<details class="govuk-details">' in html
    assert "Months of 2026/27" in html and "Apr 2026" in html
    # The running totals drawn in the chart: 100, 300, 600 planned; 0, 175, 175 actual.
    running = html[html.index('id="caption-running"') : html.index('id="caption-years"')]
    assert "£600.00" in running and "£175.00" in running
    assert f"/benefits/{world.benefit.pk}/chart.svg" in html


def test_one_forces_actuals_without_javascript(client, world):
    plan(world.benefit, datetime.date(2026, 4, 1), ["200"])
    actual(world.benefit, datetime.date(2026, 4, 1), "150", force("Essex"))
    actual(world.benefit, datetime.date(2026, 4, 1), "25", force("Kent"))
    html = page(client, world, f"?force={force('Kent').pk}")
    years = html[html.index('id="caption-years"') : html.index("Months of 2026/27")]
    # Kent's 52.7% of the £200 plan is £105.40: its £25 is £80.40 short of its part.
    assert "Kent's part" in years
    assert "£105.40" in years and "£25.00" in years and "-£80.40" in years
    assert "£150.00" not in years and "£200.00" not in years
    assert f"chart.svg?force={force('Kent').pk}" in html
    client.force_login(world.alice)
    outsider = force("Norfolk").pk
    assert client.get(f"/benefits/{world.benefit.pk}/?force={outsider}").status_code == 404
    assert client.get(f"/benefits/{world.benefit.pk}/?force=x").status_code == 404


def test_the_chart_shows_the_baseline_once_baselined(client, world):
    plan(world.benefit, datetime.date(2026, 4, 1), ["200", "300"])
    freeze_baseline(world.initiative, approved_on=datetime.date(2026, 3, 1), user=world.alice)
    html = page(client, world)
    assert "Baseline to date" in html
    client.force_login(world.alice)
    svg = client.get(f"/benefits/{world.benefit.pk}/chart.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"Baseline" in svg.content and b"Current plan" in svg.content
    png = client.get(f"/benefits/{world.benefit.pk}/chart.png")
    assert png.content.startswith(b"\x89PNG")


def test_the_chart_of_a_benefit_the_reader_may_not_see_is_not_found(client, world):
    client.force_login(world.nora)
    assert client.get(f"/benefits/{world.benefit.pk}/chart.svg").status_code == 404
    client.force_login(world.alice)
    assert client.get(f"/benefits/{world.benefit.pk}/chart.gif").status_code == 404


def test_the_chart_of_a_benefit_whose_reference_has_a_line_break_is_drawn(client, world):
    world.benefit.reference = 'VB "1"\nnew line'
    world.benefit.save()
    client.force_login(world.alice)
    png = client.get(f"/benefits/{world.benefit.pk}/chart.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert png["Content-Disposition"] == "inline; filename*=utf-8''VB%20%221%22%0Anew%20line.png"
