"""A page's POST form carries one CSRF token, and a GET form none: a token in a search or
filter form would be put in the address of its results (browser history, server logs,
shared links)."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from realise.benefits.models import Benefit
from realise.governance.models import GovernanceBody, Meeting


class _Forms(HTMLParser):
    """Each <form> on a page: its method and how many CSRF token inputs it holds."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._open = {"method": (attrs.get("method") or "get").lower(), "tokens": 0}
            self.forms.append(self._open)
        elif tag == "input" and attrs.get("name") == "csrfmiddlewaretoken":
            if self._open is None:
                self.forms.append({"method": "outside any form", "tokens": 1})
            else:
                self._open["tokens"] += 1

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


def _forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def test_the_form_reader_counts_tokens_per_form():
    html = (
        '<form method="get"><input name="q"></form>'
        '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="a">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="a"></form>'
    )
    assert _forms(html) == [{"method": "get", "tokens": 0}, {"method": "post", "tokens": 2}]


@pytest.mark.django_db
def test_every_form_on_the_demo_pages_carries_the_token_only_when_it_posts(demo_data, client):
    client.force_login(get_user_model().objects.get(username="admin"))
    body = GovernanceBody.objects.order_by("pk").first()
    meeting = Meeting.objects.order_by("pk").first()
    benefit = Benefit.objects.order_by("pk").first()
    pages = [
        reverse("audit-list"),
        reverse("register"),
        reverse("dashboard-national"),
        reverse("directory"),
        reverse("people-list"),
        reverse("body-detail", args=[body.slug]),
        reverse("body-edit", args=[body.slug]),
        reverse("board-pack", args=[body.slug]),
        reverse("meeting-detail", args=[meeting.pk]),
        reverse("benefit-plan-as-at", args=[benefit.pk]),
        reverse("benefit-detail", args=[benefit.pk]),
    ]
    wrong, seen = {}, {"get": 0, "post": 0}
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        for form in _forms(response.content.decode()):
            seen[form["method"]] = seen.get(form["method"], 0) + 1
            expected = 1 if form["method"] == "post" else 0
            if form["tokens"] != expected:
                wrong.setdefault(page, []).append(form)
    assert wrong == {}
    # The pages hold both kinds, so the check above could fail either way.
    assert seen["get"] >= 5 and seen["post"] >= 3, seen
