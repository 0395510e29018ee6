"""The people a record names are found in the directory of people, shown by the people API
and offered in forms (`Person.objects.known_to`, `choosable_by`) to whoever may see that
record: a governance body's chair and members, an action's owner, a lesson's author, an
opportunity's owner, whoever requested a change, the owners a closure hands benefits over
to and a highlight report's author. A record the reader may not see (a private body or
decision, a private lesson, an OFFICIAL-SENSITIVE closure, anything of a private
collaboration of other forces) makes no one findable."""

import datetime
from types import SimpleNamespace

import pytest

from realise.benefits.models import ChangeRequest
from realise.documents.models import BenefitHandover, ClosureRecord, HighlightReport, Marking
from realise.governance.models import Action, BodyMember, Decision
from realise.organisations.models import Person
from tests.factories import (
    BenefitFactory,
    CollaborationFactory,
    GovernanceBodyFactory,
    InitiativeFactory,
    PersonFactory,
    force,
    share,
)
from tests.knowledge.makers import LessonFactory
from tests.pipeline.makers import opportunity

D = datetime.date


def person(name: str) -> Person:
    """Someone of Norfolk, linked to nothing but the record that names them."""
    return PersonFactory(name=name, force=force("Norfolk"))


@pytest.fixture
def neighbours(world):
    """Records of the open Norfolk and Suffolk collaboration (alice, of Essex, sees it but is
    none of its own) and of a private one of the same forces, each naming one person."""
    ns = CollaborationFactory(name="Norfolk and Suffolk", slug="ns", visibility="policing")
    secret = CollaborationFactory(name="Eastern Secret", slug="eastern", visibility="private")
    for collaboration in (ns, secret):
        share(collaboration, "Norfolk", "50")
        share(collaboration, "Suffolk", "50")
    p = SimpleNamespace(
        chair=person("Chloe Chair"),
        sitter=person("Milo Member"),
        doer=person("Ada Action"),
        author=person("Lena Lesson"),
        idea_owner=person("Otto Opportunity"),
        requester=person("Rhys Request"),
        bau=person("Bea Business"),
        measurer=person("Meg Measure"),
        writer=person("Hal Highlight"),
        private_chair=person("Petra Private"),
        private_sitter=person("Pip Private"),
        secret_doer=person("Sam Secret"),
        locked_author=person("Lorna Locked"),
        hidden_chair=person("Harriet Hidden"),
        hidden_author=person("Hugo Hidden"),
        sensitive_bau=person("Sid Sensitive"),
    )
    board = GovernanceBodyFactory(collaboration=ns, name="NS Board", slug="ns-board", chair=p.chair)
    BodyMember.objects.create(body=board, person=p.sitter)
    private_board = GovernanceBodyFactory(
        collaboration=ns,
        name="NS Private Board",
        slug="ns-private",
        visibility="private",
        chair=p.private_chair,
    )
    BodyMember.objects.create(body=private_board, person=p.private_sitter)
    GovernanceBodyFactory(
        collaboration=secret, name="Secret Board", slug="secret-board", chair=p.hidden_chair
    )
    open_decision = Decision.objects.create(
        body=board, decided_on=D(2026, 3, 10), text="Share the depot", visibility="policing"
    )
    Action.objects.create(decision=open_decision, text="Draft the lease", owner=p.doer)
    private_decision = Decision.objects.create(
        body=board, decided_on=D(2026, 3, 10), text="Drop the supplier", visibility="private"
    )
    Action.objects.create(decision=private_decision, text="Tell counsel", owner=p.secret_doer)
    LessonFactory(collaboration=ns, title="Open lesson", author=p.author)
    LessonFactory(
        collaboration=ns, title="Private lesson", author=p.locked_author, visibility="private"
    )
    LessonFactory(collaboration=secret, title="Hidden lesson", author=p.hidden_author)
    opportunity(ns, "Shared depot", "1000", 50, owner=p.idea_owner)
    initiative = InitiativeFactory(collaboration=ns, name="Shared fleet", slug="shared-fleet")
    benefit = BenefitFactory(initiative=initiative, title="Fewer vans")
    ChangeRequest.objects.create(benefit=benefit, reason="Slipped", requested_by=p.requester)
    closure = ClosureRecord.objects.create(initiative=initiative, closed_on=D(2026, 3, 31))
    BenefitHandover.objects.create(
        closure=closure,
        benefit=benefit,
        bau_owner=p.bau,
        measurement_owner=p.measurer,
        continuing_measures="Fleet size",
    )
    HighlightReport.objects.create(initiative=initiative, month=D(2026, 3, 1), author=p.writer)
    sensitive = InitiativeFactory(collaboration=ns, name="Custody review", slug="custody-review")
    sensitive_benefit = BenefitFactory(initiative=sensitive, title="Fewer cells")
    sensitive_closure = ClosureRecord.objects.create(
        initiative=sensitive, closed_on=D(2026, 3, 31), marking=Marking.OFFICIAL_SENSITIVE
    )
    BenefitHandover.objects.create(
        closure=sensitive_closure,
        benefit=sensitive_benefit,
        bau_owner=p.sensitive_bau,
        measurement_owner=p.sensitive_bau,
        continuing_measures="Cells in use",
    )
    return p


