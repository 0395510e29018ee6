"""No private record is ever shown to a reader who may not see it.

Private records of every kind are made, each carrying the marker `Qzxvw` in its title or
text: in a private collaboration (Essex and Kent), and private records inside an open
(policing) collaboration the readers are not in. Then three readers walk every page,
download, feed, search and API path they can reach, found from the URL resolver, the API
root and the links on the pages they read:

* nora, a force lead of Norfolk;
* vic, a viewer (inspector) of Norfolk, who also reads the audit trail;
* an anonymous visitor.

None of them may meet the marker anywhere, and every address of a private object answers
exactly as the address of an object that does not exist (404; for the anonymous visitor,
perhaps the sign-in page, as for any unknown address behind sign-in).
"""

from __future__ import annotations

import datetime
import io
import itertools
import re
import zipfile
from collections import Counter
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from realise.appraisal.models import CostLine, Option
from realise.appraisal.services import business_as_usual
from realise.benefits.models import Benefit, Evidence, Measurement, Objective, PlannedValue
from realise.collaborations.models import Agreement, Collaboration, Initiative, StageDecision
from realise.documents.models import HighlightReport
from realise.governance.models import (
    Action,
    Decision,
    Escalation,
    GovernanceBody,
    Meeting,
    Notification,
)
from realise.knowledge.models import Document, DocumentVersion, Lesson
from tests.factories import BenefitFactory, force, member, share

pytestmark = pytest.mark.long

MARKER = "Qzxvw"
PAGE_LIMIT = 450  # pages each reader walks at most (the world below has far fewer)
VARIANTS_PER_PATH = 2  # the same path with different query strings (sorting, pages)
SKIP_PREFIXES = ("/admin/", "/accounts/logout/", "/static/", "/media/")
FIRST_PK = 7_000_001  # the private records' ids: no other record has ids this high


class PrivateIds:
    """The private records' ids: the first record of each kind has FIRST_PK, the second
    FIRST_PK + 1, and so on. Every private record is then named by one of a few ids, so
    each route is asked about those few (the same ids name a record of another kind at
    that route, or none: both answer as an unknown id would)."""

    def __init__(self) -> None:
        self.made: Counter = Counter()

    def next(self, model: type) -> int:
        self.made[model] += 1
        return FIRST_PK + self.made[model] - 1

    def all(self) -> list[int]:
        return list(range(FIRST_PK, FIRST_PK + max(self.made.values())))


class Secrets:
    """The private records, with the ids and slugs their addresses use."""

    ints: list[int]
    slugs: list[str]


