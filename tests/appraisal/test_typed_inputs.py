"""What people type into the economic case forms: financial years as 2025/26, amounts as
finance teams write them (commas between thousands, a pound sign, brackets for a negative),
and refusals that name the line, the value and the field."""

import html as html_module
import re
from decimal import Decimal

import pytest

from realise.appraisal import services
from realise.appraisal.models import BenefitLine, CostLine, Option
from tests.factories import BenefitFactory

D = Decimal


def case_url(world, rest=""):
    return f"/initiatives/{world.initiative.slug}/economic-case/{rest}"


def summary(response) -> list[tuple[str, str]]:
    """The error summary: each problem's link (the field it is about, '' for none) and text."""
    page = response.content.decode()
    start = page.index("govuk-error-summary__list")
    items = re.findall(r"<li>(.*?)</li>", page[start : page.index("</ul>", start)], re.S)
    out = []
    for item in items:
        link = re.search(r'href="#([^"]+)"', item)
        text = html_module.unescape(re.sub(r"<[^>]+>", "", item)).strip()
        out.append((link[1] if link else "", text))
    return out


OPTION = {"discount_schedule": "standard", "order": "1"}


@pytest.fixture
def option(world):
    baseline = services.business_as_usual(world.initiative, user=world.alice)
    services.save_option(world.initiative, user=world.alice, option=baseline, first_year=2025)
    return services.save_option(world.initiative, user=world.alice, name="Invest", first_year=2025)


def add_costs(client, option, values, name="Fit-out"):
    return client.post(
        f"{option.get_absolute_url()}costs/new/",
        {"name": name, "kind": "capex", "prices": "real", "values": values},
    )


def test_the_first_year_and_price_base_year_may_be_written_as_financial_years(client, world):
    client.force_login(world.alice)
    response = client.post(
        case_url(world, "options/new/"),
        {**OPTION, "name": "Regional hub", "first_year": "2025/26", "price_base_year": "2024-25"},
    )
    assert response.status_code == 302
    option = Option.objects.get(name="Regional hub")
    assert (option.first_year, option.price_base_year) == (2025, 2024)

    response = client.post(
        case_url(world, "options/new/"),
        {**OPTION, "name": "Elsewhere", "first_year": "2025/27"},
    )
    assert response.status_code == 200
    assert summary(response) == [
        ("id_first_year", "'2025/27' is not a financial year: write 2025 or 2025/26.")
    ]
    response = client.post(
        case_url(world, "options/new/"), {**OPTION, "name": "Long ago", "first_year": "1800"}
    )
    assert summary(response) == [
        ("id_first_year", "Ensure this value is greater than or equal to 1900.")
    ]
    assert not Option.objects.filter(name__in=["Elsewhere", "Long ago"]).exists()


TAKEN = "This initiative already has an option called 'Invest'."


def test_an_option_named_as_another_is_refused_naming_the_name(client, world, option):
    client.force_login(world.alice)
    response = client.post(
        case_url(world, "options/new/"), {**OPTION, "name": "Invest", "first_year": "2025"}
    )
    assert response.status_code == 200
    assert summary(response) == [
        ("id_name", "This initiative already has an option called 'Invest'.")
    ]
    # Renaming another option to it, business as usual too, is refused the same way.
    baseline = Option.objects.get(initiative=world.initiative, is_business_as_usual=True)
    response = client.post(
        f"{baseline.get_absolute_url()}edit/", {**OPTION, "name": "Invest", "first_year": "2025"}
    )
    assert summary(response) == [
        ("id_name", "This initiative already has an option called 'Invest'.")
    ]
    assert Option.objects.filter(initiative=world.initiative, name="Invest").count() == 1


def test_a_comma_that_does_not_group_thousands_is_refused_not_read_as_another_amount(
    client, world, option
):
    client.force_login(world.alice)
    for typed in ("12,50", "1,25,000", ",1000"):
        response = add_costs(client, option, f"2025/26 100\n2026/27 {typed}")
        assert response.status_code == 200, typed
        assert summary(response) == [
            (
                "id_values",
                f"Line 2: '{typed}' is not an amount: use commas only between thousands and "
                "a full stop for decimals, e.g. 1,250.50.",
            )
        ]
    assert not CostLine.objects.filter(option=option).exists()


def test_amounts_are_read_as_finance_teams_write_them(client, world, option):
    client.force_login(world.alice)
    typed = (
        "2025/26 £1,250.50\n2026 (1,000)\n2027 £(2,500.25)\n2028 (£300)\n2029 £ 4,000\n2030 1.500"
    )
    response = add_costs(client, option, typed)
    assert response.status_code == 302
    line = CostLine.objects.get(option=option)
    assert dict(line.values.values_list("year", "amount")) == {
        2025: D("1250.50"),
        2026: D("-1000"),
        2027: D("-2500.25"),
        2028: D("-300"),
        2029: D("4000"),
        2030: D("1.50"),
    }


