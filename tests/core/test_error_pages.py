"""Refusals explained, pages not found and server errors, all in the site's style; and a
refusal is one line in the log."""

import io
import logging
import logging.config

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from realise.core.errors import Refused, permission_denied, server_error


def text(response) -> str:
    return " ".join(response.content.decode().split())


def test_a_refusal_says_what_was_refused_and_names_the_programme_team(client, world):
    world.alice.last_name = "Adams"
    world.alice.save()
    client.force_login(world.dave)  # a viewer in Essex: sees the collaboration, edits nothing

    response = client.get("/collaborations/ek/edit/")

    assert response.status_code == 403
    page = text(response)
    assert "You do not have permission to do this" in page
    assert "You may not change the collaboration ‘Essex and Kent Serious Crime’." in page
    assert "Roles in Essex and Kent Serious Crime are granted by its programme team:" in page
    assert "<li>Alice Adams</li>" in page
    assert 'class="govuk-footer"' in page


def test_a_force_wide_programme_team_is_named_too(client, world):
    from tests.factories import member

    member("kim", "Kent", "programme_team")  # no collaboration named: all of Kent's
    member("nat", "Norfolk", "programme_team")  # Norfolk is not in the collaboration
    client.force_login(world.dave)
    page = text(client.get("/collaborations/ek/edit/"))
    assert "<li>Alice</li><li>Kim</li> </ul>" in page


def test_someone_who_may_not_see_the_collaboration_is_not_told_who_runs_it(world):
    request = RequestFactory().get("/")
    request.user = world.nora
    response = permission_denied(request, Refused("You may not do this.", obj=world.collab))
    page = text(response)
    assert response.status_code == 403
    assert "Alice" not in page and "Essex and Kent" not in page
    assert "Roles are granted by the programme team of the collaboration you work in" in page


def test_a_refusal_does_not_name_what_the_reader_may_not_see(client, world):
    client.force_login(world.nora)  # Norfolk: outside the private collaboration
    response = client.get("/collaborations/ek/edit/")
    page = text(response)
    assert response.status_code in (403, 404)
    assert "Essex and Kent" not in page and "Alice" not in page


def test_a_service_refusal_is_shown_as_written(world):
    request = RequestFactory().get("/")
    request.user = world.dave
    response = permission_denied(request, PermissionDenied("You may not verify this actual."))
    assert "You may not verify this actual." in text(response)


def test_a_refusal_is_one_line_in_the_log(client, world, settings):
    settings.DEBUG = True  # Django's own console handler logs too when debugging
    stream = io.StringIO()
    config = {**settings.LOGGING}
    config["handlers"] = {"console": {"class": "logging.StreamHandler", "stream": stream}}
    logging.config.dictConfig(config)
    try:
        client.force_login(world.dave)
        assert client.get("/collaborations/ek/edit/").status_code == 403
    finally:
        logging.config.dictConfig(settings.LOGGING)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1, lines  # the request's own line, at INFO: no traceback
    assert lines[0].startswith("GET /collaborations/ek/edit/ 403")


def test_a_page_not_found_is_in_the_site_style(client, world):
    client.force_login(world.nora)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = text(response)
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in page
    assert "Go to the home page" in page
    assert 'class="govuk-footer"' in page


def test_the_server_error_page_needs_no_database():
    """No `db` fixture: any query here would fail the test."""
    request = RequestFactory().get("/benefits/1/", HTTP_X_REQUEST_ID="req-7f3a9c")
    response = server_error(request)
    assert response.status_code == 500
    page = text(response)
    assert "Sorry, there is a problem with the service" in page
    assert "req-7f3a9c" in page
    assert 'class="govuk-footer"' in page


def test_the_server_error_page_prefers_the_request_id_set_by_the_site():
    request = RequestFactory().get("/", HTTP_X_REQUEST_ID="<script>")
    request.request_id = "a1b2c3d4"
    assert "a1b2c3d4" in text(server_error(request))
    request = RequestFactory().get("/", HTTP_X_REQUEST_ID="<script>alert(1)</script>")
    page = text(server_error(request))
    assert "<script>alert" not in page and "request ID" not in page


@pytest.mark.parametrize(
    ("path", "heading", "facts"),
    [
        ("/accessibility/", "Accessibility statement", ["WCAG", "axe-core"]),
        ("/privacy/", "Privacy notice", ["e-mail address", "roles", "audit trail"]),
        ("/cookies/", "Cookies", ["sessionid", "csrftoken", "14 days", "no analytics"]),
    ],
)
def test_the_information_pages_are_open_to_everyone_and_linked_from_the_footer(
    client, db, path, heading, facts
):
    home = text(client.get("/"))
    assert f'href="{path}"' in home
    response = client.get(path)
    assert response.status_code == 200
    page = text(response)
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in page
    for fact in facts:
        assert fact in page, fact


def test_logging_settings_keep_the_refusal_filter():
    assert "no_refusals" in settings.LOGGING["loggers"]["django.request"]["filters"]
