from realise.collaborations.models import Collaboration, ForceShare
from tests.factories import force


def form_data(shares, **overrides):
    data = {
        "name": "Eastern Forensics",
        "slug": "eastern-forensics",
        "purpose": "One forensic service for the region.",
        "objectives": "",
        "function": "forensics",
        "legal_basis": "Section 22A, Police Act 1996",
        "visibility": "policing",
        "shares-TOTAL_FORMS": str(len(shares)),
        "shares-INITIAL_FORMS": "0",
        "shares-MIN_NUM_FORMS": "0",
        "shares-MAX_NUM_FORMS": "1000",
    }
    for index, (name, percent) in enumerate(shares):
        data[f"shares-{index}-force"] = force(name).pk
        data[f"shares-{index}-percent"] = percent
    data.update(overrides)
    return data


def test_shares_that_do_not_sum_to_100_are_refused_with_the_total(client, world):
    client.force_login(world.alice)
    page = client.post("/collaborations/new/", form_data([("Essex", "50"), ("Kent", "49.5")]))
    assert page.status_code == 200
    assert "must add up to exactly 100%; these add up to 99.5%" in page.content.decode()
    assert not Collaboration.objects.filter(slug="eastern-forensics").exists()


def test_shares_summing_to_exactly_100_are_saved_with_the_collaboration(client, world):
    client.force_login(world.alice)
    response = client.post(
        "/collaborations/new/",
        form_data([("Essex", "33.3333"), ("Kent", "33.3333"), ("Norfolk", "33.3334")]),
    )
    assert response.status_code == 302
    collaboration = Collaboration.objects.get(slug="eastern-forensics")
    assert sorted(s.force.name for s in collaboration.shares.all()) == ["Essex", "Kent", "Norfolk"]
    assert collaboration.history.first().history_user == world.alice


def test_a_force_listed_twice_is_refused(client, world):
    client.force_login(world.alice)
    page = client.post("/collaborations/new/", form_data([("Essex", "50"), ("Essex", "50")]))
    assert "Essex is listed twice." in page.content.decode()


def test_editing_shares_keeps_the_total_rule(client, world):
    client.force_login(world.alice)
    shares = list(world.collab.shares.order_by("force__name"))
    data = form_data([], name=world.collab.name, slug=world.collab.slug)
    data.update({"shares-TOTAL_FORMS": "2", "shares-INITIAL_FORMS": "2"})
    for index, share_row in enumerate(shares):
        data[f"shares-{index}-id"] = share_row.pk
        data[f"shares-{index}-collaboration"] = world.collab.pk
        data[f"shares-{index}-force"] = share_row.force_id
        data[f"shares-{index}-percent"] = "60"
    page = client.post(f"/collaborations/{world.collab.slug}/edit/", data)
    assert "these add up to 120%" in page.content.decode()
    assert ForceShare.objects.get(pk=shares[0].pk).percent == shares[0].percent


def test_a_collaboration_cannot_sit_within_itself(client, world):
    client.force_login(world.alice)
    data = form_data(
        [("Essex", "47.3"), ("Kent", "52.7")],
        name=world.collab.name,
        slug=world.collab.slug,
        parent=world.collab.pk,
    )
    data["shares-TOTAL_FORMS"] = "0"
    page = client.post(f"/collaborations/{world.collab.slug}/edit/", data)
    assert "cannot sit within itself" in page.content.decode()
