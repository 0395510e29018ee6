"""A private record answers 404 to whoever may not see it, as if it did not exist; a
reader who may see a record but not change it is told so (403)."""

import datetime

from realise.collaborations.models import Collaboration
from realise.governance.models import GovernanceBody
from realise.knowledge.models import Lesson
from tests.factories import share


def _lesson(collaboration, title, visibility):
    return Lesson.objects.create(
        collaboration=collaboration,
        title=title,
        theme="people",
        what_happened="x",
        date=datetime.date(2026, 1, 1),
        visibility=visibility,
    )


def test_private_lessons_answer_404_and_open_ones_403_to_a_reader_who_may_not_edit(client, world):
    roads = Collaboration.objects.create(name="Open Roads", slug="roads", purpose="p")
    share(roads, "Suffolk", "100")
    private = _lesson(roads, "Private lesson", "private")
    open_one = _lesson(roads, "Open lesson", "policing")
    client.force_login(world.nora)
    for address in ("/repository/lessons/{}/", "/repository/lessons/{}/edit/"):
        assert client.get(address.format(private.pk)).status_code == 404
        assert client.get(address.format(99999)).status_code == 404
    assert client.get(f"/repository/lessons/{open_one.pk}/").status_code == 200
    assert client.get(f"/repository/lessons/{open_one.pk}/edit/").status_code == 403
    assert client.post(f"/repository/lessons/{open_one.pk}/delete/").status_code == 403
    assert client.post(f"/repository/lessons/{private.pk}/delete/").status_code == 404


def test_a_private_collaboration_answers_404_to_another_force_and_sign_in_to_nobody(client, world):
    client.force_login(world.nora)
    assert client.get("/collaborations/ek/").status_code == 404
    assert client.get("/collaborations/ek/edit/").status_code == 404
    assert client.get("/initiatives/joint-vetting/").status_code == 404
    assert client.get(f"/benefits/{world.benefit.pk}/edit/").status_code == 404
    client.logout()
    # Anonymous: the same answer as for a collaboration that does not exist.
    assert (
        client.get("/collaborations/ek/").status_code
        == client.get("/collaborations/no-such-thing/").status_code
    )


def test_the_collaboration_pages_do_not_name_a_private_body_to_outsiders(client, world):
    roads = Collaboration.objects.create(name="Open Roads", slug="roads", purpose="p")
    share(roads, "Suffolk", "100")
    GovernanceBody.objects.create(
        collaboration=roads, name="Open Roads Board", slug="roads-board", body_type="other"
    )
    GovernanceBody.objects.create(
        collaboration=roads,
        name="Covert Tasking Board",
        slug="covert",
        body_type="other",
        visibility="private",
    )
    client.force_login(world.nora)
    for address in ("/collaborations/roads/", "/repository/collaborations/roads/"):
        page = client.get(address).content.decode()
        assert "Open Roads Board" in page
        assert "Covert Tasking Board" not in page