@pytest.fixture
def secrets(world):
    ids = PrivateIds()
    s = Secrets()
    essex = force("Essex")
    alice = world.alice

    # An open collaboration of Suffolk, with open records everyone signed in must find (so
    # the walk is not empty-handed); made first, so that the private records' ids are last.
    s.open = Collaboration.objects.create(
        name="Open Roads Partnership", slug="open-roads", purpose="Safer roads"
    )
    share(s.open, "Suffolk", "100")
    open_board = GovernanceBody.objects.create(
        collaboration=s.open, name="Open Roads Board", slug="open-roads-board", body_type="other"
    )
    open_initiative = Initiative.objects.create(
        collaboration=s.open, name="Average speed cameras", slug="average-speed", stage=2
    )
    business_as_usual(open_initiative)  # made on first view otherwise, with a later id
    Lesson.objects.create(
        collaboration=s.open,
        title="Open lesson about roads",
        theme="people",
        what_happened="Shared",
        date=datetime.date(2026, 2, 3),
    )

    # A private collaboration of Essex and Kent, with something of every kind.
    s.collab = Collaboration.objects.create(
        pk=ids.next(Collaboration),
        name=f"{MARKER} Covert Alliance",
        slug="qzxvw-covert-alliance",
        purpose=f"{MARKER} purpose: covert surveillance",
        visibility="private",
    )
    share(s.collab, "Essex", "50")
    share(s.collab, "Kent", "50")
    alice.memberships.first().collaborations.add(s.collab)
    s.agreement = Agreement.objects.create(
        pk=ids.next(Agreement),
        collaboration=s.collab,
        title=f"{MARKER} agreement",
        signed_on=datetime.date(2025, 4, 1),
        notes=f"{MARKER} terms",
    )
    s.initiative = Initiative.objects.create(
        pk=ids.next(Initiative),
        collaboration=s.collab,
        name=f"{MARKER} Covert Vetting",
        slug="qzxvw-covert-vetting",
        stage=2,
    )
    s.benefit = BenefitFactory(
        pk=ids.next(Benefit),
        initiative=s.initiative,
        reference="QZXVW1",
        title=f"{MARKER} fewer covert delays",
        measure=f"{MARKER} days",
    )
    s.planned = PlannedValue.objects.create(
        pk=ids.next(PlannedValue),
        benefit=s.benefit,
        period=datetime.date(2026, 4, 1),
        value=Decimal("10"),
    )
    s.actual = Measurement.objects.create(
        pk=ids.next(Measurement),
        benefit=s.benefit,
        period=datetime.date(2026, 4, 1),
        force=essex,
        value=Decimal("7"),
        assessment=f"{MARKER} assessment",
    )
    s.evidence = Evidence.objects.create(
        pk=ids.next(Evidence),
        measurement=s.actual,
        note=f"{MARKER} evidence text",
        file=ContentFile(f"{MARKER} evidence file".encode(), name="evidence.txt"),
    )
    s.objective = Objective.objects.create(
        pk=ids.next(Objective), collaboration=s.collab, text=f"{MARKER} objective"
    )
    s.option = Option.objects.create(
        pk=ids.next(Option), initiative=s.initiative, name=f"{MARKER} option", first_year=2025
    )
    s.cost_line = CostLine.objects.create(
        pk=ids.next(CostLine), option=s.option, name=f"{MARKER} cost"
    )
    s.highlight = HighlightReport.objects.create(
        pk=ids.next(HighlightReport),
        initiative=s.initiative,
        month=datetime.date(2026, 4, 1),
        progress=f"{MARKER} progress",
    )
    s.body = GovernanceBody.objects.create(
        pk=ids.next(GovernanceBody),
        collaboration=s.collab,
        name=f"{MARKER} Covert Board",
        slug="qzxvw-covert-board",
        body_type="programme_board",
        terms_of_reference=f"{MARKER} terms of reference",
    )
    s.upper = GovernanceBody.objects.create(
        pk=ids.next(GovernanceBody),
        collaboration=s.collab,
        name=f"{MARKER} Covert Strategic Board",
        slug="qzxvw-covert-strategic",
        body_type="strategic_board",
    )
    s.meeting = Meeting.objects.create(
        pk=ids.next(Meeting), body=s.body, date=datetime.date(2026, 5, 6), notes=f"{MARKER} minutes"
    )
    s.decision = Decision.objects.create(
        pk=ids.next(Decision),
        body=s.body,
        meeting=s.meeting,
        decided_on=datetime.date(2026, 5, 6),
        text=f"{MARKER} decision",
        rationale=f"{MARKER} rationale",
    )
    s.action = Action.objects.create(
        pk=ids.next(Action),
        decision=s.decision,
        text=f"{MARKER} action",
        due_on=datetime.date(2026, 6, 1),
    )
    s.escalation = Escalation.objects.create(
        pk=ids.next(Escalation),
        from_body=s.body,
        to_body=s.upper,
        kind="risk",
        initiative=s.initiative,
        summary=f"{MARKER} escalation",
        raised_at=timezone.now(),
    )
    s.lesson = Lesson.objects.create(
        pk=ids.next(Lesson),
        collaboration=s.collab,
        title=f"{MARKER} lesson",
        theme="people",
        what_happened=f"{MARKER} what happened",
        date=datetime.date(2026, 1, 10),
        visibility="private",
    )
    s.document = Document.objects.create(
        pk=ids.next(Document),
        collaboration=s.collab,
        kind="business_case",
        title=f"{MARKER} business case",
        description=f"{MARKER} description",
        visibility="private",
    )
    DocumentVersion.objects.create(
        pk=ids.next(DocumentVersion),
        document=s.document,
        number=1,
        file=ContentFile(b"%PDF-1.4 covert", name="case.pdf"),
        original_name=f"{MARKER}-case.pdf",
        file_type="pdf",
        content_type="application/pdf",
        size=15,
        extracted_text=f"{MARKER} extracted text",
    )
    Notification.objects.create(
        pk=ids.next(Notification), user=alice, text=f"{MARKER} notification", url="/governance/"
    )

    # Private records inside an open collaboration the readers are not in.
    s.open_private_decision = Decision.objects.create(
        pk=ids.next(Decision),
        body=open_board,
        decided_on=datetime.date(2026, 3, 3),
        text=f"{MARKER} private decision of an open board",
        visibility="private",
    )
    s.sealed = GovernanceBody.objects.create(
        pk=ids.next(GovernanceBody),
        collaboration=s.open,
        name=f"{MARKER} Sealed Roads Board",
        slug="qzxvw-sealed-roads-board",
        body_type="programme_board",
        visibility="private",
    )
    s.sealed_meeting = Meeting.objects.create(
        pk=ids.next(Meeting),
        body=s.sealed,
        date=datetime.date(2026, 5, 7),
        notes=f"{MARKER} sealed",
    )
    s.sealed_decision = Decision.objects.create(
        pk=ids.next(Decision),
        body=s.sealed,
        meeting=s.sealed_meeting,
        decided_on=datetime.date(2026, 5, 7),
        text=f"{MARKER} sealed decision",
    )
    Action.objects.create(
        pk=ids.next(Action), decision=s.sealed_decision, text=f"{MARKER} sealed act"
    )
    StageDecision.objects.create(
        initiative=open_initiative,
        from_stage=1,
        to_stage=2,
        body=s.sealed,
        decided_on=datetime.date(2026, 1, 5),
    )
    s.open_private_lesson = Lesson.objects.create(
        pk=ids.next(Lesson),
        collaboration=s.open,
        title=f"{MARKER} private lesson of an open collaboration",
        theme="people",
        what_happened="x",
        date=datetime.date(2026, 2, 2),
        visibility="private",
    )
    s.open_private_document = Document.objects.create(
        pk=ids.next(Document),
        collaboration=s.open,
        kind="other",
        title=f"{MARKER} private document of an open collaboration",
        visibility="private",
    )
    DocumentVersion.objects.create(
        pk=ids.next(DocumentVersion),
        document=s.open_private_document,
        number=1,
        file=ContentFile(b"%PDF-1.4 sealed", name="sealed.pdf"),
        original_name=f"{MARKER}-sealed.pdf",
        file_type="pdf",
        content_type="application/pdf",
        size=15,
    )
    s.ints = ids.all()
    s.slugs = [
        s.collab.slug,
        s.initiative.slug,
        s.body.slug,
        s.upper.slug,
        s.sealed.slug,
    ]
    from realise.knowledge.indexing import reindex_all

    reindex_all()
    return s


