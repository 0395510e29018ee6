"""The benefits map: drawn as SVG at its own address, the same content as text and a table,
and a check for benefits serving no objective and objectives with no benefit."""

import pytest
from django.urls import reverse

from realise.benefits.maps import collaboration_map, initiative_map
from realise.benefits.models import Change, Objective
from tests.factories import BenefitFactory, CollaborationFactory, InitiativeFactory, member, share


@pytest.fixture
def mapped(world):
    w = world
    w.cheaper = Objective.objects.create(collaboration=w.collab, text="Spend less on vetting")
    w.safer = Objective.objects.create(
        collaboration=w.collab, text="Keep corrupt staff out", order=2
    )
    w.lonely = Objective.objects.create(collaboration=w.collab, text="Share one culture", order=3)
    w.faster = BenefitFactory(initiative=w.initiative, reference="JV-2", title="Faster clearance")
    w.unserved = BenefitFactory(
        initiative=w.initiative, reference="JV-3", title="Fewer agency vetters", is_disbenefit=True
    )
    w.cheaper.benefits.set([w.benefit])
    w.safer.benefits.set([w.benefit, w.faster])
    w.change = Change.objects.create(initiative=w.initiative, description="One vetting unit")
    w.change.benefits.set([w.benefit, w.faster])
    w.platform = InitiativeFactory(collaboration=w.collab, name="Case management system")
    w.change.enablers.set([w.platform])
    return w


def test_orphans_are_benefits_serving_no_objective_and_objectives_with_no_benefit(mapped):
    benefits_map = initiative_map(mapped.initiative, mapped.alice)
    assert [b.title for b in benefits_map.orphan_benefits] == ["Fewer agency vetters"]
    assert [o.text for o in benefits_map.orphan_objectives] == ["Share one culture"]


def test_the_map_page_lists_the_orphans_and_every_node_as_text(mapped, client):
    client.force_login(mapped.dave)
    page = client.get(reverse("initiative-map", args=[mapped.initiative.slug])).content.decode()
    orphans = page.split('id="orphans"')[1].split('id="diagram"')[0]
    assert "Fewer agency vetters" in orphans and "Share one culture" in orphans
    assert "Faster clearance" not in orphans
    text = page.split('id="text-version"')[1].split('id="table"')[0]
    for node in initiative_map(mapped.initiative, mapped.alice).node_names():
        assert node.split(" ", 1)[-1] in text or node in text, node
    for name in ("Joint vetting", "Case management system", "One vetting unit"):
        assert name in text
    for title in ("Reduced vetting backlog", "Faster clearance", "Fewer agency vetters"):
        assert title in text
    for objective in ("Spend less on vetting", "Keep corrupt staff out", "Share one culture"):
        assert objective in text
    table = page.split('id="table"')[1]
    assert '<th scope="col" class="govuk-table__header">Objectives served</th>' in table
    assert f'src="{reverse("initiative-map-svg", args=[mapped.initiative.slug])}"' in page
    assert "data:" not in page


