"""People are not named to the public.

A public collaboration's pages, downloads, feeds, open data and API answers are open to
visitors who are not signed in; the people who work on it are not. A public collaboration is
built here with a named person in every role (SRO, benefit owner, measurement owner, chair,
member, action owner, opportunity owner, lesson author, highlight report author) and users
who entered, verified, changed and recorded its records. A visitor walks every address
reachable from the public pages and the collaboration's own, and the API; none of the
people's names, job titles, email addresses or user names may appear. A signed-in reader
still sees them.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from realise.benefits.ipa.models import ChangeRequest
from realise.benefits.models import Benefit, Evidence, Measurement, PlannedValue
from realise.collaborations.models import Agreement, Collaboration, Initiative, StageDecision
from realise.documents.models import HighlightReport
from realise.governance.models import (
    Action,
    BodyMember,
    Decision,
    Escalation,
    GovernanceBody,
    Meeting,
)
from realise.knowledge.models import Lesson
from realise.organisations.models import Person
from realise.pipeline.models import Opportunity
from tests.core.test_private_records_never_shown import links_in, text_of
from tests.core.test_private_records_never_shown import start_addresses as every_list
from tests.factories import UserFactory, force, member, share

pytestmark = pytest.mark.long

PAGE_LIMIT = 600

# Each person: a name, a job title, an email address and a user name found nowhere else.
PEOPLE = {
    "sro": ("Ottoline Quarrington", "Zymurgist General", "oquarr"),
    "owner": ("Bartholomew Fenwhistle", "Keeper of Ledgers", "bfenwh"),
    "measurer": ("Cressida Vantongeren", "Tallymistress", "cvanto"),
    "chair": ("Dunstan Hollowbeck", "Lord Warden", "dhollo"),
    "body_member": ("Elowen Spraggett", "Alderwoman", "esprag"),
    "action_owner": ("Fenella Brackwater", "Quartermistress", "fbrack"),
    "opportunity_owner": ("Gideon Marchbanks", "Prospector", "gmarch"),
    "lesson_author": ("Hermione Tumbrill", "Chronicler", "htumbr"),
    "report_author": ("Ignatius Wolversley", "Herald", "iwolve"),
    "requester": ("Mirabel Oxenholme", "Petitioner", "moxenh"),
}
# Users who enter, verify, change and record things (they sign in; no named person).
USERS = {
    "enterer": ("Jocasta", "Pemberthy", "jpembe"),
    "verifier": ("Kenelm", "Ashworthy", "kashwo"),
    "recorder": ("Lavinia", "Grubbidge", "lgrubb"),
    "changer": ("Nathaniel", "Quilliam", "nquill"),
}


def email_of(username: str) -> str:
    return f"{username}@people.example"


def personal_words() -> list[str]:
    """Every name, job title, email address and user name of the people above."""
    words = []
    for name, title, username in PEOPLE.values():
        words += [name, title, email_of(username), username]
    for first, last, username in USERS.values():
        words += [f"{first} {last}", last, email_of(username), username]
    return words


class Public:
    """The public collaboration and its records."""


def save_as(user, obj):
    """Save `obj` with `user` as the author of its history record."""
    obj._history_user = user
    obj.save()
    return obj


@pytest.fixture
def public(db, forces):
    p = Public()
    people = {}
    for role, (name, title, username) in PEOPLE.items():
        user = UserFactory(username=username, first_name=name.split()[0], last_name=name.split()[1])
        user.email = email_of(username)
        user.save()
        people[role] = Person.objects.create(
            name=name, role_title=title, email=email_of(username), user=user, force=force("Kent")
        )
    users = {}
    for role, (first, last, username) in USERS.items():
        users[role] = UserFactory(
            username=username, first_name=first, last_name=last, email=email_of(username)
        )
        Person.objects.create(name=f"{first} {last}", email=email_of(username), user=users[role])
    recorder = users["recorder"]
    p.people, p.users = people, users

    p.collab = save_as(
        recorder,
        Collaboration(
            name="Open Harbour Partnership",
            slug="open-harbour",
            purpose="Shared marine policing",
            visibility="public",
            lead_force=force("Kent"),
        ),
    )
    share(p.collab, "Kent", "60")
    share(p.collab, "Essex", "40")
    Agreement.objects.create(
        collaboration=p.collab,
        title="Harbour agreement",
        signed_on=datetime.date(2024, 4, 1),
        review_due=datetime.date(2027, 4, 1),
    )
    p.body = save_as(
        recorder,
        GovernanceBody(
            collaboration=p.collab,
            name="Harbour Board",
            slug="harbour-board",
            body_type="programme_board",
            chair=people["chair"],
            decides_stages=[1, 2, 3, 4, 5],
            visibility="public",
        ),
    )
    BodyMember.objects.create(body=p.body, person=people["body_member"])
    BodyMember.objects.create(body=p.body, person=people["chair"])
    p.initiative = save_as(
        recorder,
        Initiative(
            collaboration=p.collab,
            name="Joint patrol boats",
            slug="joint-patrol-boats",
            stage=4,
            sro=people["sro"],
            start_date=datetime.date(2024, 4, 1),
        ),
    )
    StageDecision.objects.create(
        initiative=p.initiative,
        from_stage=3,
        to_stage=4,
        body=p.body,
        decided_on=datetime.date(2025, 1, 10),
        decided_by=recorder,
    )
    p.benefit = save_as(
        recorder,
        Benefit(
            initiative=p.initiative,
            reference="OHP-B01",
            title="Lower boat running costs",
            subcategory="1a",
            direction="decrease",
            measure="Annual running cost",
            unit="GBP",
            baseline_value=Decimal("100000.00"),
            target_value=Decimal("80000.00"),
            owner=people["owner"],
            measurement_owner=people["measurer"],
            status="realising",
        ),
    )
    for month in (1, 2, 3):
        PlannedValue.objects.create(
            benefit=p.benefit, period=datetime.date(2025, month, 1), value=Decimal("1000.00")
        )
    p.actual = save_as(
        users["enterer"],
        Measurement(
            benefit=p.benefit,
            period=datetime.date(2025, 1, 1),
            value=Decimal("900.00"),
            entered_by=users["enterer"],
            changed_by=users["changer"],
        ),
    )
    save_as(
        users["enterer"],
        Evidence(
            measurement=p.actual,
            note="Invoices for January",
            file=ContentFile(b"Invoices", name="invoices.txt"),
            original_name="invoices.txt",
            uploaded_by=users["enterer"],
        ),
    )
    p.returned = save_as(
        users["enterer"],
        Measurement(
            benefit=p.benefit,
            period=datetime.date(2025, 2, 1),
            value=Decimal("800.00"),
            entered_by=users["enterer"],
            returned_by=users["verifier"],
            returned_at=timezone.now(),
            return_reason="Add the invoices",
        ),
    )
    p.change_request = ChangeRequest.objects.create(
        benefit=p.benefit,
        reason="Boats arrive late",
        requested_by=people["requester"],
        entered_by=recorder,
        body=p.body,
        status="rejected",
        decided_on=datetime.date(2025, 2, 1),
        decided_by=users["verifier"],
    )
    p.actual.verified_by = users["verifier"]
    p.actual.verified_at = timezone.now()
    save_as(users["verifier"], p.actual)
    p.meeting = Meeting.objects.create(body=p.body, date=datetime.date(2025, 1, 10))
    # A meeting to come, in the body's calendar feed.
    Meeting.objects.create(body=p.body, date=timezone.localdate() + datetime.timedelta(days=30))
    p.upper = GovernanceBody.objects.create(
        collaboration=p.collab,
        name="Harbour Summit",
        slug="harbour-summit",
        body_type="strategic_board",
        chair=people["chair"],
        visibility="public",
    )
    p.body.escalates_to = p.upper
    save_as(recorder, p.body)
    p.escalation = Escalation.objects.create(
        from_body=p.body,
        to_body=p.upper,
        kind="risk",
        initiative=p.initiative,
        benefit=p.benefit,
        summary="Boats late",
        raised_by=recorder,
        raised_at=timezone.now(),
        resolution="Accepted",
        resolved_by=users["verifier"],
        resolved_at=timezone.now(),
    )
    p.decision = save_as(
        recorder,
        Decision(
            body=p.body,
            meeting=p.meeting,
            decided_on=datetime.date(2025, 1, 10),
            text="Buy two boats together",
            initiative=p.initiative,
            recorded_by=recorder,
            visibility="public",
        ),
    )
    save_as(
        recorder,
        Action(
            decision=p.decision,
            text="Draft the joint specification",
            owner=people["action_owner"],
            due_on=datetime.date(2025, 3, 1),
        ),
    )
    save_as(
        recorder,
        Opportunity(
            collaboration=p.collab,
            title="Shared moorings",
            source="scanning",
            low=Decimal("1000"),
            most_likely=Decimal("2000"),
            high=Decimal("3000"),
            confidence=50,
            owner=people["opportunity_owner"],
            status="assessing",
        ),
    )
    save_as(
        recorder,
        Lesson(
            collaboration=p.collab,
            initiative=p.initiative,
            title="Moor boats together",
            theme="partnership",
            what_happened="Shared moorings cost less",
            date=datetime.date(2025, 2, 1),
            author=people["lesson_author"],
            recorded_by=recorder,
            visibility="public",
        ),
    )
    save_as(
        recorder,
        HighlightReport(
            initiative=p.initiative,
            month=datetime.date(2025, 2, 1),
            progress="Boats ordered",
            author=people["report_author"],
            recorded_by=recorder,
        ),
    )
    p.reader = member("rhoda", "Norfolk", "viewer")
    from realise.knowledge.indexing import reindex_all

    reindex_all()
    return p


# Walking -------------------------------------------------------------------------------------

SKIP_PREFIXES = ("/admin/", "/accounts/", "/static/", "/language/")


def walk(client, start: list[str]) -> dict[str, str]:
    """GET every address reachable from `start` by links on this site; their texts."""
    seen: dict[str, str] = {}
    queue = list(start)
    while queue and len(seen) < PAGE_LIMIT:
        url = queue.pop(0)
        if url in seen or url.startswith(SKIP_PREFIXES):
            continue
        response = client.get(url)
        if response.status_code in (301, 302):
            seen[url] = ""
            location = response["Location"]
            if not location.startswith("/accounts/"):
                queue.append(location)
            continue
        text = text_of(response)
        if response.get("Content-Type", "").startswith("text/html"):
            queue.extend(u for u in links_in(text) if u not in seen)
        # A search page repeats what the visitor typed (a name, here): that is not a leak.
        typed = parse_qs(urlsplit(url).query).get("q", [""])[0]
        seen[url] = text.replace(typed, "") if typed else text
    return seen


def start_addresses(p) -> list[str]:
    return [
        "/public/",
        f"/public/collaborations/{p.collab.slug}/",
        "/open-data/",
        f"/collaborations/{p.collab.slug}/",
        f"/initiatives/{p.initiative.slug}/",
        f"/benefits/{p.benefit.pk}/",
        f"/benefits/{p.benefit.pk}/history/",
        f"/governance/bodies/{p.body.slug}/",
        f"/governance/decisions/{p.decision.pk}/",
        "/repository/",
        "/search/?q=harbour",
        "/search/?q=boats",
        *every_list(),
        # Searching for a person finds nothing that names them.
        *[f"/search/?q={name.split()[1]}" for name, _title, _username in PEOPLE.values()],
    ]


def unfolded(text: str) -> str:
    """The text with iCalendar's folded lines joined again."""
    return text.replace("\r\n ", "").replace("\n ", "")


