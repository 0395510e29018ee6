import html
from decimal import Decimal

from realise.collaborations.models import Collaboration, ForceShare
from tests.factories import CollaborationFactory, force, share


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


def test_a_private_collaboration_of_other_forces_is_not_offered_as_a_parent(client, world):
    hidden = CollaborationFactory(name="Norfolk Suffolk Private", visibility="private")
    share(hidden, "Norfolk", "100")
    open_one = CollaborationFactory(name="Eastern Region", visibility="policing")
    client.force_login(world.alice)
    page = client.get("/collaborations/new/").content.decode()
    options = page.split('name="parent"')[1].split("</select>")[0]
    assert "Norfolk Suffolk Private" not in page
    assert f'value="{open_one.pk}"' in options and f'value="{world.collab.pk}"' in options
    refused = client.post("/collaborations/new/", form_data([("Essex", "100")], parent=hidden.pk))
    assert refused.status_code == 200
    assert 'href="#id_parent"' in refused.content.decode()
    assert "Norfolk Suffolk Private" not in refused.content.decode()
    assert not Collaboration.objects.filter(slug="eastern-forensics").exists()


def edit_data(collaboration, version, shares, new=()):
    """The edit page's post: `shares` [(share, percent)] as listed when it was opened, and
    `new` [(force name, percent)] typed into the empty rows."""
    data = form_data(new, name=collaboration.name, slug=collaboration.slug, version=version)
    data["shares-TOTAL_FORMS"] = str(len(shares) + len(new))
    data["shares-INITIAL_FORMS"] = str(len(shares))
    for index, (share_row, percent) in enumerate(shares):
        data[f"shares-{index}-id"] = share_row.pk
        data[f"shares-{index}-collaboration"] = collaboration.pk
        data[f"shares-{index}-force"] = share_row.force_id
        data[f"shares-{index}-percent"] = percent
    for index, (name, percent) in enumerate(new, start=len(shares)):
        data[f"shares-{index}-force"] = force(name).pk
        data[f"shares-{index}-percent"] = percent
    return data


def test_a_share_saved_in_another_tab_is_counted_never_overwritten(client, world):
    client.force_login(world.alice)
    url = f"/collaborations/{world.collab.slug}/edit/"
    essex, kent = world.collab.shares.order_by("force__name")
    opened = world.collab.version
    # The first tab adds Norfolk; the second, opened before, still lists Essex and Kent.
    first = client.post(
        url, edit_data(world.collab, opened, [(essex, "40"), (kent, "40")], [("Norfolk", "20")])
    )
    assert first.status_code == 302
    second = edit_data(world.collab, opened, [(essex, "60"), (kent, "40")])
    stale = client.post(url, second)
    assert "Someone else changed this since you opened it." in stale.content.decode()
    second["version"] = Collaboration.objects.get(pk=world.collab.pk).version
    refused = client.post(url, second)
    assert refused.status_code == 200
    assert (
        "Since this form was opened, a share was saved for Norfolk. With it the force shares "
        "add up to 120%, not exactly 100%: open the form again to see every share."
    ) in html.unescape(refused.content.decode())
    stored = {s.force.name: s.percent for s in world.collab.shares.select_related("force")}
    assert stored == {"Essex": Decimal("40"), "Kent": Decimal("40"), "Norfolk": Decimal("20")}
    # Adding the same force in the second tab names it, rather than counting it twice.
    again = edit_data(
        world.collab, second["version"], [(essex, "40"), (kent, "40")], [("Norfolk", "20")]
    )
    twice = client.post(url, again)
    assert (
        "A share for Norfolk was saved since this form was opened: open the form again to see "
        "every share."
    ) in html.unescape(twice.content.decode())
    # Shares that, with the one saved since, make exactly 100% are saved.
    fits = edit_data(world.collab, second["version"], [(essex, "30"), (kent, "50")])
    assert client.post(url, fits).status_code == 302
    stored = {s.force.name: s.percent for s in world.collab.shares.select_related("force")}
    assert stored == {"Essex": Decimal("30"), "Kent": Decimal("50"), "Norfolk": Decimal("20")}
