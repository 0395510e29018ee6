"""Who may read, create, change and delete what through the API, role by role.

The roles are played by the people of tests/conftest.py (the Essex and Kent collaboration is
private): ada administers, alice is its programme team, bob leads benefits for Essex, erin
owns its benefit, dave only reads, nora is a Norfolk lead outside it, then nobody at all;
then ivy, an inspector (reads everything, changes nothing), and dan, a Kent viewer who is
erin's deputy while she is away (he may do what she may as the benefit's owner).
Each row gives the answer each of them gets, in that order; every attempt starts afresh.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction

from realise.benefits.models import Evidence, Measurement, PlannedValue
from realise.collaborations.models import Agreement, Collaboration, StageDecision
from realise.organisations.models import Person, Region, SharingPreference, Topic
from tests.api.conftest import ROLES
from tests.factories import BenefitFactory, InitiativeFactory, force, share

TODAY = datetime.date.today()
LAST_MONTH = (TODAY.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
EARLIER = (LAST_MONTH - datetime.timedelta(days=1)).replace(day=1)


@pytest.fixture
def things(world, people):
    """Everything the rows below act on, around the world's benefit."""
    t = type("Things", (), {})()
    t.essex, t.kent = force("Essex"), force("Kent")
    t.essex_share = world.collab.shares.get(force=t.essex)
    t.essex_actual = Measurement.objects.create(
        benefit=world.benefit, period=LAST_MONTH, force=t.essex, value=Decimal("100")
    )
    t.kent_actual = Measurement.objects.create(
        benefit=world.benefit, period=LAST_MONTH, force=t.kent, value=Decimal("120")
    )
    t.evidence = Evidence.objects.create(measurement=t.essex_actual, note="Essex ledger")
    # Evidence may go only while the actual keeps other evidence.
    t.spare_evidence = Evidence.objects.create(measurement=t.essex_actual, note="Essex invoice")
    t.plan = PlannedValue.objects.create(
        benefit=world.benefit, period=LAST_MONTH, value=Decimal("110")
    )
    t.agreement = Agreement.objects.create(
        collaboration=world.collab, title="EK agreement", signed_on=datetime.date(2025, 4, 1)
    )
    t.spare_initiative = InitiativeFactory(collaboration=world.collab, slug="spare")
    t.spare_benefit = BenefitFactory(initiative=world.initiative, reference="SPARE-1")
    t.child = Collaboration.objects.create(
        name="EK child", slug="ek-child", parent=world.collab, purpose="p", visibility="private"
    )
    share(t.child, "Essex", "50")
    share(t.child, "Kent", "50")
    t.solo = Collaboration.objects.create(
        name="Solo", slug="solo", parent=world.collab, purpose="p", visibility="policing"
    )
    t.solo_share = share(t.solo, "Essex", "100")
    t.empty = Collaboration.objects.create(
        name="Empty", slug="empty", parent=world.collab, purpose="p", visibility="policing"
    )
    t.decision = StageDecision.objects.create(
        initiative=world.initiative,
        from_stage=1,
        to_stage=2,
        body=world.board,
        decided_on=datetime.date(2025, 6, 1),
    )
    t.person = Person.objects.create(name="Pat Finance")
    # Pat says she leads vetting, so anyone signed in may find her in the directory (whom
    # the people resource shows: tests/api/test_person_fields.py).
    SharingPreference.objects.create(person=t.person).topics.add(Topic.objects.get(slug="vetting"))
    t.region = Region.objects.first()
    return t


def row(text: str) -> dict:
    return dict(zip(ROLES, (int(code) for code in text.split()), strict=True))