def leaks_in(texts: dict[str, str]) -> dict[str, list[str]]:
    words = personal_words()
    found = {}
    for url, text in texts.items():
        named = [w for w in words if w.lower() in unfolded(text).lower()]
        if named:
            found[url] = named
    return found


def walk_api(client) -> dict[str, str]:
    """The API root and every list it names, with the public collaboration's records."""
    seen = {"/api/v1/": text_of(client.get("/api/v1/"))}
    for name in ("collaborations", "initiatives", "benefits", "measurements", "people"):
        seen[f"/api/v1/{name}/"] = text_of(client.get(f"/api/v1/{name}/"))
    return seen


def test_a_visitor_meets_no_person_on_any_page_download_or_feed(public):
    pages = walk(Client(), start_addresses(public))
    # The walk reached the public collaboration's records, downloads and feeds.
    reached = [
        f"/initiatives/{public.initiative.slug}/",
        f"/benefits/{public.benefit.pk}/history/",
        f"/benefits/{public.benefit.pk}/profile.pdf",
        f"/governance/bodies/{public.body.slug}/calendar.ics",
        f"/governance/decisions/{public.decision.pk}/",
        f"/governance/escalations/{public.escalation.pk}/",
        f"/change-requests/{public.change_request.pk}/",
        "/open-data/benefits.csv",
    ]
    assert [address for address in reached if not pages.get(address)] == []
    assert "Lower boat running costs" in pages[f"/benefits/{public.benefit.pk}/profile.pdf"]
    assert "Lower boat running costs" in pages["/open-data/benefits.csv"]
    assert "Harbour Board" in pages[f"/governance/bodies/{public.body.slug}/calendar.ics"]
    assert leaks_in(pages) == {}


