"""The data-quality check lists what would mislead a board, rule by rule, each with the
benefit, its initiative and how to put it right; the command prints it as text or JSON
and exits 1 when there is anything to put right.

Today is 15 July 2025: with 30 days' grace, actuals up to May 2025 are due.
"""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from realise.benefits.contributions import dismiss_duplicate, set_contribution
from realise.benefits.models import (
    Benefit,
    BenefitShare,
    Contribution,
    Evidence,
    Measurement,
    Objective,
)
from realise.benefits.realisation import benefit_rag
from realise.governance.reminders import overdue_rows
from realise.reports.data_quality import RULES, check
from realise.reports.worklist import overdue_actuals
from tests.factories import (
    BenefitFactory,
    CollaborationFactory,
    InitiativeFactory,
    actual,
    force,
    plan,
)

D = Decimal
TODAY = datetime.date(2025, 7, 15)


def month(number, year=2025):
    return datetime.date(year, number, 1)


def found(report, rule):
    return sorted(issue.reference for issue in report.issues if issue.rule == rule)


def distinct(reference, initiative, **fields):
    """A benefit whose baseline and target no other benefit shares."""
    number = int("".join(c for c in reference if c.isdigit()) or "7")
    fields.setdefault("baseline_value", D(10_000 + number))
    fields.setdefault("target_value", D(5_000 + number))
    fields.setdefault("title", f"Benefit {reference}")
    return BenefitFactory(initiative=initiative, reference=reference, **fields)


@pytest.fixture
def implementing(world):
    return InitiativeFactory(
        collaboration=world.collab, name="Shared HR", slug="shared-hr", stage=4
    )


def test_a_clean_register_has_no_issues(world):
    report = check(today=TODAY)
    assert report.issues == []
    assert report.as_dict() == {
        "as_at": "2025-07-15",
        "counts": dict.fromkeys(RULES, 0),
        "issues": [],
    }


def test_identified_benefits_at_implementation_need_a_plan(world, implementing):
    distinct("HR-1", implementing)  # identified, no plan: listed
    distinct("HR-2", implementing, identified_in_business_case=False)  # found later: fine
    plan(distinct("HR-3", implementing), month(4), ["10"])  # planned: fine
    distinct("EK-9", world.initiative)  # stage 2: not yet due
    report = check(today=TODAY)
    assert found(report, "no-plan") == ["HR-1"]
    issue = report.issues[0]
    assert issue.as_dict()["initiative"] == "shared-hr"
    assert "planned profile" in issue.message and "To put it right" in issue.message


def test_actuals_need_evidence_and_verification(world, implementing):
    benefit = distinct("HR-1", implementing)
    plan(benefit, month(4), ["10", "10"])
    april = actual(benefit, month(4), "10")
    may = actual(benefit, month(5), "10")
    Evidence.objects.create(measurement=april, note="Invoice register, April")
    assert found(check(today=TODAY), "no-evidence") == ["HR-1"]
    assert "1 in May 2025" in check(today=TODAY).issues[0].message
    Evidence.objects.create(measurement=may, note="Invoice register, May")
    assert found(check(today=TODAY), "no-evidence") == []

    # Recorded at noon, London time, 61 and 59 days before today: whatever the hour the test
    # runs and whichever side of a clock change those days fall.
    today = datetime.date.today()
    now = timezone.now()

    def noon(days_ago):
        day = today - datetime.timedelta(days=days_ago)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))

    Measurement.objects.filter(pk=april.pk).update(created_at=noon(61))
    Measurement.objects.filter(pk=may.pk).update(created_at=noon(59))
    report = check(today=today)
    assert found(report, "unverified") == ["HR-1"]
    assert "1 in Apr 2025" in next(i for i in report.issues if i.rule == "unverified").message
    Measurement.objects.filter(pk=april.pk).update(verified_at=now)
    assert found(check(today=today), "unverified") == []


def test_overdue_measurements_are_the_reminders_overdue(world, implementing):
    benefit = distinct("HR-1", implementing)
    plan(benefit, month(4), ["10"] * 6)
    actual(benefit, month(4), "10")
    Evidence.objects.create(measurement=benefit.measurements.get(), note="HR system")
    report = check(today=TODAY)
    # May's actual is due (June is still within its grace): one month overdue.
    assert found(report, "overdue") == ["HR-1"]
    assert "1 in May 2025" in report.issues[0].message


