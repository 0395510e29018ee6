"""One rule, one place: each refused action reads the same whichever way a person came in.

Each row of the table is a refused action; each column a way in (the pages, the API, the
Excel register import, the command line). Every way in that offers the action must refuse
it with the same message, the one the rule writes.
"""

import datetime
import html
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from rest_framework.test import APIClient

from realise.benefits.baselines import freeze_baseline
from realise.collaborations.models import StageDecision
from realise.governance.models import Decision, Meeting
from realise.reports.register.importing import import_register
from realise.reports.register.xlsx import BENEFITS, INITIATIVES, PLANNED, write_register
from tests.factories import GovernanceBodyFactory, force, plan

STAGE_SKIP = (
    "Stages move one at a time: from 1 Strategic outline case (SOC) the next stage is "
    "2 Outline business case (OBC). Moving to 3 Full business case (FBC) would skip "
    "2 Outline business case (OBC)."
)
MOVE_BACK_WITHOUT_REASON = (
    "Moving back from 2 Outline business case (OBC) to 1 Strategic outline case (SOC) needs a "
    "reason: give it in the notes."
)
WRONG_BODY = (
    "EK Finance Group does not decide the gate into 3 Full business case (FBC); "
    "the bodies that may decide it: EK Programme Board."
)
MOVE_BACK_WRONG_BODY = (
    "A move back from 2 Outline business case (OBC) is decided by a body that decides the gate "
    "into 2 Outline business case (OBC); EK Finance Group does not. The bodies that may decide "
    "it: EK Programme Board."
)
BEFORE_PREVIOUS = (
    "The decision cannot be dated 1 January 1900, before the initiative's previous stage "
    "decision, on 1 June 2026."
)
STAGE_BY_EDIT = (
    "The stage moves only through a stage decision: on the initiative's stage page, or with "
    "POST /api/v1/stage-decisions/. A new initiative starts at 0 Strategic assessment."
)
CLOSED_BY_EDIT = (
    "An initiative is closed only through its closure (/initiatives/joint-vetting/close/), "
    "which records the lessons learned, hands its benefits over to business as usual and keeps "
    "the closure report."
)
BELOW_STANDARD = (
    "Below the minimum standard of an initiative at 2 Outline business case (OBC): "
    "no benefit owner."
)
BASELINED = (
    "The plan of 'Reduced vetting backlog' is baselined: re-profile it through a change request."
)
SHARES = "Force shares must add up to exactly 100%; these add up to 90%."


# Reading a refusal from each way in ---------------------------------------------------------


def page_messages(response) -> list[str]:
    """The error summaries, field errors and banners of a page, as plain text."""
    text = response.content.decode()
    found = []
    for summary in re.findall(r'govuk-error-summary__list">(.*?)</ul>', text, re.S):
        found += re.findall(r"<li[^>]*>(.*?)</li>", summary, re.S)
    found += re.findall(
        r'class="govuk-error-message"[^>]*>\s*<span class="govuk-visually-hidden">Error:</span>'
        r"([^<]*)<",
        text,
    )
    found += re.findall(r'class="govuk-notification-banner__heading">(.*?)</p>', text, re.S)
    cleaned = []
    for item in found:
        item = html.unescape(re.sub(r"<[^>]+>", "", item))
        item = re.sub(r"\s+", " ", item.replace("Error:", "")).strip()
        cleaned.append(item)
    return cleaned


def api_messages(response) -> list[str]:
    assert response.status_code == 400, response.content
    body = response.json()
    if "gate" in body:
        return body["gate"]["problems"]
    out = []
    for messages in body.values():
        out += messages if isinstance(messages, list) else [messages]
    return out


def cli_messages(*args) -> list[str]:
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command(*args, stdout=out)
    assert exit_info.value.code == 1
    return [line.strip() for line in out.getvalue().splitlines()[1:]]


def import_messages(result) -> list[str]:
    assert not result.written
    return [error.reason for error in result.errors]


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def stage_form(world, to_stage, body, notes=""):
    return {"to_stage": str(to_stage), "body": body.pk, "decided_on": "2026-11-20", "notes": notes}


def stage_api(world, to_stage, body, notes=""):
    return {
        "initiative": world.initiative.pk,
        "to_stage": to_stage,
        "body": body.pk,
        "decided_on": "2026-11-20",
        "notes": notes,
    }


