"""Welsh forces show their Welsh names on the register's pages read in Welsh: the benefit
page's choice of force and its note of the force's part, and the actuals awaiting
verification (each actual and the force filter), as the month form already does."""

import datetime
import re
from html import unescape

import pytest

from realise.benefits.services import record_measurement
from tests.factories import (
    BenefitFactory,
    CollaborationFactory,
    InitiativeFactory,
    force,
    member,
    share,
)

LAST_MONTH = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


@pytest.fixture
def wales(world):
    collab = CollaborationFactory(name="Gwent and South Wales", slug="gsw")
    share(collab, "Gwent", "40")
    share(collab, "South Wales", "60")
    world.gwent_lead = member("gwen", "Gwent", "force_lead")
    world.wales_team = member("dai", "South Wales", "programme_team", collab)
    world.welsh_benefit = BenefitFactory(
        initiative=InitiativeFactory(collaboration=collab, name="Joint custody"),
        reference="GSW-1",
    )
    record_measurement(
        world.welsh_benefit,
        LAST_MONTH,
        user=world.gwent_lead,
        force=force("Gwent"),
        value=1000,
        evidence_note="Ledger",
    )
    return world


def welsh(client, path):
    return unescape(client.get(path, HTTP_ACCEPT_LANGUAGE="cy").content.decode())


def test_the_actuals_awaiting_verification_name_the_welsh_force_in_welsh(client, wales):
    client.force_login(wales.wales_team)
    page = welsh(client, "/benefits/verification/")
    table = page.split('id="actuals-table"')[1]
    assert "Heddlu Gwent" in table
    options = re.findall(r"<option[^>]*>(.*?)</option>", page.split('id="id_force"')[1])
    assert "Heddlu Gwent" in options and "Heddlu De Cymru" in options


def test_the_benefit_page_offers_and_names_the_welsh_force_in_welsh(client, wales):
    client.force_login(wales.wales_team)
    gwent = force("Gwent")
    page = welsh(client, wales.welsh_benefit.get_absolute_url())
    options = re.findall(r"<option[^>]*>(.*?)</option>", page.split('id="id_force"')[1])
    assert "Heddlu Gwent" in options and "Heddlu De Cymru" in options
    chosen = welsh(client, f"{wales.welsh_benefit.get_absolute_url()}?force={gwent.pk}")
    note = chosen.split('id="force-part"')[1].split("</p>")[0]
    assert "Heddlu Gwent" in note and "Gwent's" not in note
