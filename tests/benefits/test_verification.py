"""Four-eyes verification of actuals: who verifies, who may not, and what a change undoes.

The story: bob (Essex force lead) records Essex's actual on the vetting benefit; frank is
the benefit's measurement owner; alice is on the programme team; erin owns the benefit
but does not measure it; dave only reads.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from realise.benefits.models import Measurement, PlannedValue
from realise.benefits.services import (
    VERIFY_OWN,
    record_measurement,
    return_measurement,
    verify_measurement,
)
from realise.core.models import StaleVersion
from realise.governance.models import Notification
from realise.organisations.models import Cover
from tests.factories import PersonFactory, force, member

LAST_MONTH = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
MONTH_BEFORE = (LAST_MONTH - datetime.timedelta(days=1)).replace(day=1)


@pytest.fixture
def frank(world):
    user = member("frank", "Kent", "viewer")
    user.first_name, user.last_name = "Frank", "Measurer"
    user.save()
    world.benefit.measurement_owner = PersonFactory(name="Frank Measurer", user=user)
    world.benefit.save()
    return user


def recorded(world, user=None, value="1000.00", period=LAST_MONTH, note="Ledger extract"):
    return record_measurement(
        world.benefit,
        period,
        user=user or world.bob,
        force=force("Essex"),
        value=Decimal(value),
        evidence_note=note,
    )


def test_the_measurement_owner_verifies_recording_who_and_when(world, frank):
    actual = recorded(world)

    verify_measurement(actual, user=frank)

    actual.refresh_from_db()
    assert actual.verified_by == frank and actual.verified_at is not None
    assert actual.history.latest().history_user == frank


def test_programme_team_verifies_too(world, frank):
    actual = recorded(world)
    verify_measurement(actual, user=world.alice)
    actual.refresh_from_db()
    assert actual.verified_by == world.alice


def test_the_measurement_owners_deputy_verifies_while_covering(client, world, frank):
    """Dan covers for frank this week: the actual is on his list and he verifies it; once
    the cover has ended, he may not."""
    dan = member("dan", "Kent", "viewer")
    today = datetime.date.today()
    cover = Cover.objects.create(
        person=world.benefit.measurement_owner,
        deputy=dan,
        starts=today - datetime.timedelta(days=2),
        ends=today + datetime.timedelta(days=2),
    )
    first = recorded(world)
    second = recorded(world, period=MONTH_BEFORE)

    client.force_login(dan)
    listed = client.get("/benefits/verification/").context["measurements"]
    assert {m.pk for m in listed} == {first.pk, second.pk}
    verify_measurement(first, user=dan)
    first.refresh_from_db()
    assert first.verified_by == dan

    cover.ends = today - datetime.timedelta(days=1)
    cover.save()
    dan = type(dan).objects.get(pk=dan.pk)  # a fresh request's user
    with pytest.raises(PermissionDenied, match="Only the measurement owner of benefit"):
        verify_measurement(second, user=dan)
    assert list(Measurement.objects.verifiable_by(dan)) == []


@pytest.mark.parametrize("who", ["erin", "dave", "carol"])
def test_others_may_not_verify(world, frank, who):
    actual = recorded(world)
    with pytest.raises(PermissionDenied, match="Only the measurement owner of benefit"):
        verify_measurement(actual, user=getattr(world, who))
    actual.refresh_from_db()
    assert actual.verified_at is None


def test_nobody_verifies_an_actual_they_entered(world, frank):
    actual = recorded(world, user=frank)
    with pytest.raises(PermissionDenied) as refused:
        verify_measurement(actual, user=frank)
    assert str(refused.value) == VERIFY_OWN
    assert "entered or last changed" in VERIFY_OWN


def test_nobody_verifies_an_actual_they_last_changed(world, frank):
    actual = recorded(world)  # bob enters it
    actual = recorded(world, user=world.alice, value="1100.00")  # alice corrects it
    assert (actual.entered_by, actual.changed_by) == (world.bob, world.alice)
    with pytest.raises(PermissionDenied, match="entered or last changed"):
        verify_measurement(actual, user=world.alice)
    with pytest.raises(PermissionDenied, match="entered or last changed"):
        verify_measurement(actual, user=world.bob)  # bob still entered it
    verify_measurement(actual, user=frank)


def test_changing_a_verified_actual_clears_its_verification(world, frank):
    actual = recorded(world)
    verify_measurement(actual, user=frank)

    changed = recorded(world, value="1200.00", note="Corrected ledger extract")

    changed.refresh_from_db()
    assert (changed.verified_by, changed.verified_at) == (None, None)
    assert changed.value == Decimal("1200.00")


def test_a_stale_version_is_refused(world, frank):
    actual = recorded(world)
    read_at = actual.version
    recorded(world, value="900.00")
    with pytest.raises(StaleVersion):
        verify_measurement(actual, user=frank, expected_version=read_at)
    assert Measurement.objects.get().verified_at is None


def test_returning_needs_a_reason_notifies_the_enterer_and_a_save_clears_it(world, frank):
    actual = recorded(world)
    with pytest.raises(ValidationError, match="Give the reason"):
        return_measurement(actual, user=frank, reason="  ")

    return_measurement(actual, user=frank, reason="The ledger shows 950, not 1000.")

    actual.refresh_from_db()
    assert actual.returned_by == frank and actual.return_reason.startswith("The ledger")
    note = Notification.objects.get(user=world.bob)
    assert "Frank Measurer returned your actual" in note.text
    assert "The ledger shows 950, not 1000." in note.text
    assert note.url == f"/benefits/{world.benefit.pk}/#actuals"
    with pytest.raises(ValidationError, match="returned for correction"):
        verify_measurement(actual, user=frank)

    again = recorded(world, value="950.00", note="Ledger extract, corrected")
    again.refresh_from_db()
    assert (again.returned_by, again.returned_at, again.return_reason) == (None, None, "")
    verify_measurement(again, user=frank)


def test_the_enterer_may_not_return_their_own_actual(world, frank):
    actual = recorded(world, user=frank)
    with pytest.raises(PermissionDenied, match="entered or last changed"):
        return_measurement(actual, user=frank, reason="Oops")


def test_the_admin_neither_verifies_nor_changes_an_actual(client, world, frank):
    """An administrator who entered an actual may not verify it by naming themselves in the
    admin, nor change a verified actual there (which would keep its verification), nor add
    an actual without evidence: actuals are written where the rules hold."""
    ada = member("ada", "Essex", "administrator")
    ada.is_staff = True
    ada.save()
    mine = recorded(world, user=ada)
    theirs = recorded(world, period=MONTH_BEFORE)
    verify_measurement(theirs, user=frank)
    client.force_login(ada)

    for actual, changes in ((mine, {"verified_by": ada.pk}), (theirs, {"value": "5000.00"})):
        url = f"/admin/benefits/measurement/{actual.pk}/change/"
        assert client.get(url).status_code == 200  # read
        data = {
            "benefit": world.benefit.pk,
            "period": actual.period.isoformat(),
            "force": actual.force_id,
            "value": str(actual.value),
            **changes,
        }
        assert client.post(url, data).status_code == 403
    assert client.get("/admin/benefits/measurement/add/").status_code == 403
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.verified_by is None
    assert (theirs.value, theirs.verified_by) == (Decimal("1000.00"), frank)


# The benefit page ---------------------------------------------------------------------------


def test_the_benefit_page_shows_verified_and_returned(client, world, frank):
    first = recorded(world)
    second = recorded(world, period=MONTH_BEFORE, value="500.00")
    verify_measurement(first, user=frank)
    return_measurement(second, user=frank, reason="Wrong cost centre")
    client.force_login(world.dave)
    page = client.get(f"/benefits/{world.benefit.pk}/").content.decode()
    assert "Verified</strong> by Frank Measurer" in page
    assert "Returned</strong> by Frank Measurer" in page and "Wrong cost centre" in page


def test_correcting_a_verified_actual_on_the_page_says_its_verification_was_cleared(
    client, world, frank
):
    actual = recorded(world)
    verify_measurement(actual, user=frank)
    client.force_login(world.bob)
    response = client.post(
        f"/benefits/{world.benefit.pk}/actuals/new/",
        {
            "period": LAST_MONTH.strftime("%Y-%m"),
            "force": force("Essex").pk,
            "value": "1300",
            "evidence_note": "Revised extract",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "had been verified by Frank Measurer; your change cleared that verification" in page


# The page of actuals awaiting verification ---------------------------------------------------


def test_the_list_shows_evidence_plan_and_previous_actual_and_not_your_own(client, world, frank):
    PlannedValue.objects.create(benefit=world.benefit, period=LAST_MONTH, value=Decimal("1500"))
    recorded(world, period=MONTH_BEFORE, value="800.00")
    recorded(world, value="1000.00", note="Ledger extract, cost centre 4410")
    recorded(world, user=frank, period=LAST_MONTH.replace(year=LAST_MONTH.year - 1))

    client.force_login(frank)
    response = client.get("/benefits/verification/")

    rows = list(response.context["measurements"])
    assert [(m.period, m.value) for m in rows] == [
        (MONTH_BEFORE, Decimal("800.00")),
        (LAST_MONTH, Decimal("1000.00")),
    ]
    assert rows[1].planned == Decimal("709.50")  # Essex's 47.3% of the £1,500 planned
    assert (rows[1].previous_period, rows[1].previous_value) == (MONTH_BEFORE, Decimal("800.00"))
    page = response.content.decode()
    assert "Ledger extract, cost centre 4410" in page and "£1,500.00" in page
    assert 'href="/benefits/verification/"' in client.get("/").content.decode()


def test_the_list_writes_figures_in_the_benefits_unit(client, world, frank):
    """Pounds as pounds (with separators and the sign before the pound), hours as hours:
    as the page that records them writes them, never as bare numbers."""
    PlannedValue.objects.create(benefit=world.benefit, period=LAST_MONTH, value=Decimal("175000"))
    recorded(world, period=MONTH_BEFORE, value="1200.00")
    recorded(world, value="-5.00")
    client.force_login(frank)
    page = client.get("/benefits/verification/").content.decode()
    for shown in ("£1,200.00", "-£5.00", "£175,000.00"):
        assert shown in page, shown
    for bare in (">1200.00<", ">-5.00<", "175000.00"):
        assert bare not in page, bare

    world.benefit.subcategory, world.benefit.unit = "1b", "hours"
    world.benefit.save()
    page = client.get("/benefits/verification/").content.decode()
    assert (
        "1,200 hours" in page
        and "175,000 hours" in page
        and "£" not in page.split('id="actuals-table"')[1].split("</table>")[0]
    )


def test_the_list_filters_by_month_and_force(client, world, frank):
    recorded(world, period=MONTH_BEFORE)
    recorded(world)
    client.force_login(frank)
    response = client.get("/benefits/verification/", {"month": LAST_MONTH.strftime("%Y-%m")})
    assert [m.period for m in response.context["measurements"]] == [LAST_MONTH]
    response = client.get("/benefits/verification/", {"force": force("Kent").pk})
    assert list(response.context["measurements"]) == []
    assert "No actuals match these filters." in response.content.decode()


def test_an_empty_list_says_so(client, world, frank):
    client.force_login(frank)
    assert "No actuals are awaiting your verification." in (
        client.get("/benefits/verification/").content.decode()
    )


def test_verify_several_at_once(client, world, frank):
    a = recorded(world, period=MONTH_BEFORE)
    b = recorded(world)
    client.force_login(frank)
    response = client.post(
        "/benefits/verification/",
        {"chosen": [f"{a.pk}:{a.version}", f"{b.pk}:{b.version}"]},
        follow=True,
    )
    assert "Verified 2 actuals." in response.content.decode()
    assert Measurement.objects.filter(verified_by=frank).count() == 2


def test_verifying_several_is_all_or_nothing(client, world, frank):
    a = recorded(world, period=MONTH_BEFORE)
    b = recorded(world)
    stale = b.version
    recorded(world, value="999.00")  # b changes after the page was opened
    client.force_login(frank)
    response = client.post(
        "/benefits/verification/", {"chosen": [f"{a.pk}:{a.version}", f"{b.pk}:{stale}"]}
    )
    page = response.content.decode()
    assert "Nothing was verified" in page
    assert "It changed since you opened this page" in page
    assert Measurement.objects.filter(verified_at__isnull=False).count() == 0


def test_verify_one_with_its_own_button(client, world, frank):
    a = recorded(world)
    client.force_login(frank)
    client.post("/benefits/verification/", {"one": f"{a.pk}:{a.version}"})
    assert Measurement.objects.get().verified_by == frank


def test_return_one_with_a_reason_on_the_page(client, world, frank):
    a = recorded(world)
    client.force_login(frank)
    shown = client.get(f"/benefits/verification/{a.pk}/return/").content.decode()
    assert "£1,000.00" in shown and ">1000.00<" not in shown  # as the list writes it
    page = client.post(f"/benefits/verification/{a.pk}/return/", {"reason": ""})
    assert "Give the reason for returning the actual." in page.content.decode()
    response = client.post(
        f"/benefits/verification/{a.pk}/return/",
        {"reason": "Attach the ledger extract", "version": a.version},
    )
    assert response.status_code == 302
    assert Measurement.objects.get().return_reason == "Attach the ledger extract"


def test_an_outsider_gets_404_for_an_actual_they_cannot_see(client, world, frank):
    a = recorded(world)
    client.force_login(world.nora)
    assert client.get(f"/benefits/verification/{a.pk}/return/").status_code == 404
    client.post("/benefits/verification/", {"one": f"{a.pk}:{a.version}"})
    assert Measurement.objects.get().verified_at is None


def filter_labels(page: str) -> list[str]:
    return [
        " ".join(label.split())
        for name in ("collaboration", "initiative", "force")
        for label in re.findall(rf'<label[^>]*for="id_{name}"[^>]*>(.*?)</label>', page, re.S)
    ]


def test_the_lists_filters_are_labelled_in_the_language_of_the_page(client, world, frank):
    client.force_login(frank)
    english = client.get("/benefits/verification/", HTTP_ACCEPT_LANGUAGE="en-GB")
    assert filter_labels(english.content.decode()) == ["Collaboration", "Initiative", "Force"]
    welsh = client.get("/benefits/verification/", HTTP_ACCEPT_LANGUAGE="cy")
    assert filter_labels(welsh.content.decode()) == ["Cydweithrediad", "Menter", "Heddlu"]