# Reading what comes back ---------------------------------------------------------------------


def text_of(response) -> str:
    """Everything a person could read in the answer: pages, CSV, JSON, calendars, and the
    text inside XLSX/DOCX (zip) and PDF files."""
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    if body.startswith(b"PK"):
        parts = []
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            for name in archive.namelist():
                parts.append(archive.read(name).decode("utf-8", "replace"))
        return "\n".join(parts)
    if body.startswith(b"%PDF"):
        from pypdf import PdfReader

        try:
            reader = PdfReader(io.BytesIO(body))
            return "\n".join(page.extract_text() or "" for page in reader.pages)
        except Exception:  # noqa: BLE001 - not a real PDF (a stored upload): read as bytes
            return body.decode("latin-1")
    return body.decode("utf-8", "replace")


LINK = re.compile(r"""(?:href|src|action|hx-get)="([^"#]+)""")


def links_in(text: str) -> list[str]:
    found = []
    for raw in LINK.findall(text):
        url = raw.replace("&amp;", "&")
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            if parts.netloc not in ("testserver", ""):
                continue
            url = parts.path + (f"?{parts.query}" if parts.query else "")
        if url.startswith("/") and not url.startswith(SKIP_PREFIXES):
            found.append(url)
    return found


def resolver_routes() -> list[tuple[str, list[str]]]:
    """Every page route (not the API or admin) as (route, parameter names)."""
    routes = []

    def walk(patterns, prefix):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                routes.append((route, entry.name))

    walk(get_resolver().url_patterns, "/")
    out = []
    for route, name in routes:
        if route.startswith(("/api/", "/admin/")) or name is None:
            continue
        params = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
        out.append((name, [a or b for a, b in params]))
    return out