def register_file(world, tmp_path, sheet, header, reference, value):
    """The whole register exported, with one cell of `reference`'s row changed."""
    path = tmp_path / "register.xlsx"
    write_register(path)
    workbook = load_workbook(path)
    ws = workbook[sheet]
    column = [cell.value for cell in ws[1]].index(header) + 1
    for row in ws.iter_rows(min_row=2):
        if row[0].value == reference:
            ws.cell(row=row[0].row, column=column).value = value
            break
    else:  # pragma: no cover - the fixture always has the row
        raise AssertionError(f"{reference} not on {sheet}")
    workbook.save(path)
    return path


# The refused actions, through each way in ---------------------------------------------------


def skip_setup(world, tmp_path):
    world.initiative.stage = 1
    world.initiative.save()


def stage_page_messages(client, url, data) -> list[str]:
    """A refusal on a page with a stage field: in the error summary (linked to the field) and
    beside the field, saying the same."""
    response = client.post(url, data)
    assert response.status_code == 200
    messages = page_messages(response)
    assert 'href="#id_to_stage"' in response.content.decode()
    assert len(messages) == 2 * len(set(messages))  # the summary and the field
    return sorted(set(messages))


def skip_page(world, client, tmp_path):
    url = f"/initiatives/{world.initiative.slug}/stage/"
    return stage_page_messages(client, url, stage_form(world, 3, world.board))


def gate_check_api(world, body):
    """The API's gate check (a 200 answer that says whether the move would pass)."""
    response = api(world.alice).post(
        f"/api/v1/initiatives/{world.initiative.slug}/gate-check/", body, format="json"
    )
    assert response.status_code == 200
    assert response.json()["passes"] is False
    return response.json()["problems"]


def skip_gate_api(world, client, tmp_path):
    return gate_check_api(world, {"to_stage": 3})


def skip_api(world, client, tmp_path):
    return api_messages(
        api(world.alice).post(
            "/api/v1/stage-decisions/", stage_api(world, 3, world.board), format="json"
        )
    )


def skip_cli(world, client, tmp_path):
    return cli_messages("gate-check", "--initiative", world.initiative.slug, "--to-stage", "3")


def back_page(world, client, tmp_path):
    url = f"/initiatives/{world.initiative.slug}/stage/"
    return stage_page_messages(client, url, stage_form(world, 1, world.board))


def back_gate_api(world, client, tmp_path):
    return gate_check_api(world, {"to_stage": 1, "body": "ek-board"})


def back_cli(world, client, tmp_path):
    return cli_messages("gate-check", "--initiative", world.initiative.slug, "--to-stage", "1")


def back_api(world, client, tmp_path):
    return api_messages(
        api(world.alice).post(
            "/api/v1/stage-decisions/", stage_api(world, 1, world.board), format="json"
        )
    )


def body_setup(world, tmp_path):
    world.board.decides_stages = [1, 2, 3]
    world.board.save()
    world.finance = GovernanceBodyFactory(
        collaboration=world.collab, name="EK Finance Group", slug="ek-finance", decides_stages=[4]
    )


def body_page(world, client, tmp_path):
    url = f"/initiatives/{world.initiative.slug}/stage/"
    return stage_page_messages(client, url, stage_form(world, 3, world.finance))


def body_gate_api(world, client, tmp_path):
    return gate_check_api(world, {"to_stage": 3, "body": "ek-finance"})


def body_api(world, client, tmp_path):
    return api_messages(
        api(world.alice).post(
            "/api/v1/stage-decisions/", stage_api(world, 3, world.finance), format="json"
        )
    )


def body_cli(world, client, tmp_path):
    return cli_messages(
        "gate-check",
        "--initiative",
        world.initiative.slug,
        "--to-stage",
        "3",
        "--body",
        "ek-finance",
    )


def back_body_page(world, client, tmp_path):
    url = f"/initiatives/{world.initiative.slug}/stage/"
    return stage_page_messages(client, url, stage_form(world, 1, world.finance, notes="Rework"))


def back_body_api(world, client, tmp_path):
    return api_messages(
        api(world.alice).post(
            "/api/v1/stage-decisions/",
            stage_api(world, 1, world.finance, notes="Rework"),
            format="json",
        )
    )


