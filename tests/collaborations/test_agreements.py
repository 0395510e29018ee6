"""Section 22A agreements: pages, parties, reviews, and an overdue review that stays in
view (reminders, the responsible body's agenda, the collaboration page) until recorded."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from rest_framework.test import APIClient

from realise.collaborations.admin import AgreementAdminForm
from realise.collaborations.models import Agreement, AgreementReview
from realise.collaborations.services import record_agreement_review, save_agreement
from realise.governance.models import Meeting
from realise.governance.services import build_agenda
from tests.factories import GovernanceBodyFactory, PersonFactory, force, member

D = datetime.date


@pytest.fixture
def summit(world):
    chair = PersonFactory(name="Sam Chair", email="sam@essex.police.example")
    return GovernanceBodyFactory(
        collaboration=world.collab, name="EK Summit", slug="ek-summit", chair=chair
    )


@pytest.fixture
def agreement(world, summit):
    """Signed 10 March 2025: its first review fell due on 10 March 2026."""
    return Agreement.objects.create(
        collaboration=world.collab,
        title="EK Section 22A agreement",
        signed_on=D(2025, 3, 10),
        review_body=summit,
    )


def test_the_programme_team_adds_an_agreement_with_its_parties(client, world, summit):
    client.force_login(world.alice)
    essex, kent = force("Essex"), force("Kent")
    response = client.post(
        f"/collaborations/{world.collab.slug}/agreements/new/",
        {
            "title": "EK Section 22A agreement",
            "legal_basis": "Section 22A, Police Act 1996",
            "signed_on": "2025-03-10",
            "review_due": "",
            "review_body": summit.pk,
            "parties": [f"{essex.pk}:pcc", f"{essex.pk}:chief_constable", f"{kent.pk}:pcc"],
            "notes": "",
        },
    )
    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/collaborations/ek/agreements/{agreement.pk}/"
    assert agreement.review_due == D(2026, 3, 10)  # a year after signing
    assert sorted(str(p) for p in agreement.parties.all()) == sorted(
        [
            "Chief Constable of Essex",
            f"{essex.commissioner_title} for Essex",
            f"{kent.commissioner_title} for Kent",
        ]
    )
    assert agreement.history.first().history_user == world.alice
    page = client.get(agreement.get_absolute_url()).content.decode()
    assert "Chief Constable of Essex" in page and "EK Summit" in page
    collaboration_page = client.get("/collaborations/ek/").content.decode()
    assert agreement.get_absolute_url() in collaboration_page
    assert "/collaborations/ek/agreements/" in collaboration_page


def test_a_party_must_be_a_member_force(world, agreement):
    with pytest.raises(ValidationError) as refused:
        save_agreement(agreement, user=world.alice, parties=[(force("Norfolk"), "pcc")])
    assert refused.value.message_dict == {
        "parties": ["Norfolk is not a member of Essex and Kent Serious Crime."]
    }


def test_readers_read_others_get_404_and_only_the_programme_team_edits(client, world, agreement):
    base = f"/collaborations/{world.collab.slug}/agreements/"
    urls = [base, f"{base}{agreement.pk}/"]
    edits = [f"{base}new/", f"{base}{agreement.pk}/edit/", f"{base}{agreement.pk}/review/"]
    client.force_login(world.dave)  # a viewer in Essex: reads the private collaboration
    assert [client.get(url).status_code for url in urls] == [200, 200]
    assert [client.get(url).status_code for url in edits] == [403, 403, 403]
    client.force_login(world.nora)  # Norfolk: may not see it at all
    assert [client.get(url).status_code for url in urls + edits] == [404] * 5
    assert client.get(f"{base}999/").status_code == 404
    client.force_login(world.alice)
    assert [client.get(url).status_code for url in urls + edits] == [200] * 5


def test_a_review_sets_the_next_a_year_on(world, agreement, summit):
    review = record_agreement_review(
        agreement,
        reviewed_on=D(2026, 3, 20),
        body=summit,
        outcome="continue",
        user=world.alice,
    )
    agreement.refresh_from_db()
    assert (review.next_review_due, agreement.review_due) == (D(2027, 3, 20), D(2027, 3, 20))
    assert review.body == summit and review.recorded_by == world.alice


def test_the_review_period_is_configurable(world, agreement, summit, settings):
    settings.REALISE_AGREEMENT_REVIEW_MONTHS = 6
    record_agreement_review(
        agreement, reviewed_on=D(2025, 8, 31), body=summit, outcome="continue", user=world.alice
    )
    agreement.refresh_from_db()
    assert agreement.review_due == D(2026, 2, 28)  # six months on, at the month's end


def test_varying_or_terminating_needs_notes_and_terminating_ends_reviews(world, agreement, summit):
    with pytest.raises(ValidationError) as refused:
        record_agreement_review(
            agreement, reviewed_on=D(2026, 3, 20), body=summit, outcome="vary", user=world.alice
        )
    assert refused.value.message_dict == {
        "notes": ["Say how the agreement is varied or why it ends."]
    }
    record_agreement_review(
        agreement,
        reviewed_on=D(2026, 3, 20),
        body=summit,
        outcome="terminate",
        notes="The forces bring vetting back in house.",
        user=world.alice,
    )
    agreement.refresh_from_db()
    assert agreement.terminated_on == D(2026, 3, 20)
    assert AgreementReview.objects.get().next_review_due is None
    with pytest.raises(ValidationError, match="was terminated on 20 March 2026"):
        record_agreement_review(
            agreement, reviewed_on=D(2026, 3, 21), body=summit, outcome="continue", user=world.alice
        )


def test_a_review_by_another_collaborations_body_is_refused(world, agreement):
    stranger = GovernanceBodyFactory(name="Elsewhere Board")
    with pytest.raises(ValidationError) as refused:
        record_agreement_review(
            agreement,
            reviewed_on=D(2026, 3, 20),
            body=stranger,
            outcome="continue",
            user=world.alice,
        )
    assert refused.value.message_dict == {
        "body": ["Elsewhere Board is not a governance body of Essex and Kent Serious Crime."]
    }


def remind(day: datetime.date) -> str:
    out = StringIO()
    call_command("remind", "--date", day.isoformat(), stdout=out)
    return out.getvalue()


def test_an_overdue_review_stays_in_reminders_and_on_the_agenda_until_reviewed(
    client, world, agreement, summit
):
    overdue = "Agreement review overdue: EK Section 22A agreement"
    # Due 10 March 2026; not reviewed. On 15 April it is overdue: reminded, and again each
    # month while it stays overdue.
    assert overdue in remind(D(2026, 4, 15))
    assert overdue not in remind(D(2026, 4, 16))  # once a month, not daily
    assert overdue in remind(D(2026, 5, 15))
    # On the responsible body's agenda, meeting after meeting; not on another body's.
    june = Meeting.objects.create(body=summit, date=D(2026, 6, 10))
    assert build_agenda(june).agreements == [agreement]
    board_meeting = Meeting.objects.create(body=world.board, date=D(2026, 6, 10))
    assert build_agenda(board_meeting).agreements == []
    client.force_login(world.alice)
    assert "Review overdue" in client.get("/collaborations/ek/").content.decode()
    assert "Overdue" in client.get(june.get_absolute_url()).content.decode()

    response = client.post(
        f"/collaborations/ek/agreements/{agreement.pk}/review/",
        {"reviewed_on": "2026-06-10", "body": summit.pk, "outcome": "continue", "notes": ""},
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.review_due == D(2027, 6, 10)
    assert overdue not in remind(D(2026, 7, 15))
    assert build_agenda(Meeting.objects.create(body=summit, date=D(2026, 9, 10))).agreements == []
    assert "Review overdue" not in client.get("/collaborations/ek/").content.decode()


def test_an_overdue_review_is_sent_to_the_programme_team_and_the_chair(world, agreement):
    call_command("remind", "--date", "2026-04-15", stdout=StringIO())
    sent = [m for m in mail.outbox if "Agreement review overdue" in m.subject]
    assert "sam@essex.police.example" in {address for m in sent for address in m.to}
    assert world.alice.notifications.filter(text__contains="overdue").exists()


def test_the_api_reads_agreements_and_reviews_within_what_the_reader_may_see(
    world, agreement, summit
):
    record_agreement_review(
        agreement, reviewed_on=D(2026, 3, 20), body=summit, outcome="continue", user=world.alice
    )
    save_agreement(agreement, user=world.alice, parties=[(force("Kent"), "chief_constable")])
    client = APIClient()
    client.force_authenticate(world.dave)
    body = client.get(f"/api/v1/agreements/{agreement.pk}/").json()
    assert (body["review_due"], body["review_body"], body["review_overdue"]) == (
        "2027-03-20",
        summit.pk,
        False,
    )
    assert body["parties"] == [
        {"force": force("Kent").pk, "role": "chief_constable", "name": "Chief Constable of Kent"}
    ]
    reviews = client.get("/api/v1/agreement-reviews/", {"agreement": agreement.pk}).json()
    assert [(r["reviewed_on"], r["outcome"], r["next_review_due"]) for r in reviews["results"]] == [
        ("2026-03-20", "continue", "2027-03-20")
    ]
    client.force_authenticate(world.nora)
    assert client.get(f"/api/v1/agreements/{agreement.pk}/").status_code == 404
    assert client.get("/api/v1/agreement-reviews/").json()["results"] == []
    review = AgreementReview.objects.get()
    assert client.get(f"/api/v1/agreement-reviews/{review.pk}/").status_code == 404


def test_an_overdue_review_is_not_moved_on_by_editing_the_agreement(client, world, summit):
    """Due a year ago and never reviewed: neither the edit page, the API nor the admin moves
    the date on (the review would drop off reminders and agendas unrecorded); other edits
    still save, and recording the review moves it on."""
    today = datetime.date.today()
    agreement = Agreement.objects.create(
        collaboration=world.collab,
        title="EK Section 22A agreement",
        signed_on=today.replace(year=today.year - 2, day=1),
        review_body=summit,
    )
    due = agreement.review_due
    later = today + datetime.timedelta(days=300)

    def refusal(title="EK Section 22A agreement"):
        return (
            f"The review of {title} fell due on {due:%-d %B %Y} and is overdue: the date moves "
            "on only when the review is recorded (Record a review), which sets the next."
        )

    def edit(review_due, title="EK Section 22A agreement"):
        agreement.refresh_from_db()
        return client.post(
            f"/collaborations/ek/agreements/{agreement.pk}/edit/",
            {
                "title": title,
                "legal_basis": agreement.legal_basis,
                "signed_on": agreement.signed_on.isoformat(),
                "review_due": review_due,
                "review_body": summit.pk,
                "notes": "",
                "version": agreement.version,
            },
        )

    client.force_login(world.alice)
    response = edit(later.isoformat())
    assert response.status_code == 200
    assert response.context["form"].errors["review_due"] == [refusal()]
    assert Agreement.objects.get().review_due == due
    assert edit(due.isoformat(), title="EK agreement (Section 22A)").status_code == 302

    api = APIClient()
    api.force_authenticate(world.alice)
    agreement.refresh_from_db()
    answer = api.patch(
        f"/api/v1/agreements/{agreement.pk}/",
        {"review_due": later.isoformat(), "version": agreement.version},
        format="json",
    )
    assert answer.status_code == 400
    assert answer.json() == {"review_due": [refusal("EK agreement (Section 22A)")]}

    form = AgreementAdminForm(
        instance=agreement,
        data={
            "collaboration": world.collab.pk,
            "title": agreement.title,
            "legal_basis": agreement.legal_basis,
            "signed_on": agreement.signed_on.isoformat(),
            "review_due": later.isoformat(),
            "review_body": summit.pk,
            "version": agreement.version,
        },
    )
    assert not form.is_valid() and "review_due" in form.errors
    assert Agreement.objects.get().review_due == due

    record_agreement_review(
        agreement, reviewed_on=today, body=summit, outcome="continue", user=world.alice
    )
    assert edit(later.isoformat(), title=agreement.title).status_code == 302
    assert Agreement.objects.get().review_due == later


def test_the_admin_reads_parties_and_reviews_but_writes_them_only_through_the_agreement(
    client, world, agreement
):
    """A review written in the admin would name any body and set no next review; a party
    could be a force outside the collaboration: the admin reads them only."""
    ada = member("ada", "Essex", "administrator")
    ada.is_staff = True
    ada.save()
    client.force_login(ada)
    for kind in ("agreementreview", "agreementparty"):
        assert client.get(f"/admin/collaborations/{kind}/").status_code == 200
        assert client.get(f"/admin/collaborations/{kind}/add/").status_code == 403
