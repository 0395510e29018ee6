"""Benchmarking on an empty register (a module of its own: the benchmarking tests'
module reads the shared world, which has a collaboration)."""

from django.urls import reverse

from tests.factories import member


def test_empty_state(forces, client):
    client.force_login(member("olive", "Norfolk", "viewer"))
    page = client.get(reverse("benchmark")).content.decode()
    assert "There are no collaborations to compare yet." in page
