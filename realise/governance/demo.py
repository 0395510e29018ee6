"""Demo governance for 7F: members (the 14 corporations sole at the summit), a year of
meetings either side of today, decisions with actions (one overdue), an escalation from the
Strategic Procurement Governance Board to the Eastern Region Summit, and a
post-implementation review falling due. Called last by `DemoBuilder.build()`."""

from __future__ import annotations

import datetime

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from realise.benefits.models import Benefit
from realise.collaborations.models import (
    Agreement,
    Collaboration,
    Initiative,
    PartyRole,
    StageDecision,
)
from realise.collaborations.services import save_agreement
from realise.core.history import set_history_user
from realise.governance import services
from realise.governance.models import (
    BodyMember,
    CorporationSole,
    Decision,
    DecisionStatus,
    GovernanceBody,
    Meeting,
    MeetingStatus,
    PostImplementationReview,
)
from realise.organisations.models import Person

# Fictional office holders: (force, PCC name, Chief Constable name).
CORPORATIONS_SOLE = [
    ("Bedfordshire", "Anita Rowe", "Chief Constable Paul Dacre"),
    ("Cambridgeshire", "David Fenwick", "Chief Constable Laura Quinn"),
    ("Essex", "Roger Hale", "Chief Constable Ben Harcourt"),
    ("Hertfordshire", "Yasmin Patel", "Chief Constable Colin Mayhew"),
    ("Kent", "Margaret Lyle", "Chief Constable Owen Tate"),
    ("Norfolk", "Simon Cardew", "Chief Constable Ruth Ellery"),
    ("Suffolk", None, "Chief Constable Nadia Brook"),  # Suffolk's PCC chairs 7F
]

# slug: (first meeting this many days ahead of today, months of past meetings, gates decided)
# Where and when each body usually meets.
PLACES = {
    "eastern-region-summit": ("10:00", 180, "Kent Police HQ, Sutton Road, Maidstone"),
    "7f-programme-board": ("09:30", 120, "Microsoft Teams: the link is in the invitation"),
    "7f-chief-constable-board": ("14:00", 90, "Essex Police HQ, Chelmsford"),
    "7f-dcc-board": ("10:00", 90, "Microsoft Teams: the link is in the invitation"),
    "regional-financial-steering-group": ("13:30", 120, "Suffolk Police HQ, Martlesham"),
    "7f-oversight-group": ("11:00", 60, "Microsoft Teams: the link is in the invitation"),
    "strategic-procurement-governance-board": ("10:00", 120, "Kent Police HQ, Maidstone"),
}

RHYTHM = {
    "eastern-region-summit": (21, 12, [3, 4, 5]),
    "7f-programme-board": (10, 12, [1, 2]),
    "7f-chief-constable-board": (35, 12, []),
    "7f-dcc-board": (18, 12, []),
    "regional-financial-steering-group": (28, 12, []),
    "7f-oversight-group": (40, 12, []),
    "strategic-procurement-governance-board": (14, 12, []),
}


def _email(name: str, force: str) -> str:
    local = name.lower().replace("chief constable ", "").replace(" ", ".")
    return f"{local}@{force.lower()}.police.example"


def _anchor(today: datetime.date, days_ahead: int, months_back: int) -> datetime.date:
    target = today + datetime.timedelta(days=days_ahead)
    target = target.replace(day=min(target.day, 28))
    return services.add_months(target, -months_back)


def _mark_held(meetings, user) -> None:
    """Past meetings of the demo have been held (recorded in their history)."""
    rows = list(meetings)
    for meeting in rows:
        meeting.status = MeetingStatus.HELD
    bulk_update_with_history(rows, Meeting, ["status"], default_user=user)


