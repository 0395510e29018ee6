"""The "Verify actuals" list sets beside a force's actual that force's part of the month's
plan, split exactly as the month form and every other figure split it
(`realisation.forces.month_plan_parts`), and beside the whole collaboration's actual the
whole plan; the previous actual beside each is the same force's (or the whole's).

Essex holds 47.3% of the collaboration and Kent 52.7%; frank measures the benefit and
verifies what bob (Essex), carol (Kent) and alice (the whole collaboration) record.
"""

import datetime
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from realise.benefits.realisation.forces import month_plan_parts
from realise.benefits.services import record_measurement
from tests.factories import BenefitFactory, PersonFactory, force, member, plan

LAST_MONTH = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
MONTH_BEFORE = (LAST_MONTH - datetime.timedelta(days=1)).replace(day=1)
TWO_BEFORE = (MONTH_BEFORE - datetime.timedelta(days=1)).replace(day=1)


@pytest.fixture
def frank(world):
    user = member("frank", "Kent", "viewer")
    world.frank_person = PersonFactory(name="Frank Measurer", user=user)
    world.benefit.reference = "EK-1"
    world.benefit.measurement_owner = world.frank_person
    world.benefit.save()
    return user


def record(world, who, whose, value, period=LAST_MONTH, benefit=None):
    return record_measurement(
        benefit or world.benefit,
        period,
        user=getattr(world, who),
        force=force(whose) if whose else None,
        value=Decimal(value),
        evidence_note="Ledger extract",
    )


def listed(client, user):
    client.force_login(user)
    response = client.get("/benefits/verification/")
    assert response.status_code == 200
    return list(response.context["measurements"]), unescape(response.content.decode())


def row_of(html, reference, month, whose):
    """The table row of one actual, found by its visually hidden "Verify ..." words."""
    table = html.split('id="actuals-table"')[1].split("</table>")[0]
    for row in table.split("<tr")[1:]:
        if f'Verify<span class="govuk-visually-hidden"> {reference} {month:%B %Y} {whose}' in row:
            return row
    raise AssertionError(f"no row for {reference} {month} {whose}")


def plan_cell(row):
    return row.split("govuk-table__cell--numeric")[2]


def test_a_forces_actual_is_set_beside_its_part_of_the_plan(client, world, frank):
    """£1,500 planned: Essex's part is £709.50, Kent's £790.50; the whole actual's is £1,500."""
    plan(world.benefit, LAST_MONTH, ["1500.00"])
    record(world, "bob", "Essex", "900.00")
    record(world, "carol", "Kent", "800.00")
    record(world, "alice", None, "1700.00")

    rows, html = listed(client, frank)

    shown = {m.force.name if m.force else "whole": m.planned for m in rows}
    assert shown == {
        "Essex": Decimal("709.50"),
        "Kent": Decimal("790.50"),
        "whole": Decimal("1500.00"),
    }
    essex = plan_cell(row_of(html, "EK-1", LAST_MONTH, "Essex"))
    assert "£709.50" in essex and "Essex's part of £1,500.00" in essex
    kent = plan_cell(row_of(html, "EK-1", LAST_MONTH, "Kent"))
    assert "£790.50" in kent
    whole = plan_cell(row_of(html, "EK-1", LAST_MONTH, "whole collaboration"))
    assert "£1,500.00" in whole and "part of" not in whole


def test_the_part_is_the_month_forms_to_the_penny(client, world, frank):
    """Month by month a force's part is the change in its penny-exact split of the running
    total: with 33.33, 33.33 and 33.35 planned, Essex's parts are those the month form
    shows, and Essex's and Kent's parts make the whole each month."""
    plan(world.benefit, TWO_BEFORE, ["33.33", "33.33", "33.35"])
    for period in (TWO_BEFORE, MONTH_BEFORE, LAST_MONTH):
        record(world, "bob", "Essex", "10.00", period=period)
        record(world, "carol", "Kent", "10.00", period=period)

    rows, _ = listed(client, frank)

    essex, kent = force("Essex"), force("Kent")
    for m in rows:
        expected = month_plan_parts([(world.benefit, m.force)], m.period)
        assert m.planned == expected[(world.benefit.pk, m.force.pk)], (m.period, m.force)
    by = {(m.period, m.force.name): m.planned for m in rows}
    assert by[(LAST_MONTH, "Essex")] == Decimal("15.77")
    for period, whole in ((TWO_BEFORE, "33.33"), (MONTH_BEFORE, "33.33"), (LAST_MONTH, "33.35")):
        assert by[(period, essex.name)] + by[(period, kent.name)] == Decimal(whole)


def test_a_level_shows_the_collaborations_level_and_says_so(client, world, frank):
    level = BenefitFactory(
        initiative=world.initiative,
        reference="EK-L",
        subcategory="2a",
        direction="increase",
        unit="percent",
        baseline_value=Decimal("60"),
        target_value=Decimal("80"),
        measurement_owner=world.frank_person,
    )
    plan(level, LAST_MONTH, ["75"])
    record(world, "bob", "Essex", "70", benefit=level)

    rows, html = listed(client, frank)

    assert [m.planned for m in rows] == [Decimal("75.00")]
    cell = plan_cell(row_of(html, "EK-L", LAST_MONTH, "Essex"))
    assert "75" in cell and "whole collaboration" in cell


def test_no_plan_for_the_month_says_none(client, world, frank):
    record(world, "bob", "Essex", "900.00")
    rows, html = listed(client, frank)
    assert rows[0].planned is None
    assert ">None<" in plan_cell(row_of(html, "EK-1", LAST_MONTH, "Essex"))


def test_the_previous_actual_is_the_same_forces(client, world, frank):
    """Kent and the whole collaboration recorded the month before; Essex two months before:
    beside Essex's actual is Essex's own previous one."""
    record(world, "bob", "Essex", "111.00", period=TWO_BEFORE)
    record(world, "carol", "Kent", "222.00", period=MONTH_BEFORE)
    record(world, "alice", None, "333.00", period=MONTH_BEFORE)
    record(world, "bob", "Essex", "444.00")
    record(world, "carol", "Kent", "555.00")
    record(world, "alice", None, "666.00")

    rows, _ = listed(client, frank)

    previous = {
        m.force.name if m.force else "whole": (m.previous_period, m.previous_value)
        for m in rows
        if m.period == LAST_MONTH
    }
    assert previous == {
        "Essex": (TWO_BEFORE, Decimal("111.00")),
        "Kent": (MONTH_BEFORE, Decimal("222.00")),
        "whole": (MONTH_BEFORE, Decimal("333.00")),
    }


def test_the_parts_cost_no_query_per_row(client, world, frank):
    """Eight actuals of one month take no more queries than one."""
    plan(world.benefit, LAST_MONTH, ["1500.00"])
    record(world, "bob", "Essex", "900.00")

    def queries():
        client.force_login(frank)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/benefits/verification/").status_code == 200
        return len(captured)

    queries()  # the reader's access and the navigation's count, kept after the first page
    one = queries()
    for n in range(7):
        benefit = BenefitFactory(initiative=world.initiative, measurement_owner=world.frank_person)
        plan(benefit, LAST_MONTH, ["1000.00"])
        record(world, "bob", "Essex", f"{n + 1}00.00", benefit=benefit)
    queries()  # what the writes moved is worked out again once
    assert queries() == one
