# ruff: noqa: F811 - pytest fixtures imported from dashboard_world
"""Each governance body sees the cut it needs (register: tests/reports/dashboard_world.py)."""

import datetime
import html
from decimal import Decimal

import pytest
from django.utils import timezone

from realise.governance.models import Escalation
from tests.factories import GovernanceBodyFactory, InitiativeFactory
from tests.reports.dashboard_world import (  # noqa: F401 - fixtures
    fresh_cache,
    page_tables,
    register,
    rows_of,
    table_with,
)

D = Decimal


def board(register, body_type: str, slug: str | None = None):
    return GovernanceBodyFactory(
        collaboration=register.collab,
        name=f"EK {body_type}",
        slug=slug or body_type.replace("_", "-"),
        body_type=body_type,
    )


def captions(response) -> list[str]:
    return [caption for caption, _ in page_tables(response)]


def headline(response) -> dict[str, list]:
    return {row[0]: row[1:] for row in rows_of(table_with(response, "Money and hours")[1:])}


def test_financial_steering_group_sees_money_cashable_first(client, register):
    board(register, "financial_steering")
    client.force_login(register.alice)
    response = client.get("/dashboards/boards/financial-steering/")
    assert response.status_code == 200
    figures = headline(response)
    assert list(figures) == ["Money (£)"]  # money and cost avoidance only, no hours
    assert figures["Money (£)"][2] == D("7000.00")
    slices = [row[1] for row in table_with(response, "Identified")[1:]]
    assert slices[:2] == ["Cashable", "Non-cashable"]
    cashable = rows_of(table_with(response, "Money by initiative, cashable first")[1:])
    assert cashable == [["Joint vetting", D("6000.00"), D("5850.00"), D("0.00"), D("1150.00")]]
    subcategories = [row[1] for row in table_with(response, "By sub-category")[1:]]
    assert subcategories == ["1a Savings: money", "1c Savings: cost avoidance"]
    assert "Hours planned and realised" not in " ".join(captions(response))


def test_programme_board_sees_every_initiative_exceptions_first(client, register):
    board(register, "programme_board", "pb")
    InitiativeFactory(
        collaboration=register.collab, name="Joint training", slug="training", stage=1
    )
    client.force_login(register.dave)
    response = client.get("/dashboards/boards/pb/")
    initiatives = table_with(response, "Every initiative")
    # Joint vetting (an hours benefit at half its plan: red) before Joint training.
    assert [row[0] for row in initiatives[1:]] == ["Joint vetting", "Joint training"]
    assert initiatives[1][2] == "2 Outline business case (OBC)"
    assert initiatives[1][4] == "Red"
    assert initiatives[2][4] == "Not rated"
    benefits = table_with(response, "Benefits, exceptions first")
    assert benefits[1][0] == "EK-2" and benefits[1][5] == "Red"
    assert "Qualitative: see status" in [row[5] for row in benefits[1:]]
    assert "Overall RAG (the worst rated benefit)" in response.content.decode()


def test_chief_constable_board_shows_the_users_force_share(client, register):
    board(register, "cc_board", "cc")
    client.force_login(register.carol)  # Kent
    response = client.get("/dashboards/boards/cc/")
    assert "Kent's share" in html.unescape(response.content.decode())
    assert headline(response)["Money (£)"][2] == D("3689.00")
    assert headline(response)["Hours"][2] == D("158.10")
    service = table_with(response, "Service and compliance benefits")
    assert [row[0] for row in service[1:]] == ["EK-4"]  # 2a; no savings here
    client.force_login(register.bob)  # Essex
    assert headline(client.get("/dashboards/boards/cc/"))["Money (£)"][2] == D("3311.00")


def test_deputy_chief_constable_board_can_choose_another_member_force(client, register):
    board(register, "dcc_board", "dcc")
    client.force_login(register.carol)
    response = client.get("/dashboards/boards/dcc/?force=essex")
    assert headline(response)["Money (£)"][2] == D("3311.00")
    text = response.content.decode()
    assert '<option value="essex" selected>Essex</option>' in text
    assert '<option value="norfolk"' not in text  # only the collaboration's forces


def test_summit_sees_headlines_and_items_escalated(client, register):
    summit = board(register, "summit")
    programme = board(register, "programme_board", "pb")
    Escalation.objects.create(
        from_body=programme,
        to_body=summit,
        kind="benefit_off_track",
        benefit=register.hours,
        summary="Officer hours are at half the plan",
        raised_at=timezone.make_aware(datetime.datetime(2024, 5, 1, 10)),
    )
    client.force_login(register.alice)
    response = client.get("/dashboards/boards/summit/")
    assert headline(response)["Money (£)"][2] == D("7000.00")
    escalated = table_with(response, "Items escalated")
    assert escalated[1][1:] == [
        "Benefit off track",
        "EK programme_board",
        "Officer hours are at half the plan",
        "EK-2: Officer hours released",
        "Open",
    ]


def test_other_bodies_see_the_collaboration_headlines(client, register):
    client.force_login(register.alice)
    response = client.get("/dashboards/boards/ek-board/")  # the world's programme board
    assert "Every initiative" in " ".join(captions(response))
    board(register, "oversight_group", "oversight")
    response = client.get("/dashboards/boards/oversight/")
    assert headline(response)["Money (£)"][2] == D("7000.00")
    assert "By initiative, with RAG" in captions(response)


@pytest.mark.parametrize("slug", ["ek-board", "no-such-board"])
def test_boards_of_a_private_collaboration_are_hidden_from_outsiders(client, register, slug):
    client.force_login(register.nora)
    assert client.get(f"/dashboards/boards/{slug}/").status_code == 404


def test_financial_steering_charts_show_the_money_its_tables_show(client, register):
    board(register, "financial_steering")
    client.force_login(register.alice)
    response = client.get("/dashboards/boards/financial-steering/?subcategory=2a")
    assert headline(response)["Money (£)"][2] == D("7000.00")  # money whatever is asked
    text = html.unescape(response.content.decode())
    query = "collaboration=ek&subcategory=1a&subcategory=1c"
    assert f'src="/dashboards/charts/over-time-money.svg?{query}"' in text
    assert f'src="/dashboards/charts/forces-money.svg?{query}"' in text
