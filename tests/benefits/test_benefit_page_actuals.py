"""A benefit's page lists its actuals a page at a time, the latest first, keeping the force
chosen as it pages; a list paged on a page with other lists keeps their pages too."""

import datetime
import re
from decimal import Decimal
from unittest import mock

from realise.benefits import baselines
from realise.benefits.models import Measurement
from realise.benefits.views import ACTUALS_PER_PAGE
from realise.governance.models import Meeting
from tests.factories import force


def months(count: int) -> list[datetime.date]:
    """`count` months, oldest first, ending in December 2025."""
    first = 2026 * 12 - count
    return [datetime.date(m // 12, m % 12 + 1, 1) for m in range(first, first + count)]


def record(benefit, name: str, count: int) -> list[datetime.date]:
    periods = months(count)
    for period in periods:
        Measurement.objects.create(
            benefit=benefit, force=force(name), period=period, value=Decimal("10")
        )
    return periods


def shown(response) -> list[tuple[datetime.date, str]]:
    return [(m.period, m.force.name) for m in response.context["measurements"]]


def next_link(page: str) -> str | None:
    found = re.search(r'href="([^"]*)" rel="next"', page)
    return found and found[1].replace("&amp;", "&")


def test_the_latest_actuals_come_first_a_page_at_a_time(client, world):
    essex = record(world.benefit, "Essex", 60)
    kent = record(world.benefit, "Kent", 10)
    client.force_login(world.dave)
    url = f"/benefits/{world.benefit.pk}/"

    first = client.get(url)
    page = first.content.decode()
    assert "Showing actuals 1 to 50 of 70, the latest first." in page
    # December 2025 for both forces, then back month by month.
    assert shown(first)[:3] == [(essex[-1], "Essex"), (kent[-1], "Kent"), (essex[-2], "Essex")]
    assert len(shown(first)) == ACTUALS_PER_PAGE
    assert next_link(page) == "?actuals=2#actuals"

    second = client.get(url + next_link(page))
    assert "Showing actuals 51 to 70 of 70, the latest first." in second.content.decode()
    assert shown(second)[-1] == (essex[0], "Essex")
    # Every actual is on one page or the other, once.
    assert sorted(shown(first) + shown(second)) == sorted(
        [(p, "Essex") for p in essex] + [(p, "Kent") for p in kent]
    )


def test_paging_keeps_the_force_chosen(client, world):
    record(world.benefit, "Essex", 60)
    record(world.benefit, "Kent", 10)
    client.force_login(world.dave)
    url = f"/benefits/{world.benefit.pk}/"
    essex = force("Essex").pk

    page = client.get(url, {"force": essex}).content.decode()
    assert "of 60, the latest first" in page
    assert next_link(page) == f"?force={essex}&actuals=2#actuals"
    second = client.get(url + next_link(page))
    assert {name for _, name in shown(second)} == {"Essex"} and len(shown(second)) == 10

    # Kent's ten fit on one page: no count, no links to other pages.
    kent = client.get(url, {"force": force("Kent").pk})
    assert len(shown(kent)) == 10
    assert (
        "Showing actuals" not in kent.content.decode() and next_link(kent.content.decode()) is None
    )


def test_a_page_past_the_last_shows_the_last_and_an_outsider_sees_no_page(client, world):
    record(world.benefit, "Essex", 60)
    client.force_login(world.dave)
    url = f"/benefits/{world.benefit.pk}/"
    assert len(shown(client.get(url, {"actuals": "99"}))) == 10
    assert len(shown(client.get(url, {"actuals": "nonsense"}))) == ACTUALS_PER_PAGE
    client.force_login(world.nora)  # Norfolk: not in this private collaboration
    assert client.get(url, {"actuals": "2"}).status_code == 404


def test_paging_one_list_of_meetings_keeps_the_others_page(client, world):
    today = datetime.date.today()
    for days in range(1, 26):
        Meeting.objects.create(body=world.board, date=today + datetime.timedelta(days=days))
        Meeting.objects.create(body=world.board, date=today - datetime.timedelta(days=days))
    client.force_login(world.alice)
    page = client.get(f"/governance/bodies/{world.board.slug}/", {"upcoming": "2"})
    assert page.context["upcoming"].number == 2
    links = [
        link.replace("&amp;", "&")
        for link in re.findall(r'href="(\?[^"]*)" rel="(?:next|prev)"', page.content.decode())
    ]
    # Back to the first page of coming meetings, and on to the second page of past ones.
    assert links == ["?upcoming=1", "?upcoming=2&past=2"]


def test_the_page_compares_baseline_plan_and_actuals_once_for_the_whole_benefit(client, world):
    record(world.benefit, "Essex", 3)
    record(world.benefit, "Kent", 2)
    client.force_login(world.dave)
    url = f"/benefits/{world.benefit.pk}/"
    with mock.patch.object(baselines, "compare", wraps=baselines.compare) as compare:
        whole = client.get(url)
    # The panel and the month-by-month figures are the same comparison, asked for once.
    assert [c.kwargs.get("force") for c in compare.call_args_list] == [None]
    assert whole.context["series"]["totals"]["actual"] == Decimal("50")
    with mock.patch.object(baselines, "compare", wraps=baselines.compare) as compare:
        kent = client.get(url, {"force": force("Kent").pk})
    # With a force chosen, its own figures beside the whole benefit's panel.
    assert [c.kwargs.get("force") for c in compare.call_args_list] == [None, force("Kent")]
    assert kent.context["series"]["totals"]["actual"] == Decimal("20")
    assert kent.context["comparison"].totals.actual == Decimal("50")


def test_the_page_links_of_a_list_shown_without_a_request_start_from_no_query():
    from django.template import Context, Template

    template = Template("{% load realise_pages %}{% page_query 'past' 3 %}")
    assert template.render(Context({})) == "?past=3"
