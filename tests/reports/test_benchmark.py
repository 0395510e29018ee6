"""National benchmarking: collaborations side by side, forces by what they get (#22).

The worked example, as at 15 April 2025 (so counted to the end of March 2025):

Norfolk and Suffolk Procurement (policing; Norfolk 60%, Suffolk 40%), one initiative:
* M1 (1a money) planned 1,000 a month January to April; actuals January 900 (verified),
  February 1,200, March 600 (Suffolk's own, verified).
* M2 (1c cost avoidance) no plan; actual February 300.
* H (1b hours) planned 10 hours a month January to March; actual January 50 hours.
* S (2a service) a survey score, no figures.
  Realised money to date 900 + 1,200 + 600 + 300 = 3,000.00; planned to date 3,000.00.
  Realised against plan like for like: M1 only, 2,700 / 3,000 = 90.00%.
  Actuals to date 5, verified 2: 40.00%. Hours 50 of 30, never in the money.
  Preferred option costs: investment 1,000, running 500 + 500 = 1,000; 2,000 in all
  (the other option's 99,999 does not count): 3,000 / 2,000 = £1.50 per £1.
  Decision into OBC 10 January 2024, into implementation 19 April 2024: 21 + 29 + 31 + 19
  = 100 days.
  Forces: Norfolk 60% of January, February and M2 (540 + 720 + 180 = 1,440.00, 48.00%),
  Suffolk 40% of those plus its own March (360 + 480 + 120 + 600 = 1,560.00, 52.00%);
  costs split 60/40 by the agreed shares: 1,200.00 (60.00%) and 800.00 (40.00%).

Essex and Kent Serious Crime (private, the `world`): its benefit planned 500 a month
January to March, actual January 700 (verified): 700.00 of 1,500.00, 46.67%.
"""

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from realise.appraisal.models import CostLine, CostValue, Option
from realise.benefits.contributions import set_contribution
from realise.benefits.realisation import RealisationFilter
from realise.collaborations.models import StageDecision
from realise.reports.benchmark import benchmark
from realise.reports.dashboards import Cut, Figures, Scope
from tests.factories import (
    BenefitFactory,
    CollaborationFactory,
    GovernanceBodyFactory,
    InitiativeFactory,
    actual,
    force,
    member,
    plan,
    share,
)

TODAY = datetime.date(2025, 4, 15)
JAN, FEB, MAR, APR = (datetime.date(2025, month, 1) for month in (1, 2, 3, 4))
PRIVATE_NAME = "Essex and Kent Serious Crime"


def _verified(measurement):
    measurement.verified_at = timezone.now()
    measurement.save()
    return measurement


@pytest.fixture
def bench(world):
    w = world
    ns = CollaborationFactory(
        name="Norfolk and Suffolk Procurement", slug="ns-procurement", visibility="policing"
    )
    share(ns, "Norfolk", "60")
    share(ns, "Suffolk", "40")
    initiative = InitiativeFactory(collaboration=ns, name="Joint buying", slug="joint-buying")
    m1 = BenefitFactory(initiative=initiative, subcategory="1a")
    plan(m1, JAN, ["1000", "1000", "1000", "1000"])
    _verified(actual(m1, JAN, "900"))
    actual(m1, FEB, "1200")
    _verified(actual(m1, MAR, "600", force("Suffolk")))
    m2 = BenefitFactory(initiative=initiative, subcategory="1c")
    actual(m2, FEB, "300")
    hours = BenefitFactory(initiative=initiative, subcategory="1b", unit="hours")
    plan(hours, JAN, ["10", "10", "10"])
    actual(hours, JAN, "50")
    BenefitFactory(initiative=initiative, subcategory="2a", unit="score", direction="increase")

    preferred = Option.objects.create(
        initiative=initiative, name="Shared team", first_year=2025, is_preferred=True
    )
    capex = CostLine.objects.create(option=preferred, name="Set up", kind="capex")
    CostValue.objects.create(line=capex, year=2025, amount=Decimal("1000"))
    opex = CostLine.objects.create(option=preferred, name="Staff", kind="opex")
    CostValue.objects.create(line=opex, year=2025, amount=Decimal("500"))
    CostValue.objects.create(line=opex, year=2026, amount=Decimal("500"))
    other = Option.objects.create(initiative=initiative, name="Outsource", first_year=2025)
    line = CostLine.objects.create(option=other, name="Contract", kind="opex")
    CostValue.objects.create(line=line, year=2025, amount=Decimal("99999"))

    body = GovernanceBodyFactory(collaboration=ns)
    for to_stage, day in ((2, datetime.date(2024, 1, 10)), (4, datetime.date(2024, 4, 19))):
        StageDecision.objects.create(
            initiative=initiative,
            from_stage=to_stage - 1,
            to_stage=to_stage,
            body=body,
            decided_on=day,
        )

    plan(w.benefit, JAN, ["500", "500", "500"])
    _verified(actual(w.benefit, JAN, "700"))
    w.ns = ns
    return w


