"""The inspector reads everything and changes nothing, and what they open of a private
collaboration is in the audit trail. A deputy acts for an owner while covering them.

The Essex and Kent collaboration (ek) is private; ivy is an inspector from no force; erin
owns the benefit; dan, a Kent viewer, covers erin.
"""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from rest_framework.test import APIClient

from realise.benefits.models import Measurement
from realise.core.models import AuditRecord
from realise.governance.reminders import send_reminders
from realise.organisations import services
from realise.organisations.models import Cover
from tests.factories import CollaborationFactory, force, member, plan, share
from tests.organisations.inviting import signed_in

TODAY = datetime.date.today()


def test_an_inspector_reads_a_private_collaboration_others_cannot(world, ivy):
    other = CollaborationFactory(name="Norfolk only", slug="norfolk-only", visibility="private")
    share(other, "Norfolk", "100")
    api = APIClient()
    api.force_authenticate(ivy)
    slugs = {c["slug"] for c in api.get("/api/v1/collaborations/").json()["results"]}
    assert {"ek", "norfolk-only"} <= slugs
    assert api.get(f"/api/v1/benefits/{world.benefit.pk}/").status_code == 200
    assert signed_in(ivy).get(world.collab.get_absolute_url()).status_code == 200
    assert signed_in(ivy).get(other.get_absolute_url()).status_code == 200


def test_an_inspector_changes_nothing(world, ivy):
    api = APIClient()
    api.force_authenticate(ivy)
    attempts = [
        api.patch("/api/v1/collaborations/ek/", {"purpose": "x"}, format="json"),
        api.patch(f"/api/v1/benefits/{world.benefit.pk}/", {"title": "x"}, format="json"),
        api.post(
            "/api/v1/initiatives/",
            {"collaboration": world.collab.pk, "name": "N", "slug": "n"},
            format="json",
        ),
        api.post("/api/v1/memberships/", {"user": "dave", "role": "viewer"}, format="json"),
    ]
    assert [r.status_code for r in attempts] == [403, 403, 403, 403]
    page = signed_in(ivy).post(
        f"/benefits/{world.benefit.pk}/edit/", {"title": "Changed by an inspector"}
    )
    assert page.status_code in (403, 404)
    world.benefit.refresh_from_db()
    assert world.benefit.title == "Reduced vetting backlog"


def test_an_inspector_cannot_even_start_a_register_import(world, ivy):
    assert not ivy.has_perm("reports.add_importjob")
    assert world.dave.has_perm("reports.add_importjob")


def test_each_private_page_an_inspector_opens_is_in_the_audit_trail(world, ivy):
    open_one = CollaborationFactory(slug="open-one", visibility="policing")
    signed_in(ivy).get(world.benefit.get_absolute_url())
    signed_in(ivy).get(open_one.get_absolute_url())
    signed_in(world.dave).get(world.benefit.get_absolute_url())  # not an inspector
    views = AuditRecord.objects.filter(action="view")
    assert [(v.username, v.model, v.object_id, v.collaboration_id) for v in views] == [
        ("ivy", "benefits.benefit", str(world.benefit.pk), world.collab.pk)
    ]
    assert views.get().after == {"page": world.benefit.get_absolute_url()}
    trail = signed_in(ivy).get("/audit/", {"action": "view"}).content.decode()
    assert f"Opened the page {world.benefit.get_absolute_url()}" in trail
    from realise.core.audit import verify

    assert verify().ok


# Cover ---------------------------------------------------------------------------------------


@pytest.fixture
def dan(world):
    return member("dan", "Kent", "viewer")


def cover(world, dan, starts, ends):
    return services.name_deputy(
        person=world.erin_person, deputy=dan, starts=starts, ends=ends, by=world.erin
    )


def test_a_deputy_acts_for_the_owner_only_while_covering(world, dan):
    def record(user):
        api = APIClient()
        api.force_authenticate(user)
        return api.post(
            "/api/v1/measurements/",
            {
                "benefit": world.benefit.pk,
                "period": "2026-01",
                "force": force("Kent").pk,
                "value": "5",
                "evidence_note": "Ledger",
            },
            format="json",
        )

    assert record(dan).status_code == 403
    past = cover(
        world, dan, TODAY - datetime.timedelta(days=10), TODAY - datetime.timedelta(days=1)
    )
    assert record(dan).status_code == 403
    future = cover(
        world, dan, TODAY + datetime.timedelta(days=1), TODAY + datetime.timedelta(days=9)
    )
    assert record(dan).status_code == 403
    cover(world, dan, TODAY, TODAY)
    response = record(dan)
    assert response.status_code == 201, response.data
    assert Measurement.objects.get().value == Decimal("5.00")
    assert {past.pk, future.pk} <= set(Cover.objects.values_list("pk", flat=True))


def test_only_the_person_an_administrator_or_a_programme_team_names_a_deputy(world, dan):
    with pytest.raises(services.PermissionDenied):
        services.name_deputy(
            person=world.erin_person, deputy=dan, starts=TODAY, ends=TODAY, by=world.dave
        )
    page = signed_in(world.erin).post(
        "/access/cover/new/",
        {
            "person": world.erin_person.pk,
            "deputy": "dan",
            "starts": TODAY.isoformat(),
            "ends": (TODAY - datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert page.status_code == 200
    assert "The last day must be on or after the first day." in page.content.decode()
    page = signed_in(world.erin).post(
        "/access/cover/new/",
        {
            "person": world.erin_person.pk,
            "deputy": "dan",
            "starts": TODAY.isoformat(),
            "ends": TODAY.isoformat(),
        },
    )
    assert page.status_code == 302
    assert Cover.objects.get().deputy == dan


def test_reminders_go_to_the_owner_and_the_deputy(world, dan):
    owner = world.benefit.measurement_owner
    owner.email = "measures@kent.police.example"
    owner.save()
    day = datetime.date(2026, 5, 15)
    plan(world.benefit, datetime.date(2026, 1, 1), ["1000"] * 3)
    Cover.objects.create(
        person=owner, deputy=dan, starts=datetime.date(2026, 5, 1), ends=datetime.date(2026, 5, 31)
    )
    send_reminders(day, reminders=None)
    overdue = sorted(m.to[0] for m in mail.outbox if "Actuals overdue" in m.subject)
    assert overdue == ["dan@example.org", "measures@kent.police.example"]


def test_each_private_record_an_inspector_reads_through_the_api_is_in_the_audit_trail(world, ivy):
    api = APIClient()
    api.force_authenticate(ivy)
    assert api.get(f"/api/v1/benefits/{world.benefit.pk}/").status_code == 200
    assert api.get("/api/v1/benefits/").status_code == 200  # a list: no record opened
    open_one = CollaborationFactory(slug="open-api", visibility="policing")
    assert api.get(f"/api/v1/collaborations/{open_one.slug}/").status_code == 200
    dave = APIClient()
    dave.force_authenticate(world.dave)  # not an inspector
    assert dave.get(f"/api/v1/benefits/{world.benefit.pk}/").status_code == 200
    views = AuditRecord.objects.filter(action="view")
    assert [(v.username, v.model, v.object_id, v.via) for v in views] == [
        ("ivy", "benefits.benefit", str(world.benefit.pk), "api")
    ]
    assert views.get().after == {"page": f"/api/v1/benefits/{world.benefit.pk}/"}
    trail = signed_in(ivy).get("/audit/", {"action": "view"}).content.decode()
    assert f"Read through the API: /api/v1/benefits/{world.benefit.pk}/" in trail
    from realise.core.audit import verify

    assert verify().ok