def test_a_visitor_reads_nothing_from_the_api(public):
    client = APIClient()
    assert client.get("/api/v1/benefits/").status_code in (401, 403)
    assert leaks_in(walk_api(client)) == {}


def test_a_visitor_still_reads_the_records_themselves(public):
    """Only the people go: the figures, dates and decisions stay, with their headings."""
    client = Client()
    benefit = client.get(f"/benefits/{public.benefit.pk}/").content.decode()
    # Its verified actual only (docs/verification.md): not the returned one, nor the reason.
    assert "Verified" in benefit and "£900.00" in benefit
    assert "Returned" not in benefit and "£800.00" not in benefit
    assert "Add the invoices" not in benefit
    assert "Benefit owner" not in benefit and "Entered by" not in benefit
    history = client.get(f"/benefits/{public.benefit.pk}/history/").content.decode()
    assert "Plan for 2025-01" in history and "Actual for 2025-01" not in history
    body = client.get(f"/governance/bodies/{public.body.slug}/").content.decode()
    assert "The body has 2 members." in body
    assert '<h2 class="govuk-heading-m">Members</h2>' in body
    decision = client.get(f"/governance/decisions/{public.decision.pk}/").content.decode()
    assert "Draft the joint specification" in decision and "1 Mar 2025" in decision
    feed = unfolded(
        client.get(f"/governance/bodies/{public.body.slug}/calendar.ics").content.decode()
    )
    assert 'ORGANIZER;CN="Harbour Board"' in feed


