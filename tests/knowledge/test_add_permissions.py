"""Adding lessons and documents: the signed out sign in, others are told they may not."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from realise.knowledge.views import DocumentCreateView, LessonCreateView


def test_the_signed_out_are_asked_to_sign_in(client, world):
    for url in ("/repository/lessons/new/", "/repository/documents/new/"):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith("/accounts/login/?next="), url


def test_those_who_may_not_add_are_told_so(client, world):
    client.force_login(world.nora)
    assert client.get("/repository/documents/new/").status_code == 403
    for view, message in (
        (LessonCreateView, "You may not add lessons."),
        (DocumentCreateView, "You may not add documents."),
    ):
        request = RequestFactory().get("/")
        request.user = world.dave
        with pytest.raises(PermissionDenied, match=message):
            view.as_view()(request)


def test_the_programme_team_gets_the_forms(client, world):
    client.force_login(world.alice)
    assert client.get("/repository/lessons/new/").status_code == 200
    assert client.get("/repository/documents/new/").status_code == 200