@pytest.mark.parametrize(
    "typed, message",
    [
        ("NaN", "Line 1: 'NaN' is not a number."),
        ("Infinity", "Line 1: 'Infinity' is not a number."),
        ("1.005", "Line 1: '1.005' has more than 2 decimal places."),
        ("100 200", "Line 1: write a financial year and an amount in pounds, e.g. 2025/26 125000."),
        ("((100))", "Line 1: '((100))' is not a number."),
        ("--1,250", "Line 1: '--1,250' is not a number."),
        ("-£-1,250", "Line 1: '-£-1,250' is not a number."),
        ("+-1,250", "Line 1: '+-1,250' is not a number."),
    ],
)
def test_an_amount_that_cannot_be_read_is_refused_saying_why(client, world, option, typed, message):
    client.force_login(world.alice)
    response = add_costs(client, option, f"2025 {typed}")
    assert summary(response) == [("id_values", message)]
    assert not CostLine.objects.filter(option=option).exists()


def test_the_cost_per_hour_may_be_written_with_a_pound_sign(client, world, option):
    client.force_login(world.alice)
    hours = BenefitFactory(initiative=world.initiative, subcategory="1b", unit="hours")
    response = client.post(
        f"{option.get_absolute_url()}benefits/new/",
        {
            "name": "Officer hours",
            "prices": "real",
            "benefit": hours.pk,
            "cost_per_hour": "£1,035.50",
        },
    )
    assert response.status_code == 302
    assert BenefitLine.objects.get(name="Officer hours").cost_per_hour == D("1035.50")


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize(
    "series, said",
    [
        ("2025/26 100", "Saved the deflator series (1 year)."),
        ("2025/26 100\n2026/27 102.5", "Saved the deflator series (2 years)."),
        ("", "Cleared the deflator series: no years are left."),
    ],
)
def test_saving_the_deflators_says_how_many_years_in_words(client, world, series, said):
    client.force_login(world.alice)
    response = client.post(case_url(world, "deflators/"), {"series": series}, follow=True)
    assert said in messages_of(response)


def test_the_chart_names_every_option_as_it_was_typed(client, world, option):
    """Option names are words, not chart mark-up: dollar signs are not mathematics, and a
    leading underscore does not hide an option from the legend."""
    names = ["_Draft", r"Spend $\frac$ or", "Cost $5m or $6m"]
    for name in names:
        other = services.save_option(world.initiative, user=world.alice, name=name, first_year=2025)
        services.save_cost_line(other, user=world.alice, name="Run", kind="opex", values={2025: 1})
    client.force_login(world.dave)
    chart = client.get(case_url(world, "chart.svg"))
    assert chart.status_code == 200
    svg = html_module.unescape(chart.content.decode())
    for name in names:
        assert name in svg


def test_a_form_sent_twice_at_once_saves_one_record_and_says_why_not_the_other(
    client, world, option, monkeypatch
):
    """The second of two identical requests checks the name before the first has saved,
    then meets the database's own rule: it is refused in words, not with an error page."""
    client.force_login(world.alice)
    services.save_cost_line(option, user=world.alice, name="Fit-out", kind="capex")
    # What the second request finds when it checks: no option or line of that name yet.
    monkeypatch.setattr(services, "_check_option_name", lambda option: None)
    monkeypatch.setattr(services, "_check_name", lambda *args: None)
    for model in (Option, CostLine):
        checked = model.full_clean
        monkeypatch.setattr(
            model,
            "full_clean",
            lambda self, *args, checked=checked, **kwargs: checked(
                self, *args, **{**kwargs, "validate_constraints": False}
            ),
        )
    for model, url, data in (
        (
            Option,
            case_url(world, "options/new/"),
            {**OPTION, "name": "Invest", "first_year": "2025"},
        ),
        (
            CostLine,
            f"{option.get_absolute_url()}costs/new/",
            {"name": "Fit-out", "kind": "capex", "prices": "real", "values": "2025 100"},
        ),
    ):
        response = client.post(url, data)
        assert response.status_code == 200
        [(field, text)] = summary(response)
        assert field == "id_name" and "already has" in text and f"'{data['name']}'" in text
        assert model.objects.filter(name=data["name"]).count() == 1


def test_a_year_written_in_other_digits_is_refused(client, world, option):
    client.force_login(world.alice)
    response = add_costs(client, option, "٢٠٢٥ 100")
    assert summary(response) == [
        ("id_values", "Line 1: '٢٠٢٥' is not a financial year (write 2025 or 2025/26).")
    ]
    response = client.post(
        case_url(world, "options/new/"), {**OPTION, "name": "Full width", "first_year": "２０２５"}
    )
    assert summary(response) == [
        ("id_first_year", "'２０２５' is not a number: write it with the digits 0 to 9.")
    ]
    assert not CostLine.objects.filter(option=option).exists()
