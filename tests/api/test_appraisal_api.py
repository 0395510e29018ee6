"""`GET /api/v1/initiatives/{id}/appraisal/`: an initiative's economic case figures, as
`realise appraise --initiative SLUG` prints them, for whoever may see the initiative."""

import datetime
import io
import json
from decimal import ROUND_HALF_UP, Decimal

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from realise.appraisal import services
from realise.appraisal.models import Option
from realise.collaborations.models import Initiative
from realise.core.models import AuditRecord
from realise.organisations.models import Membership
from tests.factories import InitiativeFactory, UserFactory, actual, plan

D = Decimal
RATE = D("1.035")  # the Green Book rate for years 0 to 30


def pounds(value: Decimal) -> str:
    return str(value.quantize(D("0.01"), rounding=ROUND_HALF_UP))


def url(initiative, query=""):
    return f"/api/v1/initiatives/{initiative}/appraisal/{query}"


def cli_json(*args) -> dict:
    out = io.StringIO()
    call_command("appraise", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def case(world):
    """Business as usual runs at £100 a year for two years. "Shared unit" (preferred) builds
    for £3,000 of capital with 10% optimism bias, saves £2,070 of agency staff in year 1
    and takes year 2's £2,142.45 from the register's plan."""
    baseline = services.business_as_usual(world.initiative)
    services.save_option(world.initiative, user=world.alice, option=baseline, first_year=2025)
    services.save_cost_line(
        baseline, user=world.alice, name="Run", kind="opex", values={2025: D(100), 2026: D(100)}
    )
    option = services.save_option(
        world.initiative,
        user=world.alice,
        name="Shared unit",
        first_year=2025,
        optimism_bias_capex="0.1",
        is_preferred=True,
    )
    services.save_cost_line(
        option, user=world.alice, name="Build", kind="capex", values={2025: D(3000)}
    )
    services.save_benefit_line(
        option, user=world.alice, name="Fewer agency staff", values={2026: D(2070)}
    )
    plan(world.benefit, datetime.date(2027, 4, 1), ["2142.45"])
    services.save_benefit_line(
        option, user=world.alice, name="Contract savings", benefit=world.benefit
    )
    return baseline, option


def test_the_worked_example_to_the_penny(world, case, as_user):
    baseline, option = case
    # Worked by hand: each amount times 1 / 1.035^t, t years after 2025/26.
    run = D(100) + D(100) / RATE  # 196.6183...
    build = D(3000) * D("1.1")  # the bias is 300
    staff, savings = D(2070) / RATE, D("2142.45") / RATE**2  # 2000 each
    pv_benefits = staff + savings
    npsv = pv_benefits - build
    more_cost, more_benefit = build - run, pv_benefits
    assert (pounds(run), pounds(npsv), pounds(more_cost)) == ("196.62", "700.00", "3103.38")

    response = as_user(world.dave).get(url(world.initiative.slug))

    assert response.status_code == 200
    body = response.json()
    assert body["initiative"] == "joint-vetting"
    assert body["ex_post_as_of"] is None
    assert body["comparable"] is True
    first, second = body["options"]
    assert first == {
        "id": baseline.pk,
        "name": "Business as usual",
        "business_as_usual": True,
        "pv_costs": pounds(run),
        "pv_benefits": "0.00",
        "npsv": pounds(-run),
        "bcr": "0.00",
        "vfm_category": "poor",
        "optimism_bias_pv": "0.00",
        "lines": [
            {"name": "Run", "type": "cost", "pv": "196.62", "switching_value_pct": "-100.00"}
        ],
        "years": [
            {
                "year": 2025,
                "discount_factor": "1.0000",
                "costs": "100.00",
                "benefits": "0.00",
                "net": "-100.00",
                "pv_net": "-100.00",
            },
            {
                "year": 2026,
                "discount_factor": "0.9662",
                "costs": "100.00",
                "benefits": "0.00",
                "net": "-100.00",
                "pv_net": pounds(-D(100) / RATE),
            },
        ],
        "vs_business_as_usual": None,
        "preferred": False,
        "error": None,
    }
    assert second["id"] == option.pk
    assert second["preferred"] is True
    assert second["error"] is None
    assert {key: second[key] for key in ("pv_costs", "optimism_bias_pv", "pv_benefits")} == {
        "pv_costs": pounds(build),
        "optimism_bias_pv": "300.00",
        "pv_benefits": pounds(pv_benefits),
    }
    assert (second["npsv"], second["bcr"], second["vfm_category"]) == (
        pounds(npsv),
        pounds(pv_benefits / build),  # 1.21
        "low",
    )
    assert second["lines"] == [
        {"name": "Build", "type": "cost", "pv": "3300.00", "switching_value_pct": "21.21"},
        {
            "name": "Fewer agency staff",
            "type": "benefit",
            "pv": pounds(staff),
            "switching_value_pct": pounds(-npsv / staff * 100),
        },
        {
            "name": "Contract savings",
            "type": "benefit",
            "pv": pounds(savings),
            "switching_value_pct": "-35.00",
        },
    ]
    assert [(y["year"], y["costs"], y["benefits"], y["pv_net"]) for y in second["years"]] == [
        (2025, "3300.00", "0.00", "-3300.00"),
        (2026, "0.00", "2070.00", "2000.00"),
        (2027, "0.00", "2142.45", "2000.00"),
    ]
    assert second["years"][2]["discount_factor"] == "0.9335"  # 1 / 1.035^2 = 0.93351
    assert second["vs_business_as_usual"] == {
        "pv_costs": pounds(more_cost),
        "pv_benefits": pounds(more_benefit),
        "npsv": pounds(more_benefit - more_cost),
        "bcr": pounds(more_benefit / more_cost),  # 1.29
        "vfm_category": "low",
        "summary": "Costs £3,103.38 more than business as usual for £4,000.00 more benefit: "
        "an incremental benefit-cost ratio of 1.29.",
    }
    # The same answer by id as by slug, and the command line's own.
    assert as_user(world.dave).get(url(world.initiative.pk)).json() == body
    assert cli_json("--initiative", "joint-vetting") == body


def test_ex_post_counts_the_actuals_of_months_that_have_ended(world, case, as_user):
    actual(world.benefit, datetime.date(2027, 4, 1), "1071.23")

    response = as_user(world.alice).get(
        url(world.initiative.slug, "?ex_post=true&as_of=2027-06-15")
    )

    assert response.status_code == 200
    body = response.json()
    assert body["ex_post_as_of"] == "2027-06-15"
    savings = body["options"][1]["lines"][2]
    assert savings["pv"] == pounds(D("1071.23") / RATE**2)  # the actual, not the plan's 2,000
    assert body == cli_json("--initiative", "joint-vetting", "--ex-post", "--as-of", "2027-06-15")
    # Before the month has ended, the plan still counts.
    before = as_user(world.alice).get(url(world.initiative.slug, "?ex_post=1&as_of=2027-04-30"))
    assert before.json()["options"][1]["lines"][2]["pv"] == "2000.00"


def test_an_option_that_cannot_be_appraised_says_why_beside_the_others(world, case, as_user):
    _, option = case
    services.save_cost_line(
        option,
        user=world.alice,
        name="Contract",
        kind="opex",
        prices="nominal",
        values={2026: D(500)},
    )

    body = as_user(world.alice).get(url(world.initiative.slug)).json()

    baseline, broken = body["options"]
    assert baseline["pv_costs"] == "196.62"
    assert broken["error"] == "deflators: required for nominal line 'Contract'"
    assert (broken["pv_costs"], broken["npsv"], broken["bcr"]) == (None, None, None)
    assert (broken["lines"], broken["years"], broken["vs_business_as_usual"]) == ([], [], None)
    assert cli_json("--initiative", "joint-vetting") == body


def test_an_initiative_with_no_economic_case_has_business_as_usual_alone(world, as_user):
    """As the page shows it: business as usual with nothing in it. Reading writes nothing,
    even for someone who may change the case."""
    bare = InitiativeFactory(collaboration=world.collab, name="Shared estates", slug="estates")

    response = as_user(world.alice).get(url("estates"))

    assert response.status_code == 200
    assert not Option.objects.filter(initiative=bare).exists()
    (only,) = response.json()["options"]
    assert only["id"] is None
    assert only["business_as_usual"] is True
    assert (only["pv_costs"], only["pv_benefits"], only["npsv"], only["bcr"]) == (
        "0.00",
        "0.00",
        "0.00",
        None,
    )
    assert (only["lines"], only["years"], only["error"]) == ([], [], None)


# Who may read it ------------------------------------------------------------------------


def test_an_outsider_is_told_nothing_about_a_private_initiatives_case(world, case, as_user):
    nora = as_user(world.nora)  # Norfolk: not a member of the private collaboration
    unknown = nora.get(url("no-such-initiative"))
    assert unknown.status_code == 404
    for name in (world.initiative.slug, world.initiative.pk):
        hidden = nora.get(url(name))
        assert hidden.status_code == 404
        assert hidden.content == unknown.content
    last = Initiative.objects.order_by("-pk").first().pk
    assert nora.get(url(last + 1000)).content == unknown.content
    # Nor through its parameters: an invalid one is not checked before the initiative.
    assert nora.get(url(world.initiative.slug, "?ex_post=maybe")).status_code == 404


def test_an_anonymous_caller_is_asked_to_sign_in_whether_or_not_it_exists(world, case):
    anonymous = APIClient()
    for name in (world.initiative.slug, "no-such-initiative"):
        response = anonymous.get(url(name))
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"


def test_an_inspectors_read_of_a_private_case_goes_into_the_audit_trail(world, case, as_user):
    ivy = UserFactory(username="ivy")
    Membership.objects.create(user=ivy, role="inspector")
    before = AuditRecord.objects.count()
    assert as_user(ivy).get(url(world.initiative.slug)).status_code == 200
    assert AuditRecord.objects.count() == before + 1


# Parameters --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("?price_base_year=2024", "price_base_year"),
        ("?ex_post=maybe", "ex_post"),
        ("?ex_post=true&as_of=2027-02-30", "as_of"),
        ("?ex_post=true&as_of=31/03/2027", "as_of"),
        ("?as_of=2027-03-31", "as_of"),
        ("?ex_post=true&ex_post=false", "ex_post"),
    ],
)
def test_a_parameter_the_figures_cannot_take_is_refused_naming_it(
    world, case, as_user, query, named
):
    response = as_user(world.dave).get(url(world.initiative.slug, query))
    assert response.status_code == 400
    assert list(response.json()) == [named]