# What a signed-in reader sees, address by address: every person named as before.
SIGNED_IN_SEES = {
    "/collaborations/open-harbour/": ["sro"],
    "/initiatives/joint-patrol-boats/": ["sro", "owner", "recorder"],
    "/benefits/{benefit}/": ["owner", "measurer", "enterer", "verifier", "changer"],
    "/benefits/{benefit}/history/": ["owner", "measurer", "enterer", "verifier", "recorder"],
    "/benefits/{benefit}/profile.pdf": ["owner", "measurer"],
    "/governance/bodies/harbour-board/": ["chair", "body_member"],
    "/governance/bodies/harbour-board/calendar.ics": ["chair"],
    "/governance/decisions/{decision}/": ["action_owner", "recorder"],
    "/governance/meetings/{meeting}/": ["action_owner"],
    "/governance/escalations/{escalation}/": ["recorder", "verifier"],
    "/change-requests/{change_request}/": ["requester", "recorder", "verifier"],
}


def name_of(role: str) -> str:
    if role in PEOPLE:
        return PEOPLE[role][0]
    first, last, _username = USERS[role]
    return f"{first} {last}"


def test_a_signed_in_reader_still_sees_every_person(public):
    client = Client()
    client.force_login(public.reader)
    missing = []
    for address, roles in SIGNED_IN_SEES.items():
        url = address.format(
            benefit=public.benefit.pk,
            decision=public.decision.pk,
            meeting=public.meeting.pk,
            escalation=public.escalation.pk,
            change_request=public.change_request.pk,
        )
        response = client.get(url)
        assert response.status_code == 200, url
        text = unfolded(text_of(response))
        missing += [f"{url}: {role}" for role in roles if name_of(role) not in text]
    assert missing == []


def test_the_demo_public_collaboration_names_nobody_to_a_visitor(demo_data, db):
    """The demo's public collaboration, walked as a visitor, names none of its people."""
    from realise.organisations.models import Person

    client = Client()
    pages = walk(client, ["/public/", "/collaborations/7f-collaborative-procurement/"])
    assert len(pages) > 20
    names = set(Person.objects.values_list("name", flat=True))
    leaks = {
        url: [n for n in names if n in unfolded(text)]
        for url, text in pages.items()
        if any(n in unfolded(text) for n in names)
    }
    assert leaks == {}