def build_governance_demo(builder) -> None:
    today = builder.today
    programme = builder.users["programme"]
    people = builder.people
    bodies = {b.slug: b for b in GovernanceBody.objects.filter(collaboration=builder.alliance)}

    # Rhythm: the first meeting a year ago, cadence on from it, a year of meetings ahead.
    for slug, (ahead, back, gates) in RHYTHM.items():
        body = bodies[slug]
        body.meets_from = _anchor(today, ahead, back)
        body.decides_stages = gates
        at, minutes, place = PLACES[slug]
        body.meeting_time = datetime.time.fromisoformat(at)
        body.meeting_minutes, body.location = minutes, place
        set_history_user(body, programme)
        body.save(
            update_fields=[
                "meets_from",
                "decides_stages",
                "meeting_time",
                "meeting_minutes",
                "location",
                "updated_at",
            ]
        )
        services.generate_meetings(
            body, start=body.meets_from, until=services.add_months(today, 12), user=None
        )
    _mark_held(Meeting.objects.filter(body__in=bodies.values(), date__lt=today), programme)

    # Members: the 14 corporations sole sit at the summit.
    summit, board = bodies["eastern-region-summit"], bodies["7f-programme-board"]
    procurement = bodies["strategic-procurement-governance-board"]
    pccs, chiefs = {}, {}
    for force, pcc_name, cc_name in CORPORATIONS_SOLE:
        force_obj = builder.forces[force]
        if pcc_name is None:
            pccs[force] = people["pcc"]
        else:
            pccs[force] = Person.objects.create(
                name=pcc_name,
                role_title=f"{force_obj.commissioner_title} for {force}",
                force=force_obj,
                email=_email(pcc_name, force),
            )
        chiefs[force] = Person.objects.create(
            name=cc_name,
            role_title=f"Chief Constable of {force}",
            force=force_obj,
            email=_email(cc_name, force),
        )
    members = []
    for force, _, _ in CORPORATIONS_SOLE:
        force_obj = builder.forces[force]
        members.append(
            BodyMember(
                body=summit,
                person=pccs[force],
                represents_kind=CorporationSole.PCC,
                represents_force=force_obj,
            )
        )
        members.append(
            BodyMember(
                body=summit,
                person=chiefs[force],
                represents_kind=CorporationSole.CHIEF_CONSTABLE,
                represents_force=force_obj,
            )
        )
    members += [
        BodyMember(
            body=procurement,
            person=people["pcc"],
            represents_kind=CorporationSole.PCC,
            represents_force=builder.forces["Suffolk"],
        ),
        BodyMember(
            body=procurement,
            person=chiefs["Kent"],
            represents_kind=CorporationSole.CHIEF_CONSTABLE,
            represents_force=builder.forces["Kent"],
        ),
        BodyMember(
            body=procurement,
            person=people["finance"],
            represents_other="Chief Finance Officers of the seven forces",
        ),
        BodyMember(
            body=procurement,
            person=people["owner"],
            represents_other="7F Procurement (head of function)",
        ),
        BodyMember(body=board, person=people["sro"], represents_other="Senior responsible officer"),
        BodyMember(body=board, person=people["director"], represents_other="7F programme"),
        BodyMember(body=board, person=people["programme"], represents_other="Benefits management"),
        BodyMember(
            body=board,
            person=people["finance"],
            represents_other="Chief Finance Officers of the seven forces",
        ),
    ]
    bulk_create_with_history(members, BodyMember, default_user=programme)

    # Decisions of the procurement board, with actions; one is overdue.
    held = list(procurement.meetings.filter(date__lt=today).order_by("-date")[:2])
    last, before = held[0], held[1]
    savings_tracker = services.record_decision(
        before,
        text="Adopt the 7F procurement savings tracker as the single record of costs avoided.",
        rationale="Forces reported cost avoidance in seven different formats.",
        user=programme,
        initiative=Initiative.objects.get(slug="7f-procurement"),
        actions=[
            services.ActionSpec(
                "Issue the tracker template to the seven force finance teams.",
                people["perf"],
                before.date + datetime.timedelta(days=7),
            )
        ],
    )
    for action in savings_tracker.actions.all():
        services.complete_action(
            action, user=programme, on=before.date + datetime.timedelta(days=5)
        )
    services.record_decision(
        last,
        text="Approve the regional body armour call-off for all seven forces.",
        rationale="A single call-off saves an estimated £310,000 over three years against local prices.",
        user=programme,
        initiative=Initiative.objects.get(slug="7f-procurement"),
        actions=[
            services.ActionSpec(
                "Send call-off letters to the seven forces' heads of uniform services.",
                people["owner"],
                last.date + datetime.timedelta(days=7),
            ),
            services.ActionSpec(
                "Report contract compliance by force to the next board.",
                people["perf"],
                services.horizon_of(last),
            ),
        ],
    )
    services.record_decision(
        last,
        text="Escalate the late costs-avoided returns (7FP-B02) to the Eastern Region Summit.",
        rationale="Two months of actuals are missing; the board cannot assure the figures.",
        user=programme,
    )

    # The escalation, landing on the summit's next meeting.
    services.escalate(
        procurement,
        kind="benefit_off_track",
        summary=(
            "Costs avoided by joint tendering (7FP-B02): the forces' monthly returns are two "
            "months late, so the benefit cannot be assured. The board asks the summit to "
            "direct each force's chief finance officer to submit the returns."
        ),
        benefit=Benefit.objects.get(reference="7FP-B02"),
        user=programme,
        now=timezone.now() - datetime.timedelta(days=3),
    )
    # An earlier escalation, resolved at the summit's last meeting.
    oversight = bodies["7f-oversight-group"]
    last_summit = summit.meetings.filter(date__lt=today).order_by("-date").first()
    if last_summit is not None:
        raised = timezone.make_aware(
            datetime.datetime.combine(
                last_summit.date - datetime.timedelta(days=20), datetime.time(10)
            )
        )
        resolved_escalation = services.escalate(
            oversight,
            kind="decision_needed",
            summary="The vetting transformation needs one case management system; forces disagree on the supplier.",
            initiative=Initiative.objects.get(slug="7f-vetting-transformation"),
            user=programme,
            now=raised,
        )
        services.resolve(
            resolved_escalation,
            resolution="The summit chose the regional framework supplier; Kent and Essex migrate first.",
            user=programme,
            now=timezone.make_aware(datetime.datetime.combine(last_summit.date, datetime.time(15))),
        )
        services.record_decision(
            last_summit,
            text="Commission an independent review of 7F governance, reporting to the next summit.",
            user=programme,
            actions=[
                services.ActionSpec(
                    "Agree the review's terms of reference with the seven chief executives.",
                    people["sro"],
                    last_summit.date + datetime.timedelta(days=30),
                )
            ],
        )

    # The DAMS outline business case gate, recorded in the programme board's log.
    gate = StageDecision.objects.filter(initiative__slug="dams", to_stage=2).first()
    if gate is not None:
        meeting = Meeting.objects.create(
            body=board, date=gate.decided_on, status=MeetingStatus.HELD
        )
        Decision.objects.create(
            body=board,
            meeting=meeting,
            decided_on=gate.decided_on,
            text="Approve the Digital Asset Management System outline business case (stage 2).",
            rationale=gate.notes,
            initiative=gate.initiative,
            stage_decision=gate,
            status=DecisionStatus.ACTIONED,
            recorded_by=programme,
        )

    # A private board of the Kent and Essex partnership: unseen outside Kent and Essex.
    kent_essex = Collaboration.objects.get(slug="kent-essex")
    directorate = GovernanceBody.objects.create(
        collaboration=kent_essex,
        name="Kent and Essex Serious Crime Directorate Board",
        slug="kent-essex-scd-board",
        body_type="programme_board",
        cadence="monthly",
        chair=chiefs["Kent"],
        escalates_to=summit,
        visibility="private",
        meets_from=_anchor(today, 7, 6),
        terms_of_reference="Oversees the joint Serious Crime Directorate of Kent and Essex.",
    )
    services.generate_meetings(
        directorate, start=directorate.meets_from, until=services.add_months(today, 6), user=None
    )
    _mark_held(directorate.meetings.filter(date__lt=today), programme)
    private_meeting = directorate.meetings.filter(date__lt=today).order_by("-date").first()
    if private_meeting is not None:
        services.record_decision(
            private_meeting,
            text="Second two financial investigators from Essex to the Kent economic crime unit.",
            user=programme,
        )

    # The 7F agreement: signed by the 14 corporations sole, reviewed at the summit.
    alliance_agreement = builder.alliance.agreements.order_by("signed_on").first()
    if alliance_agreement is not None:
        alliance_agreement.review_body = summit
        save_agreement(
            alliance_agreement,
            user=programme,
            parties=[
                (share.force, role)
                for share in builder.alliance.shares.select_related("force")
                for role in (PartyRole.PCC, PartyRole.CHIEF_CONSTABLE)
            ],
        )
    # The Kent and Essex agreement's review is overdue: on the directorate board's agenda
    # and in the reminders until the board records it.
    save_agreement(
        Agreement(
            collaboration=kent_essex,
            title="Kent and Essex Serious Crime Directorate agreement (Section 22A)",
            signed_on=services.add_months(today, -13),
            review_body=directorate,
            notes="The joint directorate's schedule: staff, budgets and the lead force.",
        ),
        user=programme,
        parties=[
            (share.force, role)
            for share in kent_essex.shares.select_related("force")
            for role in (PartyRole.PCC, PartyRole.CHIEF_CONSTABLE)
        ],
    )

    # A post-implementation review falling due within a fortnight.
    PostImplementationReview.objects.create(
        initiative=Initiative.objects.get(slug="regional-peqf-procurement"),
        due_on=today + datetime.timedelta(days=10),
        notes="Two years after evaluation: are the PEQF savings sustained?",
    )
