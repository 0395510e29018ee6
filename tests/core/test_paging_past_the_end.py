"""A page number past the end of an HTML list (an old link, after rows were deleted) shows
the list's last page, and one that is not a number its first, on every list alike, never
a 404 that reads as if the list did not exist. The API keeps its documented 404."""

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tests.knowledge.makers import LessonFactory

pytestmark = pytest.mark.django_db

LISTS = [
    "/collaborations/",
    "/pipeline/",
    "/governance/",
    "/governance/decisions/",
    "/governance/notifications/",
    "/benefits/verification/",
    "/repository/lessons/",
    "/repository/documents/",
    "/public/",
    "/search/?q=vetting",
    "/people/",
    "/access/",
    "/access/invitations/",
    "/access/cover/",
    "/audit/",
]


def shown_page(response):
    """The page of the list the response shows, whichever way the view pages it."""
    context = response.context
    for key in ("table",):
        if key in context and getattr(context[key], "page", None) is not None:
            return context[key].page
    for key in ("page_obj", "page"):
        if context.get(key) is not None:
            return context[key]
    raise AssertionError(f"no page in {response.request['PATH_INFO']}")


@pytest.fixture
def admin(world):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def with_page(url: str, page: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}page={page}"


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("page", ["999", "0", "-1"])
def test_a_page_out_of_range_shows_the_last_page(client, admin, url, page):
    client.force_login(admin)
    response = client.get(with_page(url, page))
    assert response.status_code == 200
    shown = shown_page(response)
    # Django's `Paginator.get_page`, as every list does: a number out of range is the last.
    assert shown.number == shown.paginator.num_pages


@pytest.mark.parametrize("url", LISTS)
def test_a_page_that_is_not_a_number_shows_the_first(client, admin, url):
    client.force_login(admin)
    response = client.get(with_page(url, "abc"))
    assert response.status_code == 200
    assert shown_page(response).number == 1


def test_an_old_link_to_a_page_that_no_longer_exists_shows_the_last_lessons(client, world):
    lessons = [
        LessonFactory(collaboration=world.collab, title=f"Vetting lesson {n:02d}")
        for n in range(45)
    ]
    client.force_login(world.alice)
    response = client.get("/repository/lessons/?page=7&sort=title")
    assert response.status_code == 200
    page = response.context["page_obj"]
    assert (page.number, page.paginator.num_pages) == (3, 3)
    html = response.content.decode()
    last = page.object_list[len(page.object_list) - 1]
    assert last.title in html
    assert len(page.object_list) == 5 and {item.pk for item in page.object_list} <= {
        lesson.pk for lesson in lessons
    }


def test_a_page_that_is_last_by_name_still_works(client, world):
    for n in range(25):
        LessonFactory(collaboration=world.collab, title=f"Lesson {n}")
    client.force_login(world.alice)
    response = client.get("/repository/lessons/?page=last")
    assert response.status_code == 200 and response.context["page_obj"].number == 2


def test_the_api_still_answers_404_past_the_end(world):
    api = APIClient()
    api.force_authenticate(world.alice)
    assert api.get("/api/v1/lessons/?page=999").status_code == 404
