"""The stage page of an initiative whose collaboration has no governance body yet: it says
so, and what to do, rather than offering an empty list and refusing with "This field is
required."."""

import html

from tests.factories import CollaborationFactory, InitiativeFactory, member, share

NO_BODY = (
    "Essex Roads has no governance body to decide its stage gates yet: add one on the "
    "collaboration's page (Add a governance body), with this stage among its stage gates "
    "decided."
)


def test_the_page_says_there_is_no_body_and_how_to_add_one(client, world):
    roads = CollaborationFactory(name="Essex Roads", slug="essex-roads")
    share(roads, "Essex", "100")
    InitiativeFactory(collaboration=roads, name="Shared patrols", slug="shared-patrols")
    client.force_login(member("ada", "Essex", "administrator"))
    page = html.unescape(client.get("/initiatives/shared-patrols/stage/").content.decode())
    assert NO_BODY in page
    refused = client.post(
        "/initiatives/shared-patrols/stage/",
        {"to_stage": "1", "body": "", "decided_on": "2026-01-05", "notes": ""},
    )
    assert refused.status_code == 200
    text = html.unescape(refused.content.decode())
    assert f'<a href="#id_body">{NO_BODY}</a>' in text
    assert "This field is required." not in text
    assert not roads.initiatives.get().decisions.exists()


def test_with_a_body_the_usual_words_stay(client, world):
    client.force_login(world.alice)
    refused = client.post(
        f"/initiatives/{world.initiative.slug}/stage/",
        {"to_stage": "3", "body": "", "decided_on": "2026-01-05", "notes": ""},
    )
    assert "This field is required." in html.unescape(refused.content.decode())
