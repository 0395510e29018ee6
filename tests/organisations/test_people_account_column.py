"""The named people page says whether each person's account can be used: a deactivated
account is not shown as an account they have; an invitation not yet accepted is."""

import re

from django.test import Client

from realise.organisations import services
from tests.factories import PersonFactory, UserFactory


def account_of(page: str, name: str) -> str:
    """The Account cell of `name`'s row on the people page."""
    row = re.search(rf"<tr[^>]*>\s*<td[^>]*>{re.escape(name)}</td>.*?</tr>", page, re.S)
    assert row, f"no row for {name}"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)
    return cells[4].strip()


def test_each_persons_account_is_described_as_it_stands(world, ada):
    PersonFactory(name="Pat Holt")
    PersonFactory(name="Sam Active", user=UserFactory(username="sam"))
    gone = UserFactory(username="gwen")
    PersonFactory(name="Gwen Gone", user=gone)
    services.set_active(gone, False, by=ada)
    services.invite(
        email="ivor@essex.police.uk", role="viewer", first_name="Ivor", last_name="Price", by=ada
    )
    client = Client()
    client.force_login(ada)
    page = client.get("/access/people/").content.decode()
    assert account_of(page, "Pat Holt") == "No account"
    assert account_of(page, "Sam Active") == "Has an account"
    assert account_of(page, "Gwen Gone") == "Account deactivated"
    # An invitee's account is inactive until they accept, and is theirs all the same.
    assert account_of(page, "Ivor Price") == "Has an account"

    services.set_active(gone, True, by=ada)
    page = client.get("/access/people/").content.decode()
    assert account_of(page, "Gwen Gone") == "Has an account"
