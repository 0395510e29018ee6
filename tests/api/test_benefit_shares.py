"""A benefit's own split between forces, through the API: read, replace all, clear."""

from decimal import Decimal

from realise.benefits.models import BenefitShare
from tests.factories import force


def url(world) -> str:
    return f"/api/v1/benefits/{world.benefit.pk}/shares/"


def put(client, address, rows):
    """Replace the whole split, based on a read of it (If-Match: its ETag)."""
    return client.put(address, rows, format="json", HTTP_IF_MATCH=client.get(address)["ETag"])


def test_a_benefit_without_a_split_of_its_own_has_none(world, as_user):
    response = as_user(world.dave).get(url(world))
    assert response.status_code == 200
    assert response.json() == []


def test_the_split_is_replaced_whole_with_a_basis_for_each_force(world, as_user):
    essex, kent = force("Essex"), force("Kent")
    client = as_user(world.alice)
    body = [
        {"force": essex.pk, "percent": "62.5", "basis": "Officers in the unit"},
        {"force": kent.pk, "percent": "37.5"},
    ]
    response = put(client, url(world), body)
    assert response.status_code == 200, response.json()
    assert response.json() == [
        {"force": essex.pk, "percent": "62.5000", "basis": "Officers in the unit"},
        {"force": kent.pk, "percent": "37.5000", "basis": ""},
    ]
    stored = BenefitShare.objects.get(benefit=world.benefit, force=kent)
    assert stored.percent == Decimal("37.5")
    assert stored.history.latest().history_user == world.alice
    # An empty list goes back to the collaboration's shares.
    assert put(client, url(world), []).json() == []
    assert not BenefitShare.objects.filter(benefit=world.benefit).exists()


def test_a_split_that_does_not_add_up_or_names_an_outsider_changes_nothing(world, as_user):
    essex, kent, norfolk = force("Essex"), force("Kent"), force("Norfolk")
    client = as_user(world.alice)
    put(client, url(world), [{"force": essex.pk, "percent": "100"}])
    short = [{"force": essex.pk, "percent": "50"}, {"force": kent.pk, "percent": "40"}]
    response = put(client, url(world), short)
    assert response.status_code == 400
    assert "100" in str(response.json())
    outsider = [{"force": essex.pk, "percent": "50"}, {"force": norfolk.pk, "percent": "50"}]
    response = put(client, url(world), outsider)
    assert response.status_code == 400
    assert "Norfolk is not a member of this collaboration" in str(response.json())
    twice = [{"force": essex.pk, "percent": "50"}, {"force": essex.pk, "percent": "50"}]
    response = put(client, url(world), twice)
    assert response.status_code == 400
    assert response.json()["force"] == ["A force is listed twice."]
    assert list(BenefitShare.objects.values_list("force__name", "percent")) == [
        ("Essex", Decimal("100.0000"))
    ]


def test_the_collaboration_refuses_a_force_listed_twice_in_the_same_words(world, as_user):
    essex = force("Essex")
    twice = [{"force": essex.pk, "percent": "50"}, {"force": essex.pk, "percent": "50"}]
    response = put(as_user(world.alice), "/api/v1/collaborations/ek/shares/", twice)
    assert response.status_code == 400
    assert response.json()["force"] == ["A force is listed twice."]


def test_a_replacement_names_the_version_it_replaces(world, as_user):
    """Two people read the split; the first replacement lands, the second is refused
    rather than silently undoing the first; one sent without a version is refused too."""
    essex, kent = force("Essex"), force("Kent")
    for address in (url(world), "/api/v1/collaborations/ek/shares/"):
        alice, bob = as_user(world.alice), as_user(world.alice)
        read = alice.get(address)["ETag"]
        first = [{"force": essex.pk, "percent": "55"}, {"force": kent.pk, "percent": "45"}]
        second = [{"force": essex.pk, "percent": "20"}, {"force": kent.pk, "percent": "80"}]
        landed = alice.put(address, first, format="json", HTTP_IF_MATCH=read)
        assert landed.status_code == 200, landed.json()
        assert landed["ETag"] != read
        assert landed["ETag"] == alice.get(address)["ETag"]
        stale = bob.put(address, second, format="json", HTTP_IF_MATCH=read)
        assert stale.status_code == 412
        assert stale["ETag"] == landed["ETag"]
        bare = bob.put(address, second, format="json")
        assert bare.status_code == 428
        assert "If-Match" in bare.json()["detail"]
        assert [row["percent"] for row in alice.get(address).json()] == ["55.0000", "45.0000"]


def test_shares_that_would_hide_the_collaboration_from_its_writer_are_refused(world, as_user):
    """A programme team for its whole force sees a private collaboration through its force's
    share: replacing the shares without it is refused on `visibility`, and nothing changes."""
    from realise.collaborations.models import ForceShare
    from tests.factories import CollaborationFactory, member, share

    fleet = CollaborationFactory(name="Shared Fleet", slug="fleet", visibility="private")
    share(fleet, "Essex", "50")
    share(fleet, "Kent", "50")
    pat = member("pat", "Essex", "programme_team")  # for Essex as a whole
    client = as_user(pat)
    address = "/api/v1/collaborations/fleet/shares/"
    assert client.get(address).status_code == 200

    refused = put(client, address, [{"force": force("Kent").pk, "percent": "100"}])
    assert refused.status_code == 400
    assert "You would not be able to see Shared Fleet once it is saved" in str(refused.json())
    assert sorted(
        ForceShare.objects.filter(collaboration=fleet).values_list("force__name", "percent")
    ) == [("Essex", Decimal("50.0000")), ("Kent", Decimal("50.0000"))]
    kept = put(
        client,
        address,
        [
            {"force": force("Essex").pk, "percent": "60"},
            {"force": force("Kent").pk, "percent": "40"},
        ],
    )
    assert kept.status_code == 200, kept.json()
