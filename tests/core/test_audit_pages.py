"""Inspectors browse and export the audit trail; others cannot, and no one sees too much."""

import csv
import io

from realise.collaborations.models import Collaboration
from realise.core.models import AuditRecord


def test_an_inspector_browses_the_trail_page_by_page(client, world):
    client.force_login(world.dave)
    response = client.get("/audit/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Audit trail" in page and "Reduced vetting backlog" in page
    table = response.context["table"]
    assert table.paginator.per_page == 50
    assert table.paginator.count == AuditRecord.objects.count()


def test_the_trail_filters_by_kind_user_and_date(client, world):
    benefit = world.benefit
    benefit.title = "Changed by alice"
    benefit._history_user = world.alice
    benefit.save()
    client.force_login(world.dave)
    response = client.get("/audit/", {"model": "benefits.benefit", "username": "alice"})
    rows = list(response.context["table"].data)
    assert [r.action for r in rows] == ["update"]
    assert "Changed by alice" in response.content.decode()
    tomorrow = client.get("/audit/", {"date_from": "2999-01-01"})
    assert tomorrow.context["table"].paginator.count == 0


def test_an_inspector_exports_the_filtered_trail_as_csv(client, world):
    client.force_login(world.dave)
    response = client.get("/audit/export.csv", {"model": "benefits.benefit"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["model"] for r in rows] == ["benefits.benefit"]
    assert rows[0]["hash"] == AuditRecord.objects.get(model="benefits.benefit").hash


def test_force_leads_and_programme_teams_do_not_browse_the_trail(client, world):
    for user in (world.bob, world.alice):
        client.force_login(user)
        assert client.get("/audit/").status_code == 403
        assert client.get("/audit/export.csv").status_code == 403
    client.logout()
    assert client.get("/audit/").status_code == 302


def test_an_inspector_of_another_force_does_not_see_a_private_collaboration(client, world):
    from tests.factories import member

    norfolk_inspector = member("ivy", "Norfolk", "viewer")
    open_one = Collaboration.objects.create(name="Open", slug="open", purpose="p")
    client.force_login(norfolk_inspector)
    response = client.get("/audit/", {"model": "collaborations.collaboration"})
    shown = {r.object_id for r in response.context["table"].data}
    assert str(open_one.pk) in shown
    assert str(world.collab.pk) not in shown
    assert "Reduced vetting backlog" not in client.get("/audit/").content.decode()


def test_the_menu_offers_the_trail_to_inspectors_only(client, world):
    client.force_login(world.dave)
    assert 'href="/audit/"' in client.get("/").content.decode()
    client.force_login(world.bob)
    assert 'href="/audit/"' not in client.get("/").content.decode()