def back_body_gate_api(world, client, tmp_path):
    return gate_check_api(world, {"to_stage": 1, "body": "ek-finance", "notes": "Rework"})


def back_body_cli(world, client, tmp_path):
    return cli_messages(
        "gate-check",
        "--initiative",
        world.initiative.slug,
        "--to-stage",
        "1",
        "--body",
        "ek-finance",
        "--notes",
        "Rework",
    )


def back_body_meeting(world, client, tmp_path):
    """A move back decided at a meeting of the wrong body (the decision is the reason)."""
    meeting = Meeting.objects.create(body=world.finance, date=datetime.date(2026, 11, 20))
    data = {
        "text": "Redo the outline business case",
        "initiative": world.initiative.pk,
        "to_stage": "1",
        "visibility": "private",
        "actions-TOTAL_FORMS": "0",
        "actions-INITIAL_FORMS": "0",
    }
    return stage_page_messages(client, f"/governance/meetings/{meeting.pk}/decisions/new/", data)


def previous_setup(world, tmp_path):
    StageDecision.objects.create(
        initiative=world.initiative,
        from_stage=1,
        to_stage=2,
        body=world.board,
        decided_on=datetime.date(2026, 6, 1),
    )


def previous_page(world, client, tmp_path):
    url = f"/initiatives/{world.initiative.slug}/stage/"
    response = client.post(url, {**stage_form(world, 3, world.board), "decided_on": "1900-01-01"})
    assert 'href="#id_decided_on"' in response.content.decode()
    return sorted(set(page_messages(response)))  # the summary and the field both say it


def previous_api(world, client, tmp_path):
    response = api(world.alice).post(
        "/api/v1/stage-decisions/",
        {**stage_api(world, 3, world.board), "decided_on": "1900-01-01"},
        format="json",
    )
    assert list(response.json()) == ["decided_on"]
    return api_messages(response)


def previous_meeting(world, client, tmp_path):
    """The gate decided at a meeting held before the initiative's previous stage decision."""
    meeting = Meeting.objects.create(body=world.board, date=datetime.date(1900, 1, 1))
    data = {
        "text": "Approve the full business case",
        "initiative": world.initiative.pk,
        "to_stage": "3",
        "visibility": "private",
        "actions-TOTAL_FORMS": "0",
        "actions-INITIAL_FORMS": "0",
    }
    url = f"/governance/meetings/{meeting.pk}/decisions/new/"
    return sorted(set(page_messages(client.post(url, data))))


def stage_edit_api(world, client, tmp_path):
    return api_messages(
        api(world.alice).patch(
            f"/api/v1/initiatives/{world.initiative.pk}/",
            {"stage": 3, "version": world.initiative.version},
            format="json",
        )
    )


def stage_edit_import(world, client, tmp_path):
    stage = "3 Full business case (FBC)"
    path = register_file(world, tmp_path, INITIATIVES, "Stage", world.initiative.slug, stage)
    return import_messages(import_register(path, user=world.alice))


def initiative_form(world, **changes):
    """What the initiative's edit page posts: its fields as they stand, with `changes`."""
    initiative = world.initiative
    return {
        "version": initiative.version,
        "name": initiative.name,
        "slug": initiative.slug,
        "status": initiative.status,
        "purpose": initiative.purpose,
        **changes,
    }


def closed_page(world, client, tmp_path):
    url = f"/initiatives/{world.initiative.slug}/edit/"
    response = client.post(url, initiative_form(world, status="closed"))
    assert 'href="#id_status"' in response.content.decode()
    return sorted(set(page_messages(response)))  # the summary and the field both say it


def closed_api(world, client, tmp_path):
    return api_messages(
        api(world.alice).patch(
            f"/api/v1/initiatives/{world.initiative.pk}/",
            {"status": "closed", "version": world.initiative.version},
            format="json",
        )
    )


def closed_import(world, client, tmp_path):
    path = register_file(world, tmp_path, INITIATIVES, "Status", world.initiative.slug, "Closed")
    return import_messages(import_register(path, user=world.alice))


def standard_setup(world, tmp_path):
    world.erin_person.email = "erin@kent.police.example"
    world.erin_person.save()