def test_one_rule_of_a_measured_month_for_the_benefit_and_for_each_forces_lead(world, implementing):
    """For the benefit as a whole, any actual measures the month, as the engine's RAG says:
    the data-quality check, the reminders and the RAG agree. A force benefits lead's
    worklist asks of their own force: Kent's lead still has May to record after Essex's
    line, until Kent's own line or one for the whole collaboration; a force outside a
    benefit's own split is never asked."""
    essex, kent = force("Essex"), force("Kent")
    benefit = distinct("HR-1", implementing)
    plan(benefit, month(5), ["10"])
    one = Benefit.objects.filter(pk=benefit.pk)
    (rag,) = benefit_rag(base=one, today=TODAY)
    assert found(check(today=TODAY), "overdue") == ["HR-1"]
    assert [row["benefit"] for row in overdue_rows(TODAY)] == [benefit.pk]  # the reminders
    assert (rag.overdue_months, rag.measurement_overdue) == (1, True)

    Evidence.objects.create(measurement=actual(benefit, month(5), "4", essex), note="Essex")
    (rag,) = benefit_rag(base=one, today=TODAY)
    assert found(check(today=TODAY), "overdue") == []
    assert list(overdue_rows(TODAY)) == []
    assert (rag.overdue_months, rag.measurement_overdue) == (0, False)
    kents = overdue_actuals(one, TODAY, [kent.pk])
    assert [row["benefit"] for row in kents] == [benefit.pk]  # Kent's lead
    assert list(overdue_actuals(one, TODAY, [essex.pk])) == []  # Essex's lead
    Evidence.objects.create(measurement=actual(benefit, month(5), "6", kent), note="Kent")
    assert list(overdue_actuals(one, TODAY, [kent.pk])) == []

    whole = distinct("HR-2", implementing)
    plan(whole, month(5), ["10"])
    Evidence.objects.create(measurement=actual(whole, month(5), "10"), note="Whole")
    assert list(overdue_actuals(Benefit.objects.filter(pk=whole.pk), TODAY, [kent.pk])) == []

    # Kent has no share of HR-3: its lead is never told HR-3 is overdue, even with no
    # actual at all; Essex's lead is.
    essex_only = distinct("HR-3", implementing)
    BenefitShare.objects.create(benefit=essex_only, force=essex, percent=D("100"))
    plan(essex_only, month(5), ["10"])
    only = Benefit.objects.filter(pk=essex_only.pk)
    assert found(check(today=TODAY), "overdue") == ["HR-3"]
    assert list(overdue_actuals(only, TODAY, [kent.pk])) == []
    assert [row["benefit"] for row in overdue_actuals(only, TODAY, [essex.pk])] == [essex_only.pk]


def test_suspected_duplicates_by_values_and_by_title(world, implementing):
    other_collab = CollaborationFactory(name="Seven Forces", slug="7f", visibility="policing")
    elsewhere = InitiativeFactory(collaboration=other_collab, slug="7f-hr", stage=2)
    distinct("HR-1", implementing, baseline_value=D("48200000"), target_value=D("41245000"))
    distinct("7F-1", elsewhere, baseline_value=D("48200000"), target_value=D("41245000"))
    distinct("HR-2", implementing, title="Essex: fewer vetting delays")
    distinct("7F-2", elsewhere, title="Fewer vetting-delays (Kent)")
    distinct("HR-3", implementing, title="Fewer vetting checks")  # a different title
    report = check(today=TODAY)
    assert found(report, "suspected-duplicate") == ["HR-1", "HR-2"]
    duplicates = {i.reference: i for i in report.issues if i.rule == "suspected-duplicate"}
    by_values = duplicates["HR-1"]
    assert "7F-1" in by_values.message and "same unit, baseline and target" in by_values.message
    by_title = duplicates["HR-2"]
    assert "7F-2" in by_title.message and "same title" in by_title.message