# (name, method, address, body, expected answers in ROLES order)
CASES = [
    (
        "force: read",
        "get",
        lambda w, t: "/api/v1/forces/essex/",
        None,
        "200 200 200 200 200 200 401 200 200",
    ),
    (
        "force: create",
        "post",
        lambda w, t: "/api/v1/forces/",
        {},
        "405 405 405 405 405 405 401 405 405",
    ),
    (
        "region: read",
        "get",
        lambda w, t: f"/api/v1/regions/{t.region.pk}/",
        None,
        "200 200 200 200 200 200 401 200 200",
    ),
    (
        "person: read",
        "get",
        lambda w, t: f"/api/v1/people/{t.person.pk}/",
        None,
        "200 200 200 200 200 200 401 200 200",
    ),
    (
        "person: create",
        "post",
        lambda w, t: "/api/v1/people/",
        {"name": "New Person"},
        "201 201 403 403 403 403 401 403 403",
    ),
    (
        "person: update",
        "patch",
        lambda w, t: f"/api/v1/people/{t.person.pk}/",
        {"role_title": "Lead"},
        "200 200 403 403 403 403 401 403 403",
    ),
    (
        "person: delete",
        "delete",
        lambda w, t: f"/api/v1/people/{t.person.pk}/",
        None,
        "204 403 403 403 403 403 401 403 403",
    ),
    (
        "collaboration: read",
        "get",
        lambda w, t: "/api/v1/collaborations/ek/",
        None,
        "200 200 200 200 200 404 401 200 200",
    ),
    (
        "collaboration: create",
        "post",
        lambda w, t: "/api/v1/collaborations/",
        {"name": "New", "slug": "new-c", "purpose": "p"},
        "201 201 403 403 403 403 401 403 403",
    ),
    (
        "collaboration: update",
        "patch",
        lambda w, t: "/api/v1/collaborations/ek/",
        {"purpose": "Changed"},
        "200 200 403 403 403 404 401 403 403",
    ),
    (
        "collaboration: delete",
        "delete",
        lambda w, t: "/api/v1/collaborations/ek-child/",
        None,
        "204 403 403 403 403 404 401 403 403",
    ),
    (
        "share: read",
        "get",
        lambda w, t: f"/api/v1/shares/{t.essex_share.pk}/",
        None,
        "200 200 200 200 200 404 401 200 200",
    ),
    (
        "share: create",
        "post",
        lambda w, t: "/api/v1/shares/",
        lambda w, t: {"collaboration": t.empty.pk, "force": t.essex.pk, "percent": "100"},
        "201 201 403 403 403 403 401 403 403",
    ),
    (
        "share: update",
        "patch",
        lambda w, t: f"/api/v1/shares/{t.essex_share.pk}/",
        {"basis": "Net revenue"},
        "200 200 403 403 403 404 401 403 403",
    ),
    (
        "share: delete",
        "delete",
        lambda w, t: f"/api/v1/shares/{t.solo_share.pk}/",
        None,
        "204 204 403 403 403 403 401 403 403",
    ),
    (
        "shares: replace all",
        "put",
        lambda w, t: "/api/v1/collaborations/ek/shares/",
        lambda w, t: [
            {"force": t.essex.pk, "percent": "40"},
            {"force": t.kent.pk, "percent": "60"},
        ],
        "200 200 403 403 403 404 401 403 403",
    ),
    (
        "agreement: read",
        "get",
        lambda w, t: f"/api/v1/agreements/{t.agreement.pk}/",
        None,
        "200 200 200 200 200 404 401 200 200",
    ),
    (
        "agreement: create",
        "post",
        lambda w, t: "/api/v1/agreements/",
        lambda w, t: {"collaboration": w.collab.pk, "title": "Annex", "signed_on": "2025-01-01"},
        "201 201 403 403 403 400 401 403 403",
    ),
    (
        "agreement: update",
        "patch",
        lambda w, t: f"/api/v1/agreements/{t.agreement.pk}/",
        {"notes": "Reviewed"},
        "200 200 403 403 403 404 401 403 403",
    ),
    (
        "agreement: delete",
        "delete",
        lambda w, t: f"/api/v1/agreements/{t.agreement.pk}/",
        None,
        "204 204 403 403 403 404 401 403 403",
    ),
    (
        "initiative: read",
        "get",
        lambda w, t: "/api/v1/initiatives/joint-vetting/",
        None,
        "200 200 200 200 200 404 401 200 200",
    ),
    (
        "initiative: create",
        "post",
        lambda w, t: "/api/v1/initiatives/",
        lambda w, t: {"collaboration": w.collab.pk, "name": "New work", "slug": "new-work"},
        "201 201 403 403 403 400 401 403 403",
    ),
    (
        "initiative: update",
        "patch",
        lambda w, t: "/api/v1/initiatives/joint-vetting/",
        {"purpose": "Faster vetting"},
        "200 200 403 403 403 404 401 403 403",
    ),
    (
        "initiative: delete",
        "delete",
        lambda w, t: "/api/v1/initiatives/spare/",
        None,
        "204 403 403 403 403 404 401 403 403",
    ),
    (
        "initiative: gate check",
        "post",
        lambda w, t: "/api/v1/initiatives/joint-vetting/gate-check/",
        {"to_stage": 3},
        "200 200 200 200 200 404 401 200 200",
    ),
    (
        "stage decision: read",
        "get",
        lambda w, t: f"/api/v1/stage-decisions/{t.decision.pk}/",
        None,
        "200 200 200 200 200 404 401 200 200",
    ),
    (
        "stage decision: create",
        "post",
        lambda w, t: "/api/v1/stage-decisions/",
        lambda w, t: {
            "initiative": w.initiative.pk,
            "to_stage": 3,
            "body": w.board.pk,
            "decided_on": "2026-01-10",
        },
        "201 201 403 403 403 400 401 403 403",
    ),
    (
        "stage decision: update",
        "patch",
        lambda w, t: f"/api/v1/stage-decisions/{t.decision.pk}/",
        {"notes": "x"},
        "405 405 405 405 405 405 401 405 405",
    ),
    (
        "stage decision: delete",
        "delete",
        lambda w, t: f"/api/v1/stage-decisions/{t.decision.pk}/",
        None,
        "405 405 405 405 405 405 401 405 405",
    ),
    (
        "benefit: read",
        "get",
        lambda w, t: f"/api/v1/benefits/{w.benefit.pk}/",
        None,
        "200 200 200 200 200 404 401 200 200",
    ),
    (
        "benefit: create",
        "post",
        lambda w, t: "/api/v1/benefits/",
        lambda w, t: {
            "initiative": w.initiative.pk,
            "reference": "NEW-1",
            "title": "New benefit",
            # the minimum standard of the initiative's stage (OBC)
            "subcategory": "1a",
            "direction": "decrease",
            "measure": "Annual contract spend",
            "baseline_value": "1000.00",
            "target_value": "800.00",
            "owner": w.erin_person.pk,
            "measurement_owner": w.erin_person.pk,
        },
        "201 201 403 403 403 400 401 403 403",
    ),
    (
        "benefit: update",
        "patch",
        lambda w, t: f"/api/v1/benefits/{w.benefit.pk}/",
        {"description": "Clearer"},
        "200 200 403 200 403 404 401 403 200",
    ),
    (
        "benefit shares: read",
        "get",
        lambda w, t: f"/api/v1/benefits/{w.benefit.pk}/shares/",
        None,
        "200 200 200 200 200 404 401 200 200",
    ),
    (
        "benefit shares: replace all",
        "put",
        lambda w, t: f"/api/v1/benefits/{w.benefit.pk}/shares/",
        lambda w, t: [
            {"force": t.essex.pk, "percent": "70"},
            {"force": t.kent.pk, "percent": "30"},
        ],
        "200 200 403 200 403 404 401 403 200",
    ),
    (
        "benefit: delete",
        "delete",
        lambda w, t: f"/api/v1/benefits/{t.spare_benefit.pk}/",
        None,
        "204 204 403 403 403 404 401 403 403",
    ),
    (
        "planned value: read",
        "get",
        lambda w, t: f"/api/v1/planned-values/{t.plan.pk}/",
        None,
        "200 200 200 200 200 404 401 200 200",
    ),
    (
        "planned value: create",
        "post",
        lambda w, t: "/api/v1/planned-values/",
        lambda w, t: {"benefit": w.benefit.pk, "period": "2030-01", "value": "10.00"},
        "201 201 403 201 403 400 401 403 201",
    ),
    (
        "planned value: update",
        "patch",
        lambda w, t: f"/api/v1/planned-values/{t.plan.pk}/",
        {"value": "20.00"},
        "200 200 403 200 403 404 401 403 200",
    ),
    (
        "planned value: delete",
        "delete",
        lambda w, t: f"/api/v1/planned-values/{t.plan.pk}/",
        None,
        "204 204 403 204 403 404 401 403 204",
    ),
    (
        "actual: read",
        "get",
        lambda w, t: f"/api/v1/measurements/{t.essex_actual.pk}/",
        None,
        "200 200 200 200 200 404 401 200 200",
    ),
    (
        "actual: create for Essex",
        "post",
        lambda w, t: "/api/v1/measurements/",
        lambda w, t: {
            "benefit": w.benefit.pk,
            "period": EARLIER.strftime("%Y-%m"),
            "force": t.essex.pk,
            "value": "50",
            "evidence_note": "Ledger",
        },
        "201 201 201 201 403 400 401 403 201",
    ),
    (
        "actual: create for Kent",
        "post",
        lambda w, t: "/api/v1/measurements/",
        lambda w, t: {
            "benefit": w.benefit.pk,
            "period": EARLIER.strftime("%Y-%m"),
            "force": t.kent.pk,
            "value": "50",
            "evidence_note": "Ledger",
        },
        "201 201 403 201 403 400 401 403 201",
    ),
    (
        "actual: correct Essex's",
        "patch",
        lambda w, t: f"/api/v1/measurements/{t.essex_actual.pk}/",
        {"value": "75", "evidence_note": "Corrected"},
        "200 200 200 200 403 404 401 403 200",
    ),
    (
        "actual: correct Kent's",
        "patch",
        lambda w, t: f"/api/v1/measurements/{t.kent_actual.pk}/",
        {"value": "75", "evidence_note": "Corrected"},
        "200 200 403 200 403 404 401 403 200",
    ),
    (
        "actual: delete",
        "delete",
        lambda w, t: f"/api/v1/measurements/{t.essex_actual.pk}/",
        None,
        "204 204 403 403 403 404 401 403 403",
    ),
    (
        "evidence: read",
        "get",
        lambda w, t: f"/api/v1/evidence/{t.evidence.pk}/",
        None,
        "200 200 200 200 200 404 401 200 200",
    ),
    (
        "evidence: add to Essex's actual",
        "post",
        lambda w, t: "/api/v1/evidence/",
        lambda w, t: {"measurement": t.essex_actual.pk, "note": "Invoice"},
        "201 201 201 201 403 400 401 403 201",
    ),
    (
        "evidence: add to Kent's actual",
        "post",
        lambda w, t: "/api/v1/evidence/",
        lambda w, t: {"measurement": t.kent_actual.pk, "note": "Invoice"},
        "201 201 403 201 403 400 401 403 201",
    ),
    (
        # Evidence is never changed once attached: another item is added instead.
        "evidence: update",
        "patch",
        lambda w, t: f"/api/v1/evidence/{t.evidence.pk}/",
        {"note": "Ledger, p. 4"},
        "405 405 405 405 405 405 401 405 405",
    ),
    (
        "evidence: delete",
        "delete",
        lambda w, t: f"/api/v1/evidence/{t.spare_evidence.pk}/",
        None,
        "204 204 403 403 403 404 401 403 403",
    ),
    (
        "realisation: read",
        "get",
        lambda w, t: "/api/v1/realisation/?collaboration=ek",
        None,
        "200 200 200 200 200 400 401 200 200",
    ),
]


