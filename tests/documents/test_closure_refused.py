"""Closing an initiative refuses without every item, and names each one missing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from realise.collaborations.models import InitiativeStatus
from realise.documents.services import (
    ClosurePlan,
    ClosureRefused,
    HandoverInput,
    LessonInput,
    check_closure,
    close_initiative,
)
from realise.knowledge.models import Lesson
from tests.factories import PersonFactory

TODAY = datetime.date(2026, 11, 15)


def complete_plan(w) -> ClosurePlan:
    bau = PersonFactory(name="Bea Usual", role_title="Head of vetting services")
    return ClosurePlan(
        lessons=[
            LessonInput(
                what_happened="Two forces kept separate vetting queues for a year.",
                what_to_avoid="Running two queues in parallel.",
                theme="workforce",
            )
        ],
        handovers={
            benefit.pk: HandoverInput(bau_owner=bau, continuing_measures="Monthly cost per check")
            for benefit in (w.money, w.hours, w.benefit)
        },
        review_date=datetime.date(2027, 5, 1),
        realised_confirmed=True,
    )


def messages(problems) -> list[str]:
    return [problem.message for problem in problems]


def test_an_empty_plan_names_every_missing_item(vetting):
    problems = check_closure(vetting.initiative, ClosurePlan(), today=TODAY)
    assert messages(problems) == [
        "Confirm the level of benefits realised shown.",
        "Add at least one lesson learned.",
        "V-BACKLOG Reduced vetting backlog: name its owner in business as usual.",
        "V-BACKLOG Reduced vetting backlog: say which measures continue.",
        "V-HOURS Vetting officer hours released: name its owner in business as usual.",
        "V-HOURS Vetting officer hours released: say which measures continue.",
        "V-MONEY Cheaper vetting checks: name its owner in business as usual.",
        "V-MONEY Cheaper vetting checks: say which measures continue.",
        "Give the date of the post-implementation review.",
    ]


def test_each_lesson_needs_what_happened_what_to_repeat_or_avoid_and_a_theme(vetting):
    plan = complete_plan(vetting)
    plan.lessons = [
        LessonInput(title="Half a lesson"),
        LessonInput(),  # left empty: ignored
        LessonInput(what_happened="A good thing", what_to_repeat="Do it again", theme="nonsense"),
    ]
    assert messages(check_closure(vetting.initiative, plan, today=TODAY)) == [
        "Lesson 1: say what happened.",
        "Lesson 1: say what to repeat or what to avoid.",
        "Lesson 1: choose a theme.",
        "Lesson 3: choose a theme.",
    ]


def test_the_review_must_come_after_the_closure(vetting):
    plan = complete_plan(vetting)
    plan.review_date = TODAY
    assert messages(check_closure(vetting.initiative, plan, today=TODAY)) == [
        "The post-implementation review must be after the closure."
    ]


def test_a_fully_realised_benefit_needs_no_hand_over(vetting):
    vetting.benefit.status = "realised"  # no plan, nothing short of it
    vetting.benefit.save()
    vetting.money.status = "realised"  # marked realised, but £6,250 of £12,000 realised
    vetting.money.save()
    plan = complete_plan(vetting)
    del plan.handovers[vetting.benefit.pk]
    del plan.handovers[vetting.money.pk]
    assert messages(check_closure(vetting.initiative, plan, today=TODAY)) == [
        "V-MONEY Cheaper vetting checks: name its owner in business as usual.",
        "V-MONEY Cheaper vetting checks: say which measures continue.",
    ]


def test_close_refuses_and_writes_nothing(vetting):
    plan = complete_plan(vetting)
    plan.realised_confirmed = False
    with pytest.raises(ClosureRefused) as refused:
        close_initiative(vetting.initiative, plan, user=vetting.alice, today=TODAY)
    assert messages(refused.value.problems) == ["Confirm the level of benefits realised shown."]
    vetting.initiative.refresh_from_db()
    assert vetting.initiative.status == InitiativeStatus.ACTIVE
    assert not Lesson.objects.exists()


def test_only_the_programme_team_may_close(vetting):
    with pytest.raises(PermissionDenied):
        close_initiative(vetting.initiative, complete_plan(vetting), user=vetting.bob, today=TODAY)


def test_a_lesson_given_twice_is_refused_naming_it_and_nothing_is_written(vetting):
    """The same lesson twice in one closure (a copy and paste) is refused as the lessons log
    refuses it, beside the second lesson, and the initiative stays open."""
    plan = complete_plan(vetting)
    plan.lessons = plan.lessons * 2
    with pytest.raises(ClosureRefused) as refused:
        close_initiative(vetting.initiative, plan, user=vetting.alice, today=TODAY)
    [problem] = refused.value.problems
    assert problem.field == "lessons-1-title"
    assert "is already recorded for" in str(problem.message)
    vetting.initiative.refresh_from_db()
    assert vetting.initiative.status == InitiativeStatus.ACTIVE
    assert not Lesson.objects.exists()
