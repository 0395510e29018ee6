"""The economic case in Welsh (#20): the Green Book engine stays standard library only and
writes English; the appraisal app words its errors, its project types and the comparison
with business as usual for a Welsh page, and the workbook keeps the engine's English."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from realise.appraisal import counterfactual, greenbook, services, words
from tests.factories import actual, plan

D = Decimal


@pytest.fixture(autouse=True)
def _english_after():
    yield
    translation.activate("en-gb")


def case_url(world, rest=""):
    return f"/initiatives/{world.initiative.slug}/economic-case/{rest}"


@pytest.fixture
def case(world):
    """Business as usual, and an option with a nominal cost line but no deflators (so it
    cannot be appraised) and a standard-buildings optimism bias."""
    baseline = services.business_as_usual(world.initiative)
    services.save_option(world.initiative, user=world.alice, option=baseline, first_year=2025)
    services.save_cost_line(
        baseline, user=world.alice, name="Old system", kind="opex", values={2025: D("400")}
    )
    option = services.save_option(
        world.initiative,
        user=world.alice,
        name="Shared unit",
        first_year=2025,
        optimism_bias_capex="standard_buildings",
    )
    services.save_cost_line(
        option,
        user=world.alice,
        name="Contract",
        kind="opex",
        prices="nominal",
        values={2025: D("1000")},
    )
    return option


def welsh(client, world):
    client.force_login(world.alice)
    client.post("/language/", {"language": "cy", "next": "/"})
    return client


def test_a_case_that_cannot_be_appraised_says_why_in_welsh(client, world, case):
    page = welsh(client, world).get(case_url(world)).content.decode()
    assert "deflators: mae eu hangen ar gyfer y llinell enwol &#x27;Contract&#x27;" in page
    assert "required for nominal line" not in page

    # The workbook asked for from the same Welsh session keeps the engine's English.
    workbook = load_workbook(io.BytesIO(client.get(case_url(world, "economic-case.xlsx")).content))
    summary = [row[12].value for row in workbook["Summary"].iter_rows(min_row=5)]
    assert "deflators: required for nominal line 'Contract'" in summary
    note = workbook["Shared unit"].cell(row=3, column=1).value
    assert note == "Cannot be appraised: deflators: required for nominal line 'Contract'"


def test_the_option_names_its_project_type_in_welsh(client, world, case):
    welsh(client, world)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Gwariant cyfalaf: 24% (terfyn uchaf Adeiladau safonol)" in page
    assert "Standard buildings" not in page
    form = client.get(case_url(world, f"options/{case.pk}/edit/")).content.decode()
    assert '<th scope="row" class="govuk-table__header">Allanoli</th>' in form
    assert "Outsourcing" not in form

    workbook = load_workbook(io.BytesIO(client.get(case_url(world, "economic-case.xlsx")).content))
    assert "(Standard buildings upper bound)" in workbook["Shared unit"].cell(row=2, column=1).value


def test_the_comparison_with_business_as_usual_reads_in_welsh(client, world, case):
    services.replace_deflators(world.initiative, {2025: D("100")}, user=world.alice)
    page = welsh(client, world).get(case_url(world)).content.decode()
    assert "Yn costio £600.00 yn fwy na busnes fel arfer am yr un budd." in page
    assert "more than business as usual" not in page
    translation.activate("en-gb")
    english = services.compare_options(world.initiative).appraisals[1].increment
    assert english.summary == "Costs £600.00 more than business as usual for the same benefit."


def test_the_app_words_every_code_of_the_engine_in_the_engines_english():
    """Each problem, summary and project type the engine can give is worded for people, and
    in English exactly as the engine writes it (so the command line and the pages agree)."""
    with translation.override("en-gb"):
        assert set(words.PROBLEMS) == set(greenbook.PROBLEMS)
        assert {code: str(text) for code, text in words.PROBLEMS.items()} == greenbook.PROBLEMS
        assert set(words.SUMMARIES) == set(counterfactual.SUMMARIES)
        assert {
            code: str(text) for code, text in words.SUMMARIES.items()
        } == counterfactual.SUMMARIES
        assert {key: str(label) for key, label in words.PROJECT_TYPES.items()} == {
            key: pt.label for key, pt in greenbook.OPTIMISM_BIAS_PROJECT_TYPES.items()
        }


def test_an_engine_error_keeps_its_english_message_and_carries_its_code():
    with pytest.raises(greenbook.AppraisalError) as error:
        greenbook.parse_input(
            {
                "first_year": 2025,
                "deflators": {"2025": "100", "2026": "0"},
                "costs": [{"name": "Build", "kind": "capex", "values": {"2025": 1}}],
                "benefits": [],
            }
        )
    assert str(error.value) == "deflators.2026: must be greater than 0"
    assert (error.value.path, error.value.code, error.value.params) == (
        "deflators.2026",
        "not_positive",
        {},
    )
    with translation.override("cy"):
        assert str(words.error_text(error.value)) == "deflators.2026: rhaid iddo fod yn fwy na 0"
    with pytest.raises(greenbook.AppraisalError) as several:
        counterfactual.appraise_options({"options": [{"first_year": 2025, "costs": []}]})
    assert str(several.value) == "options[0].benefits: required"
    with translation.override("cy"):
        assert str(words.error_text(several.value)) == "options[0].benefits: yn ofynnol"


def test_an_options_lines_and_the_ex_post_years_say_their_basis_in_welsh(
    client, world, case, monkeypatch
):
    plan(world.benefit, datetime.date(2025, 4, 1), ["100"] * 12)
    actual(world.benefit, datetime.date(2025, 4, 1), "90")
    services.save_benefit_line(case, user=world.alice, name="Savings", benefit=world.benefit)
    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda *args, **kwargs: datetime.date(2026, 5, 15)
    )
    welsh(client, world)

    page = client.get(case.get_absolute_url()).content.decode()
    prices = re.findall(
        r'<td class="govuk-table__cell">(Real|Nominal|Enwol[^<]*|Real \([^<]*)</td>', page
    )
    assert prices == ["Enwol (arian parod)", "Real (blwyddyn sylfaen prisiau)"]

    page = client.get(case_url(world, "ex-post/")).content.decode()
    assert '<td class="govuk-table__cell">Gwerth gwirioneddol</td>' in page
    assert '<td class="govuk-table__cell">Actual</td>' not in page