def test_a_write_is_seen_on_the_next_read_through_the_cache(world, case, settings):
    settings.REALISE_API_CACHE_SECONDS = 300
    cache.clear()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.dave).key}")
    path = url(world.initiative.slug)
    assert client.get(path).json()["options"][0]["pv_costs"] == "196.62"
    assert client.get(path)["X-Realise-Cache"] == "hit"
    baseline, _ = case
    services.save_cost_line(
        baseline,
        user=world.alice,
        line=baseline.cost_lines.get(),
        name="Run",
        kind="opex",
        values={2025: D(200), 2026: D(100)},
    )
    fresh = client.get(path)
    assert "X-Realise-Cache" not in fresh
    assert fresh.json()["options"][0]["pv_costs"] == pounds(D(200) + D(100) / RATE)


def test_the_schema_documents_the_appraisal(client, db):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    operation = schema["paths"]["/api/v1/initiatives/{initiative}/appraisal/"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"initiative", "ex_post", "as_of"} <= names
    assert "200" in operation["responses"] and "404" in operation["responses"]


# The demo ------------------------------------------------------------------------------------


def test_the_demo_cases_answer_as_the_command_line(demo_data, db):
    admin = APIClient()
    admin.force_authenticate(get_user_model().objects.get(username="admin"))
    today = datetime.date.today().isoformat()
    for slug in ("7f-procurement", "7f-vetting-transformation", "dams"):
        body = admin.get(url(slug)).json()
        assert body == cli_json("--initiative", slug), slug
        assert [option["error"] for option in body["options"]] == [None, None, None]
        assert sum(option["preferred"] for option in body["options"]) <= 1
    ex_post = admin.get(url("7f-procurement", f"?ex_post=true&as_of={today}")).json()
    assert ex_post == cli_json("--initiative", "7f-procurement", "--ex-post", "--as-of", today)
    planned = admin.get(url("7f-procurement")).json()
    assert [o["pv_benefits"] for o in ex_post["options"]] != [
        o["pv_benefits"] for o in planned["options"]
    ]