def _row(result, slug):
    return next(row for row in result.rows if row.slug == slug)


def test_worked_example_figures(bench):
    result = benchmark(bench.bob, today=TODAY)  # Essex: sees both
    assert result.hidden is None
    ns = _row(result, "ns-procurement")
    assert ns.realised == Decimal("3000.00")  # hours never added
    assert ns.planned == Decimal("3000.00")
    assert ns.realised_percent == Decimal("90.00")
    assert (ns.actuals, ns.verified, ns.verified_share) == (5, 2, Decimal("40.00"))
    assert ns.by_category == {"Savings": 3, "Service": 1, "Compliance": 0}
    assert ns.investment_costs == Decimal("1000.00")
    assert ns.running_costs == Decimal("1000.00")
    assert ns.benefit_per_pound == Decimal("1.50")
    assert ns.days_obc_to_implementation == 100
    assert ns.hours.actual_to_date == Decimal("50.00")
    assert ns.hours.planned_to_date == Decimal("30.00")

    ek = _row(result, "ek")
    assert (ek.realised, ek.planned, ek.realised_percent) == (
        Decimal("700.00"),
        Decimal("1500.00"),
        Decimal("46.67"),
    )
    assert ek.verified_share == Decimal("100.00")
    assert ek.benefit_per_pound is None  # no costs recorded

    forces = {row.name: row for row in result.forces}
    assert forces["Norfolk"].realised == Decimal("1440.00")
    assert forces["Suffolk"].realised == Decimal("1560.00")
    assert forces["Norfolk"].costs == Decimal("1200.00")
    assert forces["Suffolk"].costs == Decimal("800.00")
    assert forces["Norfolk"].cost_share == Decimal("60.00")
    assert forces["Suffolk"].cost_share == Decimal("40.00")
    # Essex and Kent: 47.3% / 52.7% of 700; benefit shares of all 3,700 realised.
    assert forces["Essex"].realised == Decimal("331.10")
    assert forces["Kent"].realised == Decimal("368.90")
    assert forces["Norfolk"].benefit_share == Decimal("38.92")  # 1,440 / 3,700
    assert forces["Essex"].cost_share == Decimal("0.00")


def _private(name, slug, amount, parent=None):
    """A private collaboration of Kent's with one benefit realising `amount` in January."""
    collaboration = CollaborationFactory(name=name, slug=slug, visibility="private", parent=parent)
    share(collaboration, "Kent", "100")
    benefit = BenefitFactory(initiative=InitiativeFactory(collaboration=collaboration))
    _verified(actual(benefit, JAN, amount))
    return collaboration


def _everywhere(user):
    """The benchmark as `user` has it on the page, through the API and at the command line."""
    page = Client()
    page.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    out = StringIO()
    call_command("benchmark", "--user", user.username, "--today", "2025-04-15", stdout=out)
    json_out = StringIO()
    call_command(
        "benchmark",
        "--user",
        user.username,
        "--format",
        "json",
        "--today",
        "2025-04-15",
        stdout=json_out,
    )
    return (
        page.get(reverse("benchmark")).content.decode(),
        api.get("/api/v1/benchmark/").json(),
        out.getvalue(),
        json.loads(json_out.getvalue()),
    )