def test_the_svg_is_served_from_its_own_address(mapped, client):
    client.force_login(mapped.dave)
    response = client.get(reverse("initiative-map-svg", args=[mapped.initiative.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert "<svg" in svg
    for text in ("One vetting unit", "Faster clearance", "Keep corrupt staff out"):
        assert text in svg
    assert "Case management" in svg and "system" in svg


def test_the_collaboration_map_takes_in_nested_collaborations(mapped, client):
    outer = CollaborationFactory(name="Eastern region", slug="eastern")
    mapped.collab.parent = outer
    mapped.collab.save()
    benefits_map = collaboration_map(outer, mapped.alice)
    assert {b.title for b in benefits_map.benefits} >= {"Faster clearance", "Fewer agency vetters"}
    client.force_login(mapped.alice)
    assert client.get(reverse("collaboration-map", args=["eastern"])).status_code == 200
    assert client.get(reverse("collaboration-map-svg", args=["eastern"])).status_code == 200


def test_a_private_map_is_hidden_from_outsiders(mapped, client):
    client.force_login(mapped.nora)
    assert client.get(reverse("initiative-map", args=[mapped.initiative.slug])).status_code == 404
    assert client.get(reverse("collaboration-map-svg", args=["ek"])).status_code == 404


def test_labels_cannot_break_out_of_the_diagram_language(mapped, client):
    Change.objects.create(
        initiative=mapped.initiative, description='Quote " and brace } and \\ backslash'
    )
    client.force_login(mapped.alice)
    response = client.get(reverse("initiative-map-svg", args=[mapped.initiative.slug]))
    assert response.status_code == 200
    assert "brace }" in response.content.decode()


def test_the_programme_team_adds_changes_and_objectives(mapped, client):
    client.force_login(mapped.alice)
    client.post(
        reverse("change-create", args=[mapped.initiative.slug]),
        {"description": "Shared vetting policy", "benefits": [mapped.unserved.pk]},
    )
    assert Change.objects.filter(description="Shared vetting policy").exists()
    client.post(
        reverse("objective-create", args=["ek"]),
        {"text": "Lower agency spend", "order": 4, "benefits": [mapped.unserved.pk]},
    )
    assert initiative_map(mapped.initiative, mapped.alice).orphan_benefits == []
    client.force_login(mapped.dave)
    refused = client.post(reverse("objective-create", args=["ek"]), {"text": "x", "order": 1})
    assert refused.status_code == 403


def test_the_collaborations_listed_objectives_can_start_the_map(world, client):
    world.collab.objectives = "Save money\nProtect the public"
    world.collab.save()
    client.force_login(world.alice)
    client.post(reverse("objectives-from-text", args=["ek"]))
    assert list(world.collab.objective_rows.values_list("text", flat=True)) == [
        "Save money",
        "Protect the public",
    ]


def test_a_map_of_an_open_collaboration_leaves_out_a_private_one_nested_in_it(mapped, client):
    outer = CollaborationFactory(name="Eastern region", slug="eastern", visibility="policing")
    mapped.collab.parent = outer
    mapped.collab.save()
    region_wide = Objective.objects.create(collaboration=outer, text="A safer east")
    region_wide.benefits.set([mapped.faster])
    client.force_login(mapped.nora)
    page = client.get(reverse("collaboration-map", args=["eastern"])).content.decode()
    assert "A safer east" in page
    for hidden in ("Faster clearance", "JV-2", "One vetting unit", "Case management system"):
        assert hidden not in page
    svg = client.get(reverse("collaboration-map-svg", args=["eastern"])).content.decode()
    assert "Faster clearance" not in svg and "One vetting unit" not in svg
    # The programme team of the private collaboration still sees the whole map.
    client.force_login(mapped.alice)
    page = client.get(reverse("collaboration-map", args=["eastern"])).content.decode()
    assert "Faster clearance" in page and "One vetting unit" in page


def test_the_map_forms_offer_no_private_benefit_and_keep_its_link(mapped, client):
    """Two collaborations nested in one region, one private: the open one's programme team
    edits its objective, which an administrator linked to the private one's benefit. The
    private benefit is neither offered nor unlinked by the save."""
    outer = CollaborationFactory(name="Eastern region", slug="eastern", visibility="policing")
    mapped.collab.parent = outer
    mapped.collab.save()
    roads = CollaborationFactory(
        name="Eastern roads", slug="eastern-roads", visibility="policing", parent=outer
    )
    share(roads, "Norfolk", "100")
    objective = Objective.objects.create(collaboration=roads, text="Safer roads")
    objective.benefits.set([mapped.faster])
    client.force_login(member("oscar", "Norfolk", "programme_team", roads))
    url = reverse("objective-edit", args=[objective.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert "Faster clearance" not in page.content.decode()
    response = client.post(url, {"text": "Safer roads, together", "order": 1})
    assert response.status_code == 302, response.context["form"].errors
    objective.refresh_from_db()
    assert objective.text == "Safer roads, together"
    assert list(objective.benefits.all()) == [mapped.faster]


def test_the_diagram_speaks_the_pages_language(mapped, client):
    from realise.benefits.contributions import set_contribution

    mapped.faster.subcategory = mapped.benefit.subcategory
    mapped.faster.save()
    set_contribution(mapped.faster, mapped.benefit, user=mapped.alice)
    client.force_login(mapped.dave)
    client.post("/language/", {"language": "cy", "next": "/"})
    svg = client.get(reverse("initiative-map-svg", args=[mapped.initiative.slug])).content.decode()
    assert "(anfantais)" in svg and "yn cyfrannu at" in svg
    assert "dis-benefit" not in svg and "contributes to" not in svg