def benefit_form(world, **changes):
    benefit = world.benefit
    data = {
        "version": benefit.version,
        "reference": benefit.reference,
        "title": benefit.title,
        "description": benefit.description,
        "subcategory": benefit.subcategory,
        "direction": benefit.direction,
        "measure": benefit.measure,
        "nature": benefit.nature,
        "unit": benefit.unit,
        "baseline_value": str(benefit.baseline_value),
        "target_value": str(benefit.target_value),
        "owner": benefit.owner_id,
        "measurement_owner": benefit.measurement_owner_id,
        "identified_in_business_case": "on",
        "status": benefit.status,
    }
    data.update(changes)
    return data


def standard_page(world, client, tmp_path):
    url = f"/benefits/{world.benefit.pk}/edit/"
    messages = page_messages(client.post(url, benefit_form(world, owner="")))
    return sorted(set(messages))  # the summary and the field both say it


def standard_api(world, client, tmp_path):
    return api_messages(
        api(world.alice).patch(
            f"/api/v1/benefits/{world.benefit.pk}/",
            {"owner": None, "version": world.benefit.version},
            format="json",
        )
    )


def standard_import(world, client, tmp_path):
    path = register_file(world, tmp_path, BENEFITS, "Owner", world.benefit.reference, None)
    return import_messages(import_register(path, user=world.alice))


def baselined_setup(world, tmp_path):
    plan(world.benefit, datetime.date(2026, 4, 1), ["1000", "1000"])
    freeze_baseline(world.initiative, approved_on=datetime.date(2026, 5, 1), user=world.alice)
    world.erin_person.email = "erin@kent.police.example"
    world.erin_person.save()


def baselined_page(world, client, tmp_path):
    response = client.post(
        f"/benefits/{world.benefit.pk}/plan/", {"profile": "2026-04 5\n2026-05 5"}, follow=True
    )
    return page_messages(response)


def baselined_api(world, client, tmp_path):
    row = world.benefit.planned_values.order_by("period").first()
    return api_messages(
        api(world.alice).patch(
            f"/api/v1/planned-values/{row.pk}/",
            {"value": "5", "version": row.version},
            format="json",
        )
    )


def baselined_import(world, client, tmp_path):
    path = register_file(world, tmp_path, PLANNED, "Value", world.benefit.reference, 5)
    return import_messages(import_register(path, user=world.alice))


def shares_page(world, client, tmp_path):
    shares = list(world.collab.shares.order_by("force__name"))
    data = {
        "version": world.collab.version,
        "name": world.collab.name,
        "slug": world.collab.slug,
        "purpose": world.collab.purpose,
        "function": world.collab.function,
        "legal_basis": world.collab.legal_basis,
        "visibility": world.collab.visibility,
        "shares-TOTAL_FORMS": "2",
        "shares-INITIAL_FORMS": "2",
        "shares-MIN_NUM_FORMS": "0",
        "shares-MAX_NUM_FORMS": "1000",
    }
    for index, (row, percent) in enumerate(zip(shares, ["40", "50"], strict=True)):
        data[f"shares-{index}-id"] = row.pk
        data[f"shares-{index}-collaboration"] = world.collab.pk
        data[f"shares-{index}-force"] = row.force_id
        data[f"shares-{index}-percent"] = percent
    return page_messages(client.post(f"/collaborations/{world.collab.slug}/edit/", data))


def replace_all(client, url, rows):
    """A PUT of a whole set of shares, based on a read of them (If-Match: its ETag)."""
    return client.put(url, rows, format="json", HTTP_IF_MATCH=client.get(url)["ETag"])


def shares_api(world, client, tmp_path):
    rows = [
        {"force": force("Essex").pk, "percent": "40"},
        {"force": force("Kent").pk, "percent": "50"},
    ]
    return api_messages(
        replace_all(api(world.alice), f"/api/v1/collaborations/{world.collab.pk}/shares/", rows)
    )


def shares_api_one(world, client, tmp_path):
    """One share changed alone: the rule's refusal, then the hint to PUT them all."""
    essex = world.collab.shares.get(force__name="Essex")
    messages = api_messages(
        api(world.alice).patch(
            f"/api/v1/shares/{essex.pk}/",
            {"percent": "37.3", "version": essex.version},
            format="json",
        )
    )
    return messages[:1]


