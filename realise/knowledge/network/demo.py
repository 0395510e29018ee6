"""Demo: the network of people. A few named people say which topics they lead and share
some contact details (the rest share nothing, as by default); two networks, one open
and one members-only, with members and resources (one of them a lesson)."""

from realise.knowledge.models import Lesson
from realise.organisations.models import (
    Network,
    NetworkMember,
    NetworkResource,
    SharingPreference,
    Topic,
)

# person key, share email, share phone (number or ""), share job title, topics led
SHARING = [
    ("owner", True, "01622 690690", True, ["procurement"]),
    ("vetting", True, "", True, ["vetting"]),
    ("dams", False, "01223 358966", True, ["digital-evidence", "it"]),
    ("peqf", True, "", False, ["training", "hr"]),
]


def build_network_demo(builder) -> None:
    topics = {t.slug: t for t in Topic.objects.all()}
    for key, email, phone, share_title, led in SHARING:
        sharing = SharingPreference.objects.create(
            person=builder.people[key],
            share_email=email,
            share_phone=bool(phone),
            phone=phone,
            share_job_title=share_title,
        )
        sharing.topics.set([topics[slug] for slug in led if slug in topics])

    users = builder.users
    procurement = Network.objects.create(
        name="National police procurement leads",
        slug="procurement-leads",
        description=(
            "Heads of procurement and collaborative procurement managers from every force: "
            "joint tenders, frameworks worth joining, and what regional buying saved."
        ),
        topic=topics.get("procurement"),
        created_by=users["owner"],
    )
    NetworkMember.objects.create(network=procurement, user=users["owner"], role="coordinator")
    for username in ("programme", "essex-lead", "kent-lead", "viewer"):
        NetworkMember.objects.create(network=procurement, user=users[username])
    lesson = Lesson.objects.filter(theme="procurement").order_by("pk").first()
    resources = [
        (
            "Joint tender evaluation template",
            "template",
            "https://procurement.example/templates/joint-tender-evaluation.docx",
            "Scoring matrix and moderation notes for tenders run by one force for several.",
        ),
        (
            "Using national frameworks before a regional tender",
            "guidance",
            "https://procurement.example/guidance/frameworks-first",
            "Check the national frameworks first: when a regional tender still pays.",
        ),
    ]
    for title, kind, url, description in resources:
        NetworkResource.objects.create(
            network=procurement,
            title=title,
            kind=kind,
            url=url,
            description=description,
            added_by=users["owner"],
        )
    if lesson is not None:
        NetworkResource.objects.create(
            network=procurement,
            title=lesson.title,
            kind="lesson",
            lesson=lesson,
            description="From the repository's lessons learned.",
            added_by=users["owner"],
        )

    vetting = Network.objects.create(
        name="Force vetting managers",
        slug="vetting-managers",
        description=(
            "Vetting managers comparing backlogs, clearance times and joint vetting units. "
            "Members only: figures shared here are not yet published."
        ),
        topic=topics.get("vetting"),
        access="members",
        created_by=users["programme"],
    )
    NetworkMember.objects.create(network=vetting, user=users["programme"], role="coordinator")
    NetworkMember.objects.create(network=vetting, user=users["kent-lead"])
    NetworkResource.objects.create(
        network=vetting,
        title="Vetting backlog quarterly return",
        kind="guidance",
        url="https://vetting.example/returns/quarterly",
        description="How each force counts its backlog, so that the figures compare.",
        added_by=users["programme"],
    )