def test_the_benefits_named_are_read_in_parts_with_nothing_lost(world, implementing, monkeypatch):
    """The benefits the issues name are read a part at a time (a statement holds at most
    65,535 values on PostgreSQL); with parts of two, every issue still names its benefit."""
    for number in range(1, 6):
        distinct(f"HR-{number}", implementing)  # identified at implementation, no plan
    whole = check(today=TODAY)
    monkeypatch.setattr("realise.reports.data_quality._IDS_AT_ONCE", 2)
    in_parts = check(today=TODAY)
    assert found(in_parts, "no-plan") == ["HR-1", "HR-2", "HR-3", "HR-4", "HR-5"]
    assert in_parts.as_dict() == whole.as_dict()


@pytest.mark.parametrize("at_once", [10_000, 1])
def test_a_duplicate_linked_or_dismissed_is_not_suspected_again(
    world, implementing, admin_user, monkeypatch, at_once
):
    """Also with the suspected benefits read one at a time (a register may suspect more than
    one statement can name on PostgreSQL)."""
    monkeypatch.setattr("realise.reports.data_quality._IDS_AT_ONCE", at_once)
    other = InitiativeFactory(collaboration=world.collab, slug="other", stage=2)
    one = distinct("HR-1", implementing, title="Lower contract prices")
    two = distinct("OT-1", other, title="Lower contract prices")
    three = distinct("OT-2", other, title="lower contract prices.")
    plan(one, month(4), ["100"])
    plan(two, month(4), ["100"])
    assert len(found(check(today=TODAY), "suspected-duplicate")) == 2  # HR-1 with each
    set_contribution(two, one, user=admin_user)
    with pytest.raises(Exception, match="different benefits"):
        dismiss_duplicate(one, three, user=admin_user, reason="  ")
    dismiss_duplicate(three, one, user=admin_user, reason="Different contracts: fleet, not IT")
    assert found(check(today=TODAY), "suspected-duplicate") == []


def test_benefits_below_the_standard_their_initiative_has_passed(world, implementing):
    planned = distinct("HR-1", implementing, measure="", owner=None)
    plan(planned, month(4), ["10"])
    fbc = InitiativeFactory(collaboration=world.collab, slug="fbc", stage=3)
    distinct("FBC-1", fbc, status="proposed")
    distinct("EK-1", world.initiative, measure="")  # stage 2 (OBC): not past it yet
    report = check(today=TODAY)
    assert found(report, "below-standard") == ["FBC-1", "HR-1"]
    messages = {i.reference: i.message for i in report.issues if i.rule == "below-standard"}
    assert "no clear measure, no benefit owner" in messages["HR-1"]
    assert "not agreed" in messages["FBC-1"]


def test_orphans_of_a_collaboration_with_a_map(world, implementing):
    objective = Objective.objects.create(collaboration=world.collab, text="Faster vetting")
    objective.benefits.add(world.benefit)
    distinct("HR-1", implementing, identified_in_business_case=False)
    other = InitiativeFactory(collaboration=CollaborationFactory(slug="nomap"), slug="x")
    distinct("X-1", other)  # its collaboration has no map yet
    assert found(check(today=TODAY), "orphan") == ["HR-1"]


def test_a_parent_whose_children_plan_more(world, implementing):
    parent = distinct("HR-1", implementing, identified_in_business_case=False)
    child = distinct("HR-2", implementing, identified_in_business_case=False)
    plan(parent, month(4), ["100", "100"])  # £200
    plan(child, month(4), ["150", "100"])  # £250, linked before the parent's plan fell
    Contribution.objects.create(child=child, parent=parent)
    report = check(today=TODAY)
    assert found(report, "children-exceed-parent") == ["HR-1"]
    issue = next(i for i in report.issues if i.rule == "children-exceed-parent")
    assert "£250.00 in total, more than its own £200.00" in issue.message


def test_the_command_prints_json_and_exits_1_with_issues(world, implementing, capsys):
    distinct("HR-1", implementing)
    with pytest.raises(SystemExit) as exit_:
        call_command("data-quality", "--format", "json", "--today", "2025-07-15")
    assert exit_.value.code == 1
    data = json.loads(capsys.readouterr().out)
    assert data["as_at"] == "2025-07-15"
    assert data["counts"]["no-plan"] == 1 and set(data["counts"]) == set(RULES)
    assert list(data["issues"][0]) == ["rule", "benefit", "initiative", "message"]
    assert data["issues"][0]["benefit"] == "HR-1"