def test_a_single_private_collaboration_is_neither_named_nor_shown_to_an_outsider(bench):
    nora = bench.nora  # Norfolk: not a member of the private collaboration
    result = benchmark(nora, today=TODAY)
    assert [row.slug for row in result.rows] == ["ns-procurement"]
    assert result.hidden is None  # one alone would be its own figures exactly
    assert (result.hidden_count, result.hidden_withheld) == (1, True)
    assert {row.name for row in result.forces} == {"Norfolk", "Suffolk"}
    assert result.as_dict()["hidden"] == {"count": 1, "withheld": True, "minimum": 3}
    assert result.as_dict()["hours"]["hidden"] is None

    page, api, text, cli = _everywhere(nora)
    assert "Other collaborations (1)" in page
    assert "1 collaboration you may not see is left out" in page
    assert "at least 3 of them, so that no one collaboration" in page
    assert 'id="benchmark-hidden"' not in page
    for figure in ("700.00", "1,500.00", "46.67"):
        assert figure not in page and figure not in text
    assert PRIVATE_NAME not in page and "/collaborations/ek/" not in page
    for body in (api, cli):
        assert [row["slug"] for row in body["collaborations"]] == ["ns-procurement"]
        assert body["hidden"] == {"count": 1, "withheld": True, "minimum": 3}
        assert "700.00" not in json.dumps(body) and PRIVATE_NAME not in json.dumps(body)
    assert "Other collaborations (1): not shown" in text
    assert "at least 3, so that none can be singled out" in text


def test_three_private_collaborations_are_counted_together_without_names(bench):
    _private("Kent Roads", "kent-roads", "100")
    _private("Kent Custody", "kent-custody", "200")
    nora = bench.nora
    result = benchmark(nora, today=TODAY)
    assert result.hidden.name == "Other collaborations (3)"
    assert result.hidden.realised == Decimal("1000.00")  # 700 + 100 + 200
    assert result.hidden.planned == Decimal("1500.00")
    assert not result.hidden_withheld

    page, api, text, cli = _everywhere(nora)
    assert 'id="benchmark-hidden"' in page and "Other collaborations (3)" in page
    assert "£1,000.00" in page and "left out" not in page
    for body in (api, cli):
        assert body["hidden"]["count"] == 3 and body["hidden"]["withheld"] is False
        assert body["hidden"]["realised"] == "1000.00"
        for name in (PRIVATE_NAME, "Kent Roads", "kent-custody", '"ek"'):
            assert name not in json.dumps(body)
    assert "Other collaborations (3): realised £1,000.00" in text


def test_collaborations_nested_in_a_hidden_one_do_not_make_up_the_group(bench):
    """ek and two partnerships inside it are three collaborations but one programme: ek's
    own dashboard holds all three, so their total would single it out."""
    _private("EK Roads", "ek-roads", "100", parent=bench.collab)
    _private("EK Custody", "ek-custody", "200", parent=bench.collab)
    result = benchmark(bench.nora, today=TODAY)
    assert result.hidden is None and result.hidden_count == 3
    assert result.as_dict()["hidden"] == {"count": 3, "withheld": True, "minimum": 3}


def test_a_member_of_the_private_collaborations_force_sees_its_name(bench, client):
    client.force_login(bench.dave)  # Essex viewer
    page = client.get(reverse("benchmark")).content.decode()
    assert PRIVATE_NAME in page
    assert "Other collaborations" not in page
    assert 'id="benchmark-hidden"' not in page
    assert reverse("dashboard-collaboration", args=["ek"]) in page


def test_an_inspector_sees_the_private_collaboration_by_name(bench):

    inspector = member("ivy", "Norfolk", "inspector")
    result = benchmark(inspector, today=TODAY)
    assert PRIVATE_NAME in [row.name for row in result.rows]
    assert result.hidden is None