FOUND = [
    "chair",
    "sitter",
    "doer",
    "author",
    "idea_owner",
    "requester",
    "bau",
    "measurer",
    "writer",
]
NOT_FOUND = [
    "private_chair",
    "private_sitter",
    "secret_doer",
    "locked_author",
    "hidden_chair",
    "hidden_author",
    "sensitive_bau",
]


@pytest.mark.parametrize("who", FOUND)
def test_a_person_named_by_a_record_the_reader_sees_is_found(client, world, neighbours, who):
    named = getattr(neighbours, who)
    client.force_login(world.alice)
    assert client.get(f"/api/v1/people/{named.pk}/").status_code == 200
    assert Person.objects.choosable_by(world.alice).filter(pk=named.pk).exists()


@pytest.mark.parametrize("who", NOT_FOUND)
def test_a_person_named_only_by_a_record_the_reader_may_not_see_is_not(
    client, world, neighbours, who
):
    named = getattr(neighbours, who)
    client.force_login(world.alice)
    assert client.get(f"/api/v1/people/{named.pk}/").status_code == 404
    assert not Person.objects.known_to(world.alice).filter(pk=named.pk).exists()
    assert not Person.objects.choosable_by(world.alice).filter(pk=named.pk).exists()


def test_the_collaborations_own_forces_find_the_people_of_its_private_records(
    client, world, neighbours
):
    """nora, of Norfolk, sees the private body, decision, lesson and closure of her own
    force's collaborations, and so finds the people they name."""
    client.force_login(world.nora)
    for who in FOUND + NOT_FOUND:
        named = getattr(neighbours, who)
        assert client.get(f"/api/v1/people/{named.pk}/").status_code == 200, who


def test_the_directory_lists_a_chair_and_an_author_the_reader_may_find(client, world, neighbours):
    client.force_login(world.alice)
    page = client.get("/people/?force=norfolk").content.decode()
    assert "Chloe Chair" in page
    assert "Lena Lesson" in page
    assert "Petra Private" not in page
    assert "Harriet Hidden" not in page
    assert "Lorna Locked" not in page


def test_a_form_offers_the_chair_of_a_body_the_reader_sees(client, world, neighbours):
    client.force_login(world.alice)
    page = client.get("/repository/lessons/new/").content.decode()
    assert "Chloe Chair" in page
    assert "Petra Private" not in page
    assert "Harriet Hidden" not in page


def test_the_directory_is_one_query(world, neighbours, django_assert_num_queries):
    """Every link is a subquery of the one query that lists the people."""
    people = Person.objects.known_to(world.alice)
    list(people)  # works out alice's access once
    with django_assert_num_queries(1):
        list(Person.objects.known_to(world.alice))
