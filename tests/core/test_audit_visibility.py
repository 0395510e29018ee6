"""Each audit record is seen exactly when the object it describes is: a private body,
lesson or document inside an open collaboration stays private in the trail too, and so do
the records of everything beneath it (meetings, decisions, actions, document versions)."""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile

from realise.benefits.contributions import (
    remove_contribution,
    replace_attributions,
    set_contribution,
)
from realise.collaborations.models import Collaboration
from realise.core.permissions import visible_audit_records
from realise.governance.models import Action, Decision, GovernanceBody, Meeting
from realise.knowledge.models import Document, DocumentVersion, Lesson
from tests.factories import BenefitFactory, InitiativeFactory, member, plan, share


def _seen(user) -> set[tuple[str, str]]:
    return {(r.model, r.object_repr) for r in visible_audit_records(user)}


def _texts(user) -> str:
    return " ".join(f"{r.object_repr} {r.before} {r.after}" for r in visible_audit_records(user))


def test_private_records_inside_an_open_collaboration_stay_private_in_the_trail(world):
    open_one = Collaboration.objects.create(
        name="Open Roads", slug="open-roads", purpose="p", visibility="policing"
    )
    share(open_one, "Essex", "100")
    board = GovernanceBody.objects.create(
        collaboration=open_one, name="Open board", slug="open-board", body_type="programme_board"
    )
    secret_board = GovernanceBody.objects.create(
        collaboration=open_one,
        name="Covert tasking board",
        slug="covert",
        body_type="programme_board",
        visibility="private",
    )
    meeting = Meeting.objects.create(
        body=secret_board, date=datetime.date(2026, 5, 1), notes="Informant budget"
    )
    decision = Decision.objects.create(
        body=secret_board, meeting=meeting, text="Fund the covert unit"
    )
    Action.objects.create(decision=decision, text="Brief the handlers")
    Decision.objects.create(
        body=board, decided_on=datetime.date(2026, 5, 1), text="Publish the roads plan"
    )
    Lesson.objects.create(
        collaboration=open_one,
        title="Lesson about source handling",
        theme="people",
        what_happened="x",
        date=datetime.date(2026, 1, 1),
        visibility="private",
    )
    document = Document.objects.create(
        collaboration=open_one, kind="other", title="Sealed annex", visibility="private"
    )
    DocumentVersion.objects.create(
        document=document,
        number=1,
        file=ContentFile(b"%PDF-1.4", name="annex.pdf"),
        original_name="annex-of-the-covert-plan.pdf",
        file_type="pdf",
        content_type="application/pdf",
        size=8,
    )
    benefit = BenefitFactory(
        initiative=InitiativeFactory(collaboration=open_one, name="Roads"), title="Fewer crashes"
    )
    plan(benefit, datetime.date(2026, 4, 1), ["10"])

    # ivy inspects for Norfolk: not a member of either collaboration.
    ivy = member("ivy", "Norfolk", "viewer")
    seen = _seen(ivy)
    texts = _texts(ivy)
    assert ("collaborations.collaboration", "Open Roads") in seen
    assert ("governance.governancebody", "Open board") in seen
    assert ("benefits.benefit", "Fewer crashes") in seen
    assert any(model == "benefits.plannedvalue" for model, _ in seen)
    assert any(model == "governance.decision" and "roads plan" in t for model, t in seen)
    for secret in (
        "Covert tasking board",
        "Informant budget",
        "Fund the covert unit",
        "Brief the handlers",
        "source handling",
        "Sealed annex",
        "annex-of-the-covert-plan",
        # the private collaboration of the world fixture and all beneath it
        "Essex and Kent Serious Crime",
        "Reduced vetting backlog",
        "EK Programme Board",
    ):
        assert secret not in texts, secret
    # dave inspects for Essex, a member of both: he sees all of it.
    texts = _texts(world.dave)
    for shown in ("Covert tasking board", "Brief the handlers", "annex-of-the-covert-plan"):
        assert shown in texts


def test_deleted_objects_are_resolved_as_they_were(world):
    open_one = Collaboration.objects.create(
        name="Open Roads", slug="open-roads", purpose="p", visibility="policing"
    )
    secret_board = GovernanceBody.objects.create(
        collaboration=open_one,
        name="Covert tasking board",
        slug="covert",
        body_type="programme_board",
        visibility="private",
    )
    Meeting.objects.create(body=secret_board, date=datetime.date(2026, 5, 1), notes="Gone")
    secret_board.meetings.all().delete()
    lesson = Lesson.objects.create(
        collaboration=open_one,
        title="Private lesson later deleted",
        theme="people",
        what_happened="x",
        date=datetime.date(2026, 1, 1),
        visibility="private",
    )
    lesson.delete()
    open_lesson = Lesson.objects.create(
        collaboration=open_one,
        title="Open lesson later deleted",
        theme="people",
        what_happened="x",
        date=datetime.date(2026, 1, 1),
    )
    open_lesson.delete()
    benefit = BenefitFactory(initiative=InitiativeFactory(collaboration=open_one))
    plan(benefit, datetime.date(2026, 4, 1), ["10"])
    benefit.planned_values.all().delete()

    ivy = member("ivy", "Norfolk", "viewer")
    records = visible_audit_records(ivy)
    texts = _texts(ivy)
    assert "Private lesson later deleted" not in texts
    assert "Gone" not in texts
    assert records.filter(model="knowledge.lesson", action="delete").count() == 1
    assert "Open lesson later deleted" in texts
    assert records.filter(model="benefits.plannedvalue", action="delete").count() == 1


def test_records_of_unknown_kinds_are_for_administrators_alone(world):
    from realise.core.audit import Entry, append

    append([Entry(None, "", "create", "somewhere.thing", "1", "Stray", None, "command", None, {})])
    ivy = member("ivy", "Norfolk", "viewer")
    admin = member("ada", "Norfolk", "administrator")
    assert not visible_audit_records(ivy).filter(model="somewhere.thing").exists()
    assert visible_audit_records(admin).filter(model="somewhere.thing").exists()


def test_a_link_to_a_private_record_is_seen_only_by_whoever_sees_both_ends(world):
    """A contribution or attribution names both of its ends ("Fewer crashes contributes to
    Reduced vetting backlog"): its record is kept from a reader who may not see the other
    end, while it is live and after it is removed."""
    open_one = Collaboration.objects.create(
        name="Open Roads", slug="open-roads", purpose="p", visibility="policing"
    )
    share(open_one, "Essex", "100")
    child = BenefitFactory(
        initiative=InitiativeFactory(collaboration=open_one, name="Roads"), title="Fewer crashes"
    )
    plan(child, datetime.date(2026, 4, 1), ["10"])
    plan(world.benefit, datetime.date(2026, 4, 1), ["100"])
    ada = member("ada", "Essex", "administrator")
    set_contribution(child, world.benefit, user=ada)
    replace_attributions(child, {world.initiative: Decimal("40")}, user=ada)
    ivy = member("ivy", "Norfolk", "viewer")

    def links(user) -> str:
        kinds = ("benefits.contribution", "benefits.attribution")
        records = visible_audit_records(user).filter(model__in=kinds)
        return " ".join(f"{r.action} {r.object_repr}" for r in records)

    assert "Fewer crashes" in _texts(ivy)
    assert links(ivy) == ""
    assert "create Fewer crashes contributes to Reduced vetting backlog" in links(world.dave)
    assert "create Joint vetting: 40% of Fewer crashes" in links(world.dave)

    remove_contribution(child, user=ada)
    replace_attributions(child, {}, user=ada)
    assert links(ivy) == ""
    assert links(world.dave).count("delete") == 2