def private_addresses(secrets) -> list[str]:
    """Every page route with a parameter, filled in with the private records' ids and slugs
    (nothing else has those, so each answers only about a private record)."""
    values = {
        "slug": secrets.slugs,
        "pk": secrets.ints,
        "option_pk": [secrets.option.pk],
        "line_pk": [secrets.cost_line.pk],
        "number": [1],
        "month": ["2026-04"],
    }
    addresses = set()
    for name, params in resolver_routes():
        if not params or not set(params) <= set(values):
            continue
        for combination in itertools.product(*(values[p] for p in params)):
            kwargs = dict(zip(params, combination, strict=True))
            if "slug" in kwargs and ("option_pk" in kwargs or name.startswith("economic")):
                kwargs["slug"] = secrets.initiative.slug
            try:
                addresses.add(reverse(name, kwargs=kwargs))
            except NoReverseMatch:  # a converter refused the value
                continue
    return sorted(addresses)


def unknown_address(address: str) -> str:
    """The same route naming records that do not exist."""
    address = re.sub(r"/70000\d\d/", "/6999999/", address)
    return re.sub(r"qzxvw-[a-z-]+", "no-such-thing", address)


# The readers ---------------------------------------------------------------------------------


def walk_pages(client, start: list[str]) -> dict[str, str]:
    """GET every address reachable from `start` by links on this site; their texts."""
    seen: dict[str, str] = {}
    per_path: Counter = Counter()
    queue = list(start)
    while queue and len(seen) < PAGE_LIMIT:
        url = queue.pop(0)
        if url in seen:
            continue
        path = url.split("?")[0]
        if "?" in url and per_path[path] >= VARIANTS_PER_PATH:
            continue
        per_path[path] += 1
        response = client.get(url)
        if response.status_code in (301, 302):
            seen[url] = ""
            continue
        text = text_of(response)
        seen[url] = text
        if response.get("Content-Type", "").startswith("text/html"):
            queue.extend(u for u in links_in(text) if u not in seen)
    return seen


def walk_api(client) -> dict[str, str]:
    """GET the API root, every list it names (all of it, big pages), and the search."""
    seen = {}
    root = client.get("/api/v1/")
    seen["/api/v1/"] = text_of(root)
    if root.status_code != 200:
        return seen
    for resource in root.json()["resources"]:
        path = urlsplit(resource["url"]).path
        response = client.get(path, {"page_size": 500})
        seen[path] = text_of(response)
    for query in (MARKER, "covert", "sealed"):
        response = client.get("/api/v1/search/", {"q": query, "limit": 100})
        seen[f"/api/v1/search/?q={query}"] = text_of(response).replace(query, "")
    for query in ("collaboration=qzxvw-covert-alliance", "initiative=qzxvw-covert-vetting"):
        seen[f"/api/v1/realisation/?{query}"] = text_of(client.get(f"/api/v1/realisation/?{query}"))
    return seen


def api_detail_addresses(secrets) -> list[str]:
    lists = [
        "collaborations",
        "shares",
        "agreements",
        "initiatives",
        "stage-decisions",
        "benefits",
        "planned-values",
        "measurements",
        "evidence",
        "governance-bodies",
        "meetings",
        "decisions",
        "actions",
        "escalations",
        "lessons",
        "documents",
        "options",
    ]
    keys = [*secrets.ints, *secrets.slugs]
    return [f"/api/v1/{name}/{key}/" for name in lists for key in keys]