def test_cli_json_shape_money_as_strings_and_hours_apart(bench):
    out = StringIO()
    call_command("benchmark", "--format", "json", "--today", "2025-04-15", stdout=out)
    data = json.loads(out.getvalue())
    assert data["as_at"] == "2025-04-15"
    ns = next(row for row in data["collaborations"] if row["slug"] == "ns-procurement")
    assert ns["realised"] == "3000.00"
    assert ns["outside_plan"] == "300.00"  # M2 has no plan: why 3,000 of 3,000 is 90%
    assert ns["planned"] == "3000.00"
    assert ns["realised_percent"] == "90.00"
    assert ns["verified_share"] == "40.00"
    assert ns["running_costs"] == "1000.00"
    assert ns["investment_costs"] == "1000.00"
    assert ns["benefit_per_pound"] == "1.50"
    assert ns["days_obc_to_implementation"] == 100
    assert ns["by_category"]["Savings"] == 3
    assert data["hours"]["collaborations"]["ns-procurement"] == {
        "realised": "50.00",
        "planned": "30.00",
        "realised_percent": "166.67",
    }
    assert data["hidden"] == {"count": 0}  # without --user every collaboration is named


def test_cli_text_says_what_was_realised_outside_the_plan(bench):
    out = StringIO()
    call_command("benchmark", "--today", "2025-04-15", stdout=out)
    line = next(x for x in out.getvalue().splitlines() if x.startswith("Norfolk and Suffolk"))
    assert "realised £3,000.00, £300.00 of it by benefits with no plan" in line
    assert "planned £3,000.00; 90.00% of plan like for like" in line
    assert "£1.50 per £1 of cost" in line


def test_cli_text_writes_the_day_as_everywhere_else(bench):
    out = StringIO()
    call_command("benchmark", "--today", "2025-04-06", stdout=out)
    assert out.getvalue().splitlines()[0] == (
        "Benchmark as at 6 April 2025 (to the end of March 2025)"
    )


def test_cli_refuses_an_unknown_user_and_a_bad_date(bench):
    with pytest.raises(CommandError, match="--user: no user called 'nobody'") as error:
        call_command("benchmark", "--user", "nobody")
    assert error.value.returncode == 2
    with pytest.raises(CommandError, match="--today") as error:
        call_command("benchmark", "--today", "15/04/2025")
    assert error.value.returncode == 2


def test_page_sorts_by_column_and_links_each_figure(bench, client):
    client.force_login(bench.bob)
    url = reverse("benchmark")
    page = client.get(url, {"sort": "realised", "order": "desc"}).content.decode()
    assert page.index("Norfolk and Suffolk Procurement") < page.index(PRIVATE_NAME)
    assert 'href="?sort=realised&amp;order=asc"' in page
    page = client.get(url, {"sort": "realised", "order": "asc"}).content.decode()
    assert page.index(PRIVATE_NAME) < page.index("Norfolk and Suffolk Procurement")
    assert reverse("dashboard-collaboration", args=["ns-procurement"]) in page
    option = Option.objects.get(name="Shared team")
    assert reverse("economic-case-option", args=["joint-buying", option.pk]) in page
    assert client.get(url, {"sort": "nonsense"}).status_code == 200


def test_in_welsh_the_page_names_the_categories_in_welsh(bench, client):
    client.force_login(bench.bob)
    client.post("/language/", {"language": "cy", "next": "/"})
    page = client.get(reverse("benchmark")).content.decode()
    assert "Cydymffurfio 0" in page and "Compliance 0" not in page
    # The JSON keeps its English keys, whatever the language.
    assert (
        "Compliance"
        in benchmark(bench.bob, today=TODAY).as_dict()["collaborations"][0]["by_category"]
    )