def benefit_shares_api(world, client, tmp_path):
    rows = [
        {"force": force("Essex").pk, "percent": "40"},
        {"force": force("Kent").pk, "percent": "50"},
    ]
    return api_messages(
        replace_all(api(world.alice), f"/api/v1/benefits/{world.benefit.pk}/shares/", rows)
    )


# (refused action, expected message, setup, {way in: attempt}); a way in that does not offer
# the action is absent: the import never changes a stage (only a stage decision does), the
# CLI only checks gates (and runs as no one, so it never says who may move back), the
# initiative's page has no stage field, and no sheet of the register holds force shares.
TABLE = [
    (
        "stage skip",
        STAGE_SKIP,
        skip_setup,
        {"page": skip_page, "api": skip_api, "api, gate check": skip_gate_api, "cli": skip_cli},
    ),
    (
        "move back without a reason",
        MOVE_BACK_WITHOUT_REASON,
        None,
        {"page": back_page, "api": back_api, "api, gate check": back_gate_api, "cli": back_cli},
    ),
    (
        "a body without the gate in its remit",
        WRONG_BODY,
        body_setup,
        {"page": body_page, "api": body_api, "api, gate check": body_gate_api, "cli": body_cli},
    ),
    (
        "a move back decided by a body without the stage left in its remit",
        MOVE_BACK_WRONG_BODY,
        body_setup,
        {
            "page": back_body_page,
            "api": back_body_api,
            "api, gate check": back_body_gate_api,
            "cli": back_body_cli,
            "page, decision at a meeting": back_body_meeting,
        },
    ),
    (
        "a stage decision dated before the previous one",
        BEFORE_PREVIOUS,
        previous_setup,
        {
            "page": previous_page,
            "api": previous_api,
            "page, decision at a meeting": previous_meeting,
        },
    ),
    (
        "the stage changed by editing the initiative",
        STAGE_BY_EDIT,
        None,
        {"api": stage_edit_api, "import": stage_edit_import},
    ),
    (
        "an initiative closed by editing it",
        CLOSED_BY_EDIT,
        None,
        {"page": closed_page, "api": closed_api, "import": closed_import},
    ),
    (
        "a benefit below the standard at OBC",
        BELOW_STANDARD,
        standard_setup,
        {"page": standard_page, "api": standard_api, "import": standard_import},
    ),
    (
        "re-profiling a baselined plan",
        BASELINED,
        baselined_setup,
        {"page": baselined_page, "api": baselined_api, "import": baselined_import},
    ),
    (
        "force shares not summing to 100%",
        SHARES,
        None,
        {
            "page": shares_page,
            "api": shares_api,
            "api, one share": shares_api_one,
            "api, a benefit's split": benefit_shares_api,
        },
    ),
]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize(
    ("action", "expected", "setup", "ways"), TABLE, ids=[row[0] for row in TABLE]
)
def test_a_refusal_reads_the_same_whichever_way_in(
    world, client, tmp_path, action, expected, setup, ways
):
    if setup is not None:
        setup(world, tmp_path)
    client.force_login(world.alice)
    decisions = StageDecision.objects.count()
    stage, status, version = (
        world.initiative.stage,
        world.initiative.status,
        world.initiative.version,
    )
    shares = sorted(world.collab.shares.values_list("force__name", "percent"))
    answers = {way: attempt(world, client, tmp_path) for way, attempt in ways.items()}
    assert answers == {way: [expected] for way in ways}
    # Nothing was written by any of them.
    world.initiative.refresh_from_db()
    assert (StageDecision.objects.count(), world.initiative.stage) == (decisions, stage)
    assert (world.initiative.status, world.initiative.version) == (status, version)
    assert not Decision.objects.exists()
    assert sorted(world.collab.shares.values_list("force__name", "percent")) == shares
    assert world.benefit.force_shares.count() == 0
    world.benefit.refresh_from_db()
    assert world.benefit.owner == world.erin_person
    if action == "re-profiling a baselined plan":
        assert [p.value for p in world.benefit.planned_values.order_by("period")] == [
            Decimal("1000.00"),
            Decimal("1000.00"),
        ]