def assert_nothing_private(texts: dict[str, str], who: str) -> None:
    leaks = [url for url, text in texts.items() if MARKER in text]
    assert leaks == [], f"{who} reads private records at {leaks}"


def start_addresses() -> list[str]:
    starts = ["/"]
    for name, params in resolver_routes():
        if params:
            continue
        try:
            starts.append(reverse(name))
        except NoReverseMatch:  # a route whose parameters the resolver cannot fill
            continue
    searches = [f"/search/?q={q}" for q in ("covert", "sealed", "roads")]
    return [u for u in [*starts, *searches] if not u.startswith(SKIP_PREFIXES)]


def reader_clients(world, reader: str) -> tuple[Client, APIClient, object]:
    client, api = Client(), APIClient()
    if reader == "nora":
        user = world.nora
    elif reader == "vic":
        user = member("vic", "Norfolk", "viewer")
    else:
        user = None
    if user is not None:
        client.force_login(user)
        api.force_authenticate(user)
    return client, api, user


class Controls:
    """What an address naming no record answers, asked once per address and method: many
    private addresses share one (every private id of a route becomes the same unknown id)."""

    def __init__(self, client):
        self.client = client
        self.answers: dict[tuple[str, str], int] = {}

    def status(self, method: str, address: str, *args, **kwargs) -> int:
        key = (method, unknown_address(address))
        if key not in self.answers:
            self.answers[key] = getattr(self.client, method)(key[1], *args, **kwargs).status_code
        return self.answers[key]


READERS = ["nora", "vic", "anonymous"]


@pytest.mark.parametrize("reader", READERS)
def test_no_reader_outside_sees_any_private_record_anywhere(world, secrets, reader):
    """Every page, download, feed and search reachable by links, and the whole API."""
    client, api, user = reader_clients(world, reader)
    pages = walk_pages(client, start_addresses())
    assert len(pages) > 30
    if user is not None:
        # The walk reached the open collaboration's open lesson: it is not empty-handed.
        assert any("Open lesson about roads" in text for text in pages.values())
    assert_nothing_private(pages, reader)
    if user is not None:
        assert_nothing_private(walk_api(api), reader)


@pytest.mark.parametrize("reader", READERS)
def test_every_address_of_a_private_record_answers_as_no_record(world, secrets, reader):
    client, api, user = reader_clients(world, reader)
    wrong = []
    pages = Controls(client)
    for address in private_addresses(secrets):
        for method in ("get", "post"):
            answer = getattr(client, method)(address)
            control = pages.status(method, address)
            if MARKER in text_of(answer):
                wrong.append(f"{method.upper()} {address}: shows a private record")
            if answer.status_code != control:
                wrong.append(
                    f"{method.upper()} {address}: {answer.status_code}, "
                    f"where no record gives {control}"
                )
    if user is not None:
        api_controls = Controls(api)
        for address in api_detail_addresses(secrets):
            for method in ("get", "patch", "delete"):
                answer = getattr(api, method)(address, {}, format="json")
                control = api_controls.status(method, address, {}, format="json")
                if answer.status_code != control or (method == "get" and answer.status_code != 404):
                    wrong.append(f"API {method.upper()} {address}: {answer.status_code}")
    assert wrong == []


def test_the_members_see_the_same_records(world, secrets):
    """The records are reachable, so the walk above would meet them if they leaked."""
    client = Client()
    client.force_login(world.dave)
    assert MARKER in text_of(client.get(f"/collaborations/{secrets.collab.slug}/"))
    assert MARKER in text_of(client.get(f"/repository/lessons/{secrets.lesson.pk}/"))
    assert MARKER in text_of(client.get(f"/governance/decisions/{secrets.decision.pk}/"))
    assert MARKER in text_of(client.get("/audit/export.csv"))
    assert client.get(f"/evidence/{secrets.evidence.pk}/download/").status_code == 200
