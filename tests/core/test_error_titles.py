"""A page that shows a form's errors says so first in its title ("Error: ..."), once, as the
GOV.UK pattern asks, so that screen reader users hear it before anything else."""

import re

from tests.factories import CollaborationFactory


def title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


def test_a_form_with_errors_starts_its_title_with_error_once(client, world):
    client.force_login(world.alice)
    edit = f"/benefits/{world.benefit.pk}/edit/"
    assert not title(client.get(edit)).startswith("Error:")
    response = client.post(edit, {"title": ""})
    assert response.status_code in (200, 400)
    assert title(response).startswith("Error: ")
    assert title(response).count("Error:") == 1


def test_a_page_without_a_form_error_has_no_error_in_its_title(client, world):
    CollaborationFactory(name="Another", slug="another")
    client.force_login(world.alice)
    assert "Error:" not in title(client.get("/"))
    assert "Error:" not in title(client.get("/actuals/month/"))


def test_the_month_page_says_error_once_for_a_bad_month_or_bad_lines(client, world):
    client.force_login(world.bob)
    assert title(client.get("/actuals/month/?month=13&year=2026")).count("Error:") == 1
