"""A force starting a vetting collaboration finds earlier vetting collaborations and their
lessons under "Related"."""

import pytest

from realise.knowledge.search import related
from tests.factories import CollaborationFactory, share
from tests.knowledge.makers import LessonFactory


@pytest.fixture
def earlier(world):
    eastern = CollaborationFactory(
        name="Eastern Joint Vetting Unit",
        function="vetting",
        visibility="policing",
        purpose="One vetting unit clears recruits, contractors and officers for three forces.",
    )
    share(eastern, "Norfolk", "50")
    share(eastern, "Suffolk", "50")
    forensic = CollaborationFactory(
        name="Regional Forensic Science Service",
        function="forensics",
        visibility="policing",
        purpose="Shared laboratories for DNA, fingerprints and digital forensics.",
    )
    share(forensic, "Kent", "100")
    lesson = LessonFactory(
        collaboration=eastern,
        title="Triage vetting applications by clearance level",
        what_happened="Sorting vetting applications by clearance level halved the backlog of "
        "recruit vetting within six months.",
    )
    LessonFactory(
        collaboration=forensic,
        title="Accredit the DNA laboratory before moving casework",
        what_happened="Casework moved before ISO 17025 accreditation had to be repeated.",
    )
    return eastern, lesson


def test_a_new_vetting_collaboration_finds_the_earlier_one_and_its_lessons(world, earlier):
    eastern, lesson = earlier
    starting = CollaborationFactory(
        name="South West Vetting Collaboration",
        function="vetting",
        visibility="policing",
        purpose="Four forces plan one vetting service to clear recruits faster.",
    )
    titles = [hit.title for hit in related(starting, user=world.nora)]
    assert titles[:2] == ["Eastern Joint Vetting Unit", lesson.title] or titles[:2] == [
        lesson.title,
        "Eastern Joint Vetting Unit",
    ]
    assert "Regional Forensic Science Service" not in titles[:2]
    assert "South West Vetting Collaboration" not in titles


def test_a_lessons_related_items_leave_out_itself(world, earlier):
    _, lesson = earlier
    titles = [hit.title for hit in related(lesson, user=world.nora)]
    assert lesson.title not in titles
    assert titles[0] == "Eastern Joint Vetting Unit"


def test_the_related_block_is_on_the_collaboration_and_lesson_pages(world, earlier, client):
    eastern, lesson = earlier
    client.force_login(world.nora)
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert "Related collaborations and lessons" in page and "Eastern Joint Vetting Unit" in page
    page = client.get(eastern.get_absolute_url()).content.decode()
    assert "Related collaborations and lessons" in page
    assert "1 lesson" in page