def test_the_command_exits_0_when_clean_and_2_on_an_unknown_collaboration(world, capsys):
    call_command("data-quality", "--collaboration", "ek", "--today", "2025-07-15")
    assert "no issues" in capsys.readouterr().out
    with pytest.raises(
        CommandError, match="--collaboration: no collaboration with slug 'nope'"
    ) as error:
        call_command("data-quality", "--collaboration", "nope")
    assert error.value.returncode == 2


def test_the_command_narrows_to_a_collaboration(world, implementing, capsys):
    distinct("HR-1", implementing)
    elsewhere = InitiativeFactory(collaboration=CollaborationFactory(slug="far"), stage=4)
    distinct("FAR-1", elsewhere)
    with pytest.raises(SystemExit):
        call_command("data-quality", "--collaboration", "far", "--today", "2025-07-15")
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:] == ["  no-plan: 1", lines[2]]
    assert lines[2].startswith("[no-plan] FAR-1 (")


# The page ------------------------------------------------------------------------------------


@pytest.fixture
def duplicates(world, implementing):
    """A suspected duplicate inside Essex-Kent (private) and one inside a policing
    collaboration that nora (Norfolk) may see."""
    other = InitiativeFactory(collaboration=world.collab, slug="other", stage=2)
    world.one = distinct("HR-1", implementing, title="Lower contract prices")
    world.two = distinct("OT-1", other, title="Lower contract prices (Essex)")
    plan(world.one, month(4), ["100"])
    plan(world.two, month(4), ["100"])
    open_collab = CollaborationFactory(name="Eastern", slug="eastern", visibility="policing")
    first = InitiativeFactory(collaboration=open_collab, slug="e-1", stage=2)
    second = InitiativeFactory(collaboration=open_collab, slug="e-2", stage=2)
    world.three = distinct("E-1", first, title="Shared fleet")
    world.four = distinct("E-2", second, title="Shared fleet")
    return world


def test_the_page_lists_only_what_the_reader_may_see(client, duplicates):
    client.force_login(duplicates.alice)
    page = client.get("/data-quality/").content.decode()
    assert "HR-1" in page and "OT-1" in page and "E-1" in page
    client.force_login(duplicates.nora)
    page = client.get("/data-quality/").content.decode()
    assert "E-1" in page and "HR-1" not in page and "OT-1" not in page
    assert client.get("/data-quality/?collaboration=ek").status_code == 404
    assert client.get("/data-quality/?collaboration=eastern").status_code == 200


def test_the_page_needs_signing_in_and_is_linked_from_the_collaboration(client, duplicates):
    assert client.get("/data-quality/").status_code == 302
    client.force_login(duplicates.alice)
    page = client.get("/collaborations/ek/").content.decode()
    assert "/data-quality/?collaboration=ek" in page
    assert (
        "/data-quality/?collaboration=ek"
        in client.get("/dashboards/collaborations/ek/").content.decode()
    )


def test_a_duplicate_is_linked_or_dismissed_from_the_page(client, duplicates):
    client.force_login(duplicates.alice)
    url = "/data-quality/duplicates/"
    ids = {"benefit": duplicates.one.pk, "other": duplicates.two.pk}
    response = client.post(url, {**ids, "dismiss": "1", "reason": ""}, follow=True)
    assert "Say why" in response.content.decode()
    response = client.post(url, {**ids, "link": "other"}, follow=True)
    assert "OT-1 is now counted within HR-1" in response.content.decode()
    assert Contribution.objects.get(child=duplicates.two).parent == duplicates.one
    assert (
        "May be the same benefit"
        not in client.get("/data-quality/?collaboration=ek").content.decode()
    )


def test_nobody_settles_a_pair_they_may_not_see(client, duplicates):
    client.force_login(duplicates.nora)
    response = client.post(
        "/data-quality/duplicates/",
        {"benefit": duplicates.one.pk, "other": duplicates.three.pk, "dismiss": "1", "reason": "x"},
    )
    assert response.status_code == 404


