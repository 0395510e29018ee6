"""Demo data: the Seven Force Strategic Alliance (7F), its partnerships and initiatives.

`load_demo()` is idempotent: it does nothing when the 7F collaboration already exists.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from realise.appraisal.demo import build_appraisal_demo
from realise.benefits.ipa.demo import build_ipa_demo
from realise.benefits.models import Benefit, Evidence, Measurement, PlannedValue
from realise.collaborations.models import (
    Agreement,
    Collaboration,
    ForceShare,
    Initiative,
    StageDecision,
)
from realise.documents.demo import build_documents_demo
from realise.governance.demo import build_governance_demo
from realise.governance.models import GovernanceBody
from realise.knowledge.demo import build_knowledge_demo
from realise.knowledge.network.demo import build_network_demo
from realise.organisations.models import Force, Membership, Person, Role
from realise.pipeline.demo import build_pipeline_demo

D = Decimal
SEVEN_FORCES = {  # share of the alliance's costs and benefits: net revenue expenditure
    "Bedfordshire": D("8.8"),
    "Cambridgeshire": D("10.5"),
    "Essex": D("21.3"),
    "Hertfordshire": D("14.0"),
    "Kent": D("23.7"),
    "Norfolk": D("12.0"),
    "Suffolk": D("9.7"),
}
PARTNERSHIPS = [
    (
        "Norfolk and Suffolk",
        "norfolk-suffolk",
        "Norfolk",
        {"Norfolk": D("55.3"), "Suffolk": D("44.7")},
        "Joint protective services, IT and support functions; collaborating for over ten years.",
    ),
    (
        "Bedfordshire, Cambridgeshire and Hertfordshire",
        "bch",
        "Hertfordshire",
        {"Bedfordshire": D("26.9"), "Cambridgeshire": D("31.8"), "Hertfordshire": D("41.3")},
        "Tri-force major crime, armed policing, roads policing and operational support.",
    ),
    (
        "Kent and Essex",
        "kent-essex",
        "Kent",
        {"Essex": D("47.3"), "Kent": D("52.7")},
        "Serious crime directorate and support services shared by Kent and Essex.",
    ),
]

# What the data-quality check (`realise data-quality`, /data-quality/) finds in a fresh
# demo: a few problems left on purpose, as a real register has them.
DELIBERATE_PROBLEMS = [
    "overdue: 7FP-B02 costs avoided by joint tendering - the forces send their figures two "
    "months late, so last month but one is overdue.",
    "overdue: DAMS-B01 and DAMS-B03 - the plan assumed the evidence system went live in "
    "January 2026; the business case slipped and the plan was never re-phased by a change "
    "request, so every month since is overdue (and DAMS holds the hours figure down).",
    "no-evidence: PEQF-B04 levy-funded tuition - the last two months' levy statements "
    "have not arrived.",
]
DESCRIPTION = (
    "7F Procurement's savings are also published by 7F Collaborative Procurement, a year at "
    "a time: each published benefit counts within 7F Procurement's own, so every pound "
    "(and the £1,150,000 found after the business case) counts once nationally."
)

USERS = [
    # username, first, last, force, role, person name/title (None: not a named owner)
    ("admin", "Ada", "Administrator", "Essex", Role.ADMINISTRATOR, None),
    ("programme", "Priya", "Shah", "Essex", Role.PROGRAMME_TEAM, "7F benefits manager"),
    ("essex-lead", "Tom", "Brewer", "Essex", Role.FORCE_LEAD, "Essex benefits lead"),
    ("kent-lead", "Sian", "Marsh", "Kent", Role.FORCE_LEAD, "Kent benefits lead"),
    ("owner", "Gareth", "Holt", "Kent", Role.BENEFIT_OWNER, "Head of 7F Procurement"),
    ("viewer", "Helen", "Ward", "Norfolk", Role.VIEWER, None),
]


def month(year: int, number: int) -> datetime.date:
    return datetime.date(year, number, 1)


def months(start: datetime.date, count: int) -> list[datetime.date]:
    out, year, number = [], start.year, start.month
    for _ in range(count):
        out.append(datetime.date(year, number, 1))
        number += 1
        if number == 13:
            year, number = year + 1, 1
    return out


def spread(total: Decimal, periods: list[datetime.date]) -> dict[datetime.date, Decimal]:
    """Split `total` over the months to the penny; the last month takes the remainder."""
    each = (total / len(periods)).quantize(D("0.01"))
    values = dict.fromkeys(periods, each)
    values[periods[-1]] = total - each * (len(periods) - 1)
    return values


class DemoBuilder:
    def __init__(self, stdout=None):
        self.stdout = stdout
        self.forces = {f.name: f for f in Force.objects.all()}
        self.rng = random.Random(7)
        self.today = datetime.date.today()
        self.last_month = (self.today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)

    # people and users -----------------------------------------------------------------
    def person(self, name, title, force, user=None, email=None):
        email = email or name.lower().replace(" ", ".") + f"@{force.lower()}.police.example"
        return Person.objects.create(
            name=name, role_title=title, force=self.forces[force], email=email, user=user
        )

    def build_users(self):
        user_model = get_user_model()
        self.users = {}
        for username, first, last, force, role, title in USERS:
            user = user_model.objects.create_user(
                username=username,
                password=settings.REALISE_DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                email=f"{username}@realise.example",
                is_staff=role == Role.ADMINISTRATOR,
                is_superuser=role == Role.ADMINISTRATOR,
            )
            Membership.objects.create(user=user, force=self.forces[force], role=role)
            if title:
                self.person(f"{first} {last}", title, force, user=user)
            self.users[username] = user
        self.system = self.users["programme"]

    # structure ------------------------------------------------------------------------
    def build_structure(self):
        p = self.person
        self.people = {
            "sro": p("Karen Holloway", "7F Senior Responsible Officer", "Suffolk"),
            "director": p("Martin Keane", "7F Programme Director", "Essex"),
            "pcc": p("Timothy Parr", "Police and Crime Commissioner, chair of 7F", "Suffolk"),
            "finance": p("Rachel Dunmore", "Chief Finance Officer", "Hertfordshire"),
            "vetting": p("Supt Alan Rees", "Head of Joint Vetting Unit", "Norfolk"),
            "dams": p("Joanne Pike", "Digital Evidence Programme Manager", "Cambridgeshire"),
            "dams_ops": p("Ch Insp Leon Barker", "Digital Investigation lead", "Bedfordshire"),
            "peqf": p("Dr Sarah Okafor", "Head of Learning and Development", "Kent"),
            "perf": p("Mike Ansell", "Performance Analyst", "Essex"),
            "hr": p("Fiona Grant", "Head of HR Shared Services", "Hertfordshire"),
        }
        self.people["owner"] = Person.objects.get(user=self.users["owner"])
        self.people["programme"] = Person.objects.get(user=self.users["programme"])
        self.alliance = Collaboration.objects.create(
            name="Seven Force Strategic Alliance",
            slug="7f",
            purpose=(
                "Bedfordshire, Cambridgeshire, Essex, Hertfordshire, Kent, Norfolk and Suffolk "
                "work together to save money, protect the public better and build capability "
                "no single force could afford alone."
            ),
            objectives=(
                "Deliver cashable savings through collaborative procurement\n"
                "Improve service to the public through shared capabilities\n"
                "Meet legal and inspection requirements consistently across seven forces"
            ),
            function="strategic",
            lead_force=self.forces["Essex"],
            visibility="policing",
        )
        for name, percent in SEVEN_FORCES.items():
            ForceShare.objects.create(
                collaboration=self.alliance,
                force=self.forces[name],
                percent=percent,
                basis="Share of net revenue expenditure 2025/26",
            )
        for name, slug, lead, shares, purpose in PARTNERSHIPS:
            partnership = Collaboration.objects.create(
                name=name,
                slug=slug,
                parent=self.alliance,
                purpose=purpose,
                function="other",
                lead_force=self.forces[lead],
                visibility="private" if slug == "kent-essex" else "policing",
            )
            for force_name, percent in shares.items():
                ForceShare.objects.create(
                    collaboration=partnership,
                    force=self.forces[force_name],
                    percent=percent,
                    basis="Share of combined net revenue budget",
                )
        Agreement.objects.create(
            collaboration=self.alliance,
            title="7F Section 22A collaboration agreement",
            signed_on=self.today - datetime.timedelta(days=365 - 20),
            notes="Reviewed each year; revision pending the outcome of the governance review.",
        )
        body = GovernanceBody.objects.create
        self.summit = body(
            collaboration=self.alliance,
            name="Eastern Region Summit",
            slug="eastern-region-summit",
            body_type="summit",
            cadence="quarterly",
            chair=self.people["pcc"],
            terms_of_reference="The 14 corporations sole: key decisions and escalations.",
        )
        self.board = body(
            collaboration=self.alliance,
            name="7F Programme Board",
            slug="7f-programme-board",
            body_type="programme_board",
            cadence="monthly",
            chair=self.people["sro"],
            escalates_to=self.summit,
        )
        body(
            collaboration=self.alliance,
            name="7F Chief Constable Board",
            slug="7f-chief-constable-board",
            body_type="cc_board",
            cadence="quarterly",
            escalates_to=self.summit,
        )
        body(
            collaboration=self.alliance,
            name="7F Deputy Chief Constable Board",
            slug="7f-dcc-board",
            body_type="dcc_board",
            cadence="monthly",
            escalates_to=self.summit,
        )
        body(
            collaboration=self.alliance,
            name="Regional Financial Steering Group",
            slug="regional-financial-steering-group",
            body_type="financial_steering",
            cadence="bimonthly",
            chair=self.people["finance"],
        )
        body(
            collaboration=self.alliance,
            name="7F Oversight Group",
            slug="7f-oversight-group",
            body_type="oversight_group",
            cadence="bimonthly",
            escalates_to=self.summit,
        )
        self.procurement_board = body(
            collaboration=self.alliance,
            name="Strategic Procurement Governance Board",
            slug="strategic-procurement-governance-board",
            body_type="procurement_board",
            cadence="monthly",
            chair=self.people["pcc"],
            escalates_to=self.summit,
            terms_of_reference="Holds the 7F Procurement function to account for its benefits.",
        )

    # initiatives ----------------------------------------------------------------------
    def initiative(self, name, slug, stage, purpose, start, sro="sro", decisions=()):
        initiative = Initiative.objects.create(
            collaboration=self.alliance,
            name=name,
            slug=slug,
            stage=stage,
            purpose=purpose,
            start_date=start,
            sro=self.people[sro],
        )
        previous = 0
        for to_stage, decided_on in decisions:
            StageDecision.objects.create(
                initiative=initiative,
                from_stage=previous,
                to_stage=to_stage,
                body=self.summit if to_stage >= 3 else self.board,
                decided_on=decided_on,
                decided_by=self.system,
                notes="Approved on the evidence of the business case.",
            )
            previous = to_stage
        return initiative

    def benefit(self, initiative, reference, title, **fields):
        fields.setdefault("status", "agreed")
        fields.setdefault(
            "identified_at_stage", 2 if fields.get("identified_in_business_case", True) else None
        )
        return Benefit.objects.create(
            initiative=initiative, reference=reference, title=title, **fields
        )

    def plan(self, benefit, values: dict[datetime.date, Decimal]):
        bulk_create_with_history(
            [PlannedValue(benefit=benefit, period=p, value=v) for p, v in values.items()],
            PlannedValue,
            default_user=self.system,
        )

    def actuals(self, benefit, values, notes, force=None, user=None):
        """Record actuals (with one evidence note each) for the months given."""
        user = user or self.users["programme"]
        rows = [
            Measurement(
                benefit=benefit,
                period=period,
                force=force,
                value=value,
                entered_by=user,
                changed_by=user,
                verified_by=self.users["admin"] if index % 3 else None,
                verified_at=timezone.now() if index % 3 else None,
            )
            for index, (period, value) in enumerate(values.items())
        ]
        created = bulk_create_with_history(rows, Measurement, default_user=user)
        if created and created[0].pk is None:  # databases that do not return keys
            created = list(benefit.measurements.filter(force=force, period__in=list(values)))
        evidence = [
            Evidence(measurement=m, note=notes[i % len(notes)], uploaded_by=user)
            for i, m in enumerate(sorted(created, key=lambda m: m.period))
        ]
        bulk_create_with_history(evidence, Evidence, default_user=user)

    def realised(self, plan: dict[datetime.date, Decimal], until: datetime.date, spread_pct=8):
        """Plausible actuals for the planned months up to `until`: plan give or take a little."""
        out = {}
        for period, planned in plan.items():
            if period > until:
                break
            factor = D(100 + self.rng.randint(-spread_pct, spread_pct // 2)) / 100
            out[period] = (planned * factor).quantize(D("0.01"))
        return out

    def build_procurement(self):
        people = self.people
        procurement = self.initiative(
            "7F Procurement",
            "7f-procurement",
            4,
            "One procurement function buying for seven forces: shared frameworks, category "
            "management and contract compliance.",
            datetime.date(2023, 4, 1),
            decisions=[
                (1, datetime.date(2021, 11, 18)),
                (2, datetime.date(2022, 5, 19)),
                (3, datetime.date(2022, 11, 17)),
                (4, datetime.date(2023, 3, 16)),
            ],
        )
        four_years = months(month(2023, 4), 48)
        years = [four_years[i * 12 : (i + 1) * 12] for i in range(4)]
        money_plan: dict[datetime.date, Decimal] = {}
        for block, total in zip(
            years, [D("1150000"), D("1700000"), D("2005000"), D("2100000")], strict=True
        ):
            money_plan.update(spread(total, block))
        avoidance_plan: dict[datetime.date, Decimal] = {}
        for block, total in zip(
            years, [D("300000"), D("350000"), D("400000"), D("450000")], strict=True
        ):
            avoidance_plan.update(spread(total, block))
        cashable = self.benefit(
            procurement,
            "7FP-B01",
            "Cashable savings from collaborative contracts",
            description="Lower prices from seven-force frameworks replacing local contracts.",
            subcategory="1a",
            direction="decrease",
            measure="Annual contract spend against the 2022/23 price baseline",
            unit="GBP",
            baseline_value=D("48200000"),
            baseline_date=datetime.date(2023, 3, 31),
            target_value=D("41245000"),
            target_date=datetime.date(2027, 3, 31),
            owner=people["owner"],
            measurement_owner=people["finance"],
            cashable=True,
            status="realising",
        )
        self.plan(cashable, money_plan)
        self.actuals(
            cashable,
            self.realised(money_plan, self.last_month),
            [
                "Contract award report: stationery and print framework; saving against 2022/23 unit prices, confirmed by force finance.",
                "Fleet tyres and servicing framework: monthly invoice reconciliation by the procurement analyst.",
                "Body armour call-off: price difference against previous local contracts, ledger extract attached to the monthly return.",
                "Custody healthcare contract: saving confirmed by the Regional Financial Steering Group.",
            ],
        )
        avoidance = self.benefit(
            procurement,
            "7FP-B02",
            "Costs avoided by joint tendering",
            description="Tender costs and price rises avoided by running one competition, not seven.",
            subcategory="1c",
            direction="decrease",
            measure="Tendering costs and indexed price rises avoided",
            unit="GBP",
            baseline_value=D("0"),
            target_value=D("1500000"),
            target_date=datetime.date(2027, 3, 31),
            owner=people["owner"],
            measurement_owner=people["perf"],
            status="realising",
        )
        self.plan(avoidance, avoidance_plan)
        # Recorded per force, and two months behind: a measurement is overdue.
        until = (self.last_month - datetime.timedelta(days=40)).replace(day=1)
        for name, percent in SEVEN_FORCES.items():
            per_force = {
                p: (v * percent / 100).quantize(D("0.01")) for p, v in avoidance_plan.items()
            }
            self.actuals(
                avoidance,
                self.realised(per_force, until),
                [
                    f"{name} finance: avoided tender costs, procurement savings tracker line {name[:3].upper()}-{n}"
                    for n in (12, 17, 23)
                ],
                force=self.forces[name],
            )
        unidentified = self.benefit(
            procurement,
            "7FP-B03",
            "Additional savings not identified in the business case",
            description="Savings found by category managers after go-live: energy, vehicle hire and interpreters.",
            subcategory="1a",
            direction="decrease",
            measure="Contract spend against previous prices",
            unit="GBP",
            baseline_value=D("0"),
            target_value=D("1150000"),
            owner=people["owner"],
            measurement_owner=people["finance"],
            cashable=True,
            identified_in_business_case=False,
            status="realised",
        )
        extra = [
            85000,
            140000,
            D("62500"),
            118000,
            D("96500"),
            150000,
            131000,
            104000,
            143000,
            120000,
        ]
        self.actuals(
            unidentified,
            {p: D(v) for p, v in zip(months(month(2024, 6), 10), extra, strict=True)},
            [
                "Energy basket purchasing via the regional consortium: saving against previous tariff.",
                "Vehicle hire: consolidated supplier; saving validated against 2023 hire rates.",
                "Interpreting services: new framework rates applied from contract start.",
            ],
        )
        hours = self.benefit(
            procurement,
            "7FP-B04",
            "Procurement staff hours released",
            subcategory="1b",
            direction="increase",
            measure="Hours of procurement officer time released for category management",
            unit="hours",
            baseline_value=D("0"),
            target_value=D("9600"),
            owner=people["owner"],
            measurement_owner=people["perf"],
            status="realising",
        )
        hours_plan = dict.fromkeys(four_years, D("200"))
        self.plan(hours, hours_plan)
        self.actuals(
            hours,
            self.realised(hours_plan, self.last_month, spread_pct=12),
            [
                "Timesheet analysis from the e-procurement system: tenders handled once for seven forces."
            ],
        )
        self.benefit(
            procurement,
            "7FP-B05",
            "Compliance with the Procurement Act 2023",
            subcategory="3a",
            direction="maintain",
            measure="Contracts above threshold awarded through compliant procedures",
            nature="qualitative",
            unit="text",
            owner=people["owner"],
            measurement_owner=people["programme"],
            status="realising",
        )
        lead_times = self.benefit(
            procurement,
            "7FP-B06",
            "Longer lead times for low-value local purchases",
            description="Dis-benefit: local buyers wait for central catalogues to be updated.",
            subcategory="2a",
            direction="decrease",
            measure="Average days from request to order for purchases under £5,000",
            unit="count",
            baseline_value=D("3"),
            target_value=D("4"),
            owner=people["owner"],
            measurement_owner=people["perf"],
            is_disbenefit=True,
        )
        # Measured once a year, in March, by a sample of orders.
        year_ends = [month(year, 3) for year in (2024, 2025, 2026)]
        self.plan(lead_times, dict.fromkeys(year_ends, D("4")))
        self.actuals(
            lead_times,
            dict(zip(year_ends, [D("4.5"), D("4.2"), D("4")], strict=True)),
            ["Sample of 200 orders under £5,000 from the e-procurement system, March."],
        )
        return procurement

    def build_vetting(self):
        people = self.people
        vetting = self.initiative(
            "7F Vetting Transformation",
            "7f-vetting-transformation",
            2,
            "A single vetting service for seven forces with one case management system.",
            datetime.date(2025, 1, 1),
            decisions=[(1, datetime.date(2024, 9, 19)), (2, datetime.date(2025, 6, 19))],
        )
        self.benefit(
            vetting,
            "7FV-B01",
            "Reduced vetting backlog",
            subcategory="2a",
            direction="decrease",
            measure="Vetting applications open for more than 30 days",
            unit="count",
            baseline_value=D("1840"),
            baseline_date=datetime.date(2025, 3, 31),
            target_value=D("400"),
            target_date=datetime.date(2027, 9, 30),
            owner=people["vetting"],
            measurement_owner=None,
            status="proposed",
        )
        self.benefit(
            vetting,
            "7FV-B02",
            "Vetting decisions meet the APP and Vetting Code of Practice",
            subcategory="3b",
            direction="increase",
            measure="Sampled vetting decisions fully compliant with APP",
            unit="percent",
            baseline_value=D("86"),
            target_value=D("98"),
            owner=people["vetting"],
            measurement_owner=people["perf"],
        )
        self.benefit(
            vetting,
            "7FV-B03",
            "Faster clearance for new recruits",
            subcategory="2a",
            direction="decrease",
            measure="Median working days from application to clearance",
            unit="count",
            baseline_value=D("74"),
            target_value=D("35"),
            owner=people["hr"],
            measurement_owner=people["perf"],
        )

    def build_dams(self):
        people = self.people
        dams = self.initiative(
            "Digital Asset Management System",
            "dams",
            2,
            "One system to ingest, store and share digital evidence with the CPS and courts.",
            datetime.date(2025, 4, 1),
            sro="dams",
            decisions=[(1, datetime.date(2024, 12, 12)), (2, datetime.date(2025, 10, 16))],
        )
        self.benefit(
            dams,
            "DAMS-B01",
            "Officer hours saved handling digital evidence",
            subcategory="1b",
            direction="increase",
            measure="Hours no longer spent copying, couriering and logging media",
            unit="hours",
            baseline_value=D("0"),
            target_value=D("61000"),
            owner=people["dams_ops"],
            measurement_owner=people["dams"],
        )
        self.benefit(
            dams,
            "DAMS-B02",
            "Faster disclosure of digital evidence to the CPS",
            subcategory="2b",
            direction="decrease",
            measure="Median days from charge to digital evidence shared with the CPS",
            unit="count",
            baseline_value=D("21"),
            target_value=D("5"),
            owner=people["dams_ops"],
            measurement_owner=people["dams"],
        )
        self.benefit(
            dams,
            "DAMS-B03",
            "Avoided costs of physical media and storage",
            subcategory="1c",
            direction="decrease",
            measure="Spend on DVDs, USB devices, couriers and secure storage",
            unit="GBP",
            baseline_value=D("412000"),
            target_value=D("60000"),
            owner=people["dams"],
            measurement_owner=people["finance"],
        )

    def build_peqf(self):
        people = self.people
        peqf = self.initiative(
            "Regional PEQF procurement",
            "regional-peqf-procurement",
            5,
            "Joint procurement of higher-education partners for the Police Education "
            "Qualifications Framework entry routes.",
            datetime.date(2019, 1, 1),
            sro="peqf",
            decisions=[
                (1, datetime.date(2018, 10, 11)),
                (2, datetime.date(2018, 12, 13)),
                (3, datetime.date(2019, 3, 14)),
                (4, datetime.date(2019, 7, 18)),
                (5, datetime.date(2022, 1, 20)),
            ],
        )
        avoided = self.benefit(
            peqf,
            "PEQF-B01",
            "Tender costs avoided by one regional competition",
            subcategory="1c",
            direction="decrease",
            measure="Procurement and legal costs avoided against seven separate tenders",
            unit="GBP",
            baseline_value=D("0"),
            target_value=D("420000"),
            owner=people["peqf"],
            measurement_owner=people["finance"],
            status="realised",
        )
        plan = spread(D("420000"), months(month(2019, 7), 12))
        self.plan(avoided, plan)
        self.actuals(
            avoided,
            {p: v for p, v in plan.items()},
            ["Legal services invoices: one regional tender in place of seven force tenders."],
        )
        satisfaction = self.benefit(
            peqf,
            "PEQF-B02",
            "Student officer satisfaction with the learning programme",
            subcategory="2a",
            direction="increase",
            measure="Mean satisfaction score in the end-of-module survey (1 to 5)",
            unit="score",
            baseline_value=D("3.40"),
            target_value=D("4.00"),
            owner=people["peqf"],
            measurement_owner=people["hr"],
            status="realised",
        )
        survey = {month(2020, 9): D("3.65"), month(2021, 3): D("3.82"), month(2021, 9): D("4.06")}
        self.plan(
            satisfaction,
            {month(2020, 9): D("3.60"), month(2021, 3): D("3.80"), month(2021, 9): D("4.00")},
        )
        self.actuals(satisfaction, survey, ["End-of-module survey, all seven forces' cohorts."])
        self.benefit(
            peqf,
            "PEQF-B03",
            "A consistent regional specification adopted by every force",
            subcategory="3c",
            direction="maintain",
            measure="Forces using the regional PEQF specification",
            nature="qualitative",
            unit="text",
            owner=people["peqf"],
            measurement_owner=people["programme"],
            status="realised",
        )

    def build(self):
        self.build_users()
        self.build_structure()
        self.build_procurement()
        self.build_vetting()
        self.build_dams()
        self.build_peqf()
        build_governance_demo(self)
        build_appraisal_demo(self)
        build_knowledge_demo(self)
        build_pipeline_demo(self)
        build_ipa_demo(self)
        build_documents_demo(self)
        build_network_demo(self)


@transaction.atomic
def load_demo(stdout=None) -> bool:
    """Load the demo; return False when it was already there."""
    if Collaboration.objects.filter(slug="7f").exists():
        return False
    DemoBuilder(stdout).build()
    return True