@pytest.mark.parametrize(
    ("method", "address", "body", "expected"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_each_role_gets_the_answer_the_rules_give(
    world, people, things, as_user, method, address, body, expected
):
    wrong = []
    for role, want in row(expected).items():
        with transaction.atomic():
            url = address(world, things)
            data = body(world, things) if callable(body) else body
            headers = {}
            if method in ("put", "patch", "delete"):
                # Writes say which version they change (the ETag an administrator reads).
                current = as_user(people["administrator"]).get(url).get("ETag")
                headers = {"HTTP_IF_MATCH": current} if current else {}
            response = getattr(as_user(people[role]), method)(url, data, format="json", **headers)
            if response.status_code != want:
                wrong.append(f"{role}: {response.status_code} (expected {want}) {response.data}")
            transaction.set_rollback(True)
    assert wrong == []


def test_lists_show_nothing_of_a_private_collaboration_to_another_force(
    world, people, things, as_user
):
    nora = as_user(world.nora)
    for resource in [
        "collaborations",
        "initiatives",
        "benefits",
        "measurements",
        "evidence",
        "planned-values",
        "agreements",
        "stage-decisions",
    ]:
        listed = nora.get(f"/api/v1/{resource}/").json()["results"]
        mine = [item for item in listed if item.get("slug") in ("ek", "joint-vetting", "ek-child")]
        assert mine == [], resource
    assert nora.get("/api/v1/benefits/").json()["count"] == 0
    assert nora.get("/api/v1/measurements/").json()["count"] == 0


def test_the_same_lists_show_everything_to_a_member_force(world, people, things, as_user):
    dave = as_user(world.dave)
    assert dave.get("/api/v1/measurements/").json()["count"] == 2
    assert dave.get(f"/api/v1/benefits/?initiative={world.initiative.pk}").json()["count"] == 2


def test_kent_lead_cannot_correct_essex_actual_and_nothing_changes(world, people, things, as_user):
    response = as_user(world.carol).patch(
        f"/api/v1/measurements/{things.essex_actual.pk}/",
        {"value": "1", "evidence_note": "x"},
        format="json",
    )
    assert response.status_code == 403
    things.essex_actual.refresh_from_db()
    assert things.essex_actual.value == Decimal("100.00")


def test_essex_lead_cannot_record_kent_actual_by_naming_kent(world, people, things, as_user):
    response = as_user(world.bob).post(
        "/api/v1/measurements/",
        {
            "benefit": world.benefit.pk,
            "period": EARLIER.strftime("%Y-%m"),
            "force": things.kent.pk,
            "value": "9",
            "evidence_note": "x",
        },
        format="json",
    )
    assert response.status_code == 403
    assert "Kent" in response.json()["detail"]
    assert not Measurement.objects.filter(period=EARLIER).exists()


def test_outsider_can_read_a_policing_collaboration_but_not_change_it(
    world, people, things, as_user
):
    nora = as_user(world.nora)
    assert nora.get("/api/v1/collaborations/solo/").status_code == 200
    assert (
        nora.patch("/api/v1/collaborations/solo/", {"purpose": "x"}, format="json").status_code
        == 403
    )


def test_a_benefit_cannot_be_moved_to_another_initiative(world, people, things, as_user):
    elsewhere = InitiativeFactory(collaboration=things.solo, slug="elsewhere")
    response = as_user(world.erin).patch(
        f"/api/v1/benefits/{world.benefit.pk}/",
        {"initiative": elsewhere.pk, "version": world.benefit.version},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"initiative": ["This cannot be changed once created."]}
    world.benefit.refresh_from_db()
    assert world.benefit.initiative == world.initiative


def test_a_field_fixed_for_one_benefit_is_still_chosen_when_creating_the_next(
    world, people, as_user
):
    """Each serializer has fields of its own: the initiative fixed for the benefit being
    changed is not fixed for the one created after it."""
    alice = as_user(world.alice)
    changed = alice.patch(
        f"/api/v1/benefits/{world.benefit.pk}/",
        {"title": "Faster vetting", "version": world.benefit.version},
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    other = InitiativeFactory(collaboration=world.collab, slug="other-initiative")
    created = alice.post(
        "/api/v1/benefits/",
        {
            "initiative": other.pk,
            "reference": "B-NEW",
            "title": "Fewer duplicate checks",
            "subcategory": "1a",
            "unit": "GBP",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["initiative"] == other.pk


def test_token_is_the_only_credential_an_anonymous_caller_is_asked_for(world):
    from rest_framework.test import APIClient

    response = APIClient().get("/api/v1/benefits/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