def test_the_page_reads_in_welsh_and_the_command_stays_english(client, world, implementing, capsys):
    benefit = distinct("HR-1", implementing)
    plan(benefit, month(4), ["10"] * 6)
    actual(benefit, month(4), "10")  # no evidence yet
    client.force_login(world.alice)
    client.post("/language/", {"language": "cy", "next": "/"})
    page = client.get("/data-quality/").content.decode()
    assert "Gwerthoedd gwirioneddol heb dystiolaeth: 1 yn Ebrill 2025." in page
    assert "Atodwch y dystiolaeth i bob gwerth gwirioneddol" in page  # how to put it right
    assert "Gwerthoedd gwirioneddol heb dystiolaeth</td>" in page or (
        "Gwerthoedd gwirioneddol heb dystiolaeth<br>" in page
    )  # the rule's name
    assert "Actuals with no evidence" not in page and "Attach the evidence" not in page
    with pytest.raises(SystemExit):
        call_command("data-quality", "--format", "json", "--today", "2025-07-15")
    messages = [issue["message"] for issue in json.loads(capsys.readouterr().out)["issues"]]
    assert "Actuals with no evidence: 1 in Apr 2025. To put it right: Attach" in " ".join(messages)


def test_each_issue_links_to_where_it_is_put_right_for_those_who_may(client, world, implementing):
    objective = Objective.objects.create(collaboration=world.collab, text="Faster vetting")
    objective.benefits.add(world.benefit)
    unplanned = distinct("HR-1", implementing)  # no-plan and orphan
    below = distinct("HR-2", implementing, measure="")  # below-standard and orphan
    plan(below, month(4), ["10"])
    undocumented = distinct("HR-3", implementing)
    objective.benefits.add(undocumented)
    plan(undocumented, month(4), ["10"])
    actual(undocumented, month(4), "10")  # no evidence
    client.force_login(world.alice)  # the programme team: may put everything right
    page = client.get("/data-quality/").content.decode()
    assert f'href="/benefits/{unplanned.pk}/plan/"' in page
    assert f'href="/benefits/{below.pk}/edit/"' in page
    assert 'href="/initiatives/shared-hr/map/#orphans"' in page
    assert f'href="/benefits/{undocumented.pk}/#actuals"' in page
    client.force_login(world.dave)  # a viewer: only the pages that would not refuse them
    page = client.get("/data-quality/").content.decode()
    assert "HR-1" in page and "HR-2" in page
    assert f'href="/benefits/{unplanned.pk}/plan/"' not in page
    assert f'href="/benefits/{below.pk}/edit/"' not in page
    assert 'href="/initiatives/shared-hr/map/#orphans"' in page
    assert f'href="/benefits/{undocumented.pk}/#actuals"' in page


def test_a_suspected_duplicate_links_to_the_other_benefit(client, duplicates):
    client.force_login(duplicates.nora)
    page = client.get("/data-quality/?collaboration=eastern").content.decode()
    assert f'href="/benefits/{duplicates.four.pk}/"' in page


def test_children_a_reader_may_not_see_are_not_added_into_what_the_page_tells_them(
    client, world, implementing
):
    """Eastern's parent plans £200; Essex-Kent's (private) child £250 and Eastern's own
    child £50. Norfolk's nora sees the parent but not the private child: nothing of its £250
    reaches her; its programme team sees £300 against £200."""
    eastern = CollaborationFactory(name="Eastern", slug="eastern", visibility="policing")
    parent = distinct("E-1", InitiativeFactory(collaboration=eastern, slug="e-1"))
    plan(parent, month(4), ["100", "100"])
    hidden = distinct("HR-1", implementing)
    plan(hidden, month(4), ["150", "100"])
    shown = distinct("E-2", InitiativeFactory(collaboration=eastern, slug="e-2"))
    plan(shown, month(4), ["50"])
    Contribution.objects.create(child=hidden, parent=parent)
    Contribution.objects.create(child=shown, parent=parent)
    client.force_login(world.nora)
    page = client.get("/data-quality/").content.decode()
    assert "E-1" in page and "£250.00" not in page and "£300.00" not in page
    assert "children-exceed-parent</code>" not in page.split("</table>", 1)[1]
    client.force_login(world.alice)
    page = client.get("/data-quality/").content.decode()
    assert "plan £300.00 in total, more than its own £200.00" in page
    assert found(check(today=TODAY), "children-exceed-parent") == ["E-1"]