def test_anonymous_readers_are_sent_to_sign_in_as_for_dashboards(bench, client):
    response = client.get(reverse("benchmark"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert client.get(reverse("dashboard-national")).status_code == 302
    assert APIClient().get("/api/v1/benchmark/").status_code in (401, 403)


def test_marking_an_option_preferred_unmarks_the_others_and_picks_its_costs(world):
    from realise.appraisal import services
    from realise.reports.benchmark import chosen_options

    first = services.save_option(
        world.initiative, user=world.alice, name="A", first_year=2025, is_preferred=True
    )
    second = services.save_option(world.initiative, user=world.alice, name="B", first_year=2025)
    assert chosen_options([world.initiative.pk]) == {world.initiative.pk: first}
    services.save_option(world.initiative, user=world.alice, option=second, is_preferred=True)
    first.refresh_from_db()
    assert not first.is_preferred
    assert chosen_options([world.initiative.pk]) == {world.initiative.pk: second}
    services.save_option(world.initiative, user=world.alice, option=second, is_preferred=False)
    assert chosen_options([world.initiative.pk]) == {}  # two options, none preferred


def test_a_collaboration_counts_those_nested_in_it_as_its_dashboard_does(world):
    """The alliance (planned 1,000 a month, January realised 1,000) holds a partnership
    whose benefit (planned 400 a month, January realised 400) contributes to the
    alliance's: the partnership's row shows its own 400 of 1,200, the alliance's row its
    1,000 of 3,000 (the partnership's pounds are already inside it), and the realised
    money in the forces table counts each pound once: 1,000."""
    from tests.factories import member

    alliance = CollaborationFactory(name="Alliance", slug="alliance", visibility="policing")
    partnership = CollaborationFactory(
        name="Partnership", slug="partnership", visibility="policing", parent=alliance
    )
    whole = BenefitFactory(
        initiative=InitiativeFactory(collaboration=alliance, slug="a-1"), subcategory="1a"
    )
    part = BenefitFactory(
        initiative=InitiativeFactory(collaboration=partnership, slug="p-1"), subcategory="1a"
    )
    plan(whole, JAN, ["1000", "1000", "1000"])
    actual(whole, JAN, "1000")
    plan(part, JAN, ["400", "400", "400"])
    actual(part, JAN, "400")
    set_contribution(part, whole, user=member("ada", "Essex", "administrator"))

    result = benchmark(None, today=TODAY)
    rows = {row.slug: row for row in result.rows}
    assert (rows["partnership"].realised, rows["partnership"].planned) == (
        Decimal("400.00"),
        Decimal("1200.00"),
    )
    assert (rows["alliance"].realised, rows["alliance"].planned) == (
        Decimal("1000.00"),
        Decimal("3000.00"),
    )
    assert rows["alliance"].actuals == 2  # its own actual and the partnership's
    assert result.realised_total == Decimal("1000.00")
    # Each figure is the one on the dashboard it links to.
    dashboard = Figures(
        Cut(RealisationFilter(collaboration=alliance.pk), Scope(None, "all"), TODAY)
    )
    assert dashboard.summaries()["money"].totals.actual_to_date == rows["alliance"].realised


def test_other_costs_are_shown_so_the_costs_add_up_to_what_the_ratio_divides_by(bench, client):
    """Running £1,000 + investment £1,000 + other £1,000 = £3,000: £1.00 per £1, and the
    forces' costs (60/40 of £3,000) add up to the same £3,000."""
    option = Option.objects.get(name="Shared team")
    line = CostLine.objects.create(option=option, name="Legal fees", kind="other")
    CostValue.objects.create(line=line, year=2025, amount=Decimal("1000"))
    client.force_login(bench.bob)
    page = client.get(reverse("benchmark"), {"sort": "other_costs"}).content.decode()
    row = page[page.index("Norfolk and Suffolk Procurement") :]
    row = row[: row.index("</tr>")]
    for figure in ("£1,000.00", "£1.00"):
        assert figure in row
    assert row.count("£1,000.00") == 3  # running, investment and other
    assert 'aria-sort="ascending"' in page[page.index("Other costs") - 200 :][:400]
    out = StringIO()
    call_command("benchmark", "--today", "2025-04-15", stdout=out)
    line = next(x for x in out.getvalue().splitlines() if x.startswith("Norfolk and Suffolk"))
    assert "running costs £1,000.00, investment £1,000.00, other £1,000.00" in line
