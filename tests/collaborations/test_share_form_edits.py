"""The collaboration page's force shares as a person types them: a share changed or removed
by someone else since the form was opened, and errors shown beside the share they are about."""

import html
import re
from decimal import Decimal

from rest_framework.test import APIClient

from realise.collaborations.models import Collaboration
from tests.collaborations.test_shares import edit_data
from tests.factories import force


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def opened(client, collaboration):
    """The edit page as opened: the collaboration's version and each share's, by force."""
    page = client.get(f"/collaborations/{collaboration.slug}/edit/")
    shares = page.context["shares"]
    versions = {form.instance.force_id: form["version"].value() for form in shares.initial_forms}
    return page.context["form"]["version"].value(), versions


def with_share_versions(data, collaboration, versions):
    """`data` (from `edit_data`) with each listed share's version as the page carried it."""
    for key, value in list(data.items()):
        found = re.fullmatch(r"shares-(\d+)-id", key)
        if found:
            share_row = collaboration.shares.filter(pk=value).first()
            force_id = share_row.force_id if share_row else data[f"shares-{found[1]}-force"]
            data[f"shares-{found[1]}-version"] = versions.get(force_id, "")
    return data


def api_put_shares(user, collaboration, rows):
    api = APIClient()
    api.force_authenticate(user)
    url = f"/api/v1/collaborations/{collaboration.pk}/shares/"
    etag = api.get(url)["ETag"]
    body = [{"force": force(name).pk, "percent": percent} for name, percent in rows]
    response = api.put(url, body, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content


def stored(collaboration):
    return {s.force.name: s.percent for s in collaboration.shares.select_related("force")}


def test_a_share_changed_by_someone_else_is_not_overwritten_unseen(client, world):
    client.force_login(world.alice)
    url = f"/collaborations/{world.collab.slug}/edit/"
    essex, kent = world.collab.shares.order_by("force__name")
    version, share_versions = opened(client, world.collab)
    # Meanwhile the shares are changed through the API (the collaboration itself is not).
    api_put_shares(world.alice, world.collab, [("Essex", "50"), ("Kent", "50")])
    mine = edit_data(world.collab, version, [(essex, "47.3"), (kent, "52.7")])
    mine["purpose"] = "One serious crime unit for both counties."
    with_share_versions(mine, world.collab, share_versions)
    refused = client.post(url, mine)
    assert refused.status_code == 200
    text = page_text(refused)
    assert (
        "Someone else changed the share of Essex since you opened this form: it is now 50%."
    ) in text
    assert (
        "Someone else changed the share of Kent since you opened this form: it is now 50%."
    ) in text
    assert stored(world.collab) == {"Essex": Decimal("50"), "Kent": Decimal("50")}
    assert Collaboration.objects.get(pk=world.collab.pk).purpose != mine["purpose"]
    # Sent again, knowingly, the shares typed replace theirs.
    shares = refused.context["shares"]
    for index, form in enumerate(shares.forms):
        mine[f"shares-{index}-version"] = form["version"].value()
    assert client.post(url, mine).status_code == 302
    assert stored(world.collab) == {"Essex": Decimal("47.3"), "Kent": Decimal("52.7")}


def test_a_share_removed_by_someone_else_is_named_not_a_choice_error(client, world):
    client.force_login(world.alice)
    url = f"/collaborations/{world.collab.slug}/edit/"
    essex, kent = world.collab.shares.order_by("force__name")
    version, share_versions = opened(client, world.collab)
    api_put_shares(world.alice, world.collab, [("Essex", "100")])
    typed = edit_data(world.collab, version, [(essex, "50"), (kent, "50")])
    mine = with_share_versions(typed, world.collab, share_versions)
    refused = client.post(url, mine)
    assert refused.status_code == 200
    text = page_text(refused)
    assert (
        "The share of Kent was removed since you opened this form: open the form again to see "
        "every share."
    ) in text
    assert "Select a valid choice" not in text
    assert stored(world.collab) == {"Essex": Decimal("100")}


def test_a_share_error_links_to_its_field_and_is_shown_beside_it(client, world):
    client.force_login(world.alice)
    url = f"/collaborations/{world.collab.slug}/edit/"
    essex, kent = world.collab.shares.order_by("force__name")
    version, share_versions = opened(client, world.collab)
    mine = with_share_versions(
        edit_data(world.collab, version, [(essex, "47,3"), (kent, "52.7")]),
        world.collab,
        share_versions,
    )
    refused = client.post(url, mine)
    text = page_text(refused)
    assert '<a href="#id_shares-0-percent">Share 1, share in percent: Enter a number.</a>' in text
    field = re.search(r'<input[^>]*name="shares-0-percent"[^>]*>', text)[0]
    assert "govuk-input--error" in field
    assert 'aria-describedby="id_shares-0-percent-error"' in field
    assert re.search(
        r'<p id="id_shares-0-percent-error" class="govuk-error-message">\s*'
        r'<span class="govuk-visually-hidden">Error:</span> Enter a number.',
        text,
    )
    assert stored(world.collab) == {"Essex": Decimal("47.3"), "Kent": Decimal("52.7")}


def test_a_share_in_other_digits_is_refused_not_read(client, world):
    """Python reads '٥٠' as 50: a share is read only when typed with the digits 0 to 9."""
    client.force_login(world.alice)
    url = f"/collaborations/{world.collab.slug}/edit/"
    essex, kent = world.collab.shares.order_by("force__name")
    version, share_versions = opened(client, world.collab)
    mine = with_share_versions(
        edit_data(world.collab, version, [(essex, "٥٠"), (kent, "50")]),
        world.collab,
        share_versions,
    )
    refused = client.post(url, mine)
    assert refused.status_code == 200
    assert "'٥٠' is not a number: write it with the digits 0 to 9." in page_text(refused)
    assert stored(world.collab) == {"Essex": Decimal("47.3"), "Kent": Decimal("52.7")}
