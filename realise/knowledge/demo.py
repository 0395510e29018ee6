"""Demo content for the repository: lessons, documents and a published collaboration.

Called by `DemoBuilder.build()` once the 7F alliance, its partnerships and initiatives exist.
The lessons of the 7F Procurement programme include its closure lessons; some lessons and
documents are private to their collaboration's forces, some are public. "7F Collaborative
Procurement" is the alliance's public-facing summary of what collaborative procurement has
delivered, with its own published benefits.
"""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import docx
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from realise.benefits import contributions
from realise.benefits.models import Benefit, Evidence, Measurement, PlannedValue
from realise.collaborations.models import Agreement, Collaboration, ForceShare, Initiative
from realise.knowledge import services

D = Decimal

PUBLIC_PURPOSE = (
    "Seven police forces in the East of England and Kent buy together. One procurement team "
    "agrees contracts for all of them, from body armour and vehicle tyres to custody "
    "healthcare and interpreters, so each force pays less, spends less time on tendering and "
    "keeps more money for frontline policing."
)
PUBLIC_OBJECTIVES = (
    "Pay less for the goods and services every force needs\n"
    "Run one competition instead of seven, freeing staff time\n"
    "Buy lawfully and openly under the Procurement Act 2023\n"
    "Report to the public what joint buying has saved"
)

LESSONS = [
    # (collaboration key, initiative slug, title, theme, stage, date, visibility, author key,
    #  what happened, repeat, avoid, recommendation)
    (
        "public",
        None,
        "Agree the price baseline with force finance before the first contract goes live",
        "benefits",
        4,
        datetime.date(2024, 5, 14),
        "public",
        "owner",
        "Savings on the first seven-force contracts were questioned by two forces because their "
        "2022/23 unit prices had not been captured before award. Finance teams spent three months "
        "rebuilding the baseline from invoices before the savings could be reported.",
        "Capturing every force's unit prices and volumes in one baseline workbook, signed off by "
        "each chief finance officer, before a contract is awarded.",
        "Reporting savings against a baseline that any force has not agreed.",
        "Make an agreed price baseline an entry condition of the full business case for every "
        "procurement category.",
    ),
    (
        "public",
        None,
        "Track savings the business case never identified",
        "benefits",
        4,
        datetime.date(2025, 4, 2),
        "public",
        "programme",
        "Category managers found £1.15m of savings on energy, vehicle hire and interpreting that "
        "the business case had not foreseen. Because the benefits register only held business-"
        "case benefits, the savings nearly went unreported to the Strategic Procurement "
        "Governance Board.",
        "Recording unplanned savings as benefits in their own right, flagged as outside the "
        "business case, with the same evidence as planned ones.",
        "Treating the business case list of benefits as the only list.",
        "Give every programme a route to register new benefits after approval and report them "
        "separately in the benefits dashboard.",
    ),
    (
        "public",
        None,
        "A monthly procurement board that escalates only what it must",
        "governance",
        5,
        datetime.date(2025, 9, 18),
        "public",
        "programme",
        "Once the function moved to business as usual, the monthly Strategic Procurement "
        "Governance Board, chaired by a police and crime commissioner, held it to account for "
        "delivering benefits. Only decisions that needed all fourteen corporations sole went to "
        "the quarterly summit, which cut the summit's procurement agenda by two thirds.",
        "A single board with representatives of all seven forces and their commissioners' "
        "offices, with clear escalation criteria written into its terms of reference.",
        "Sending routine contract decisions to every force's own board as well.",
        "Describe business-as-usual governance in the management case, before implementation.",
    ),
    (
        "alliance",
        "7f-procurement",
        "Release category managers from transactional tendering early",
        "workforce",
        4,
        datetime.date(2024, 1, 23),
        "policing",
        "owner",
        "In the first year category managers still ran low-value quotations for their home "
        "forces, so strategic category plans slipped by six months. Hours released only began "
        "to rise once a central sourcing team took on all quotations under £25,000.",
        "Moving low-value sourcing to one small central team from day one.",
        "Assuming specialists will drop local work without a formal handover.",
        "Plan the workforce change, including who takes on transactional work, as part of the "
        "full business case.",
    ),
    (
        "alliance",
        "7f-procurement",
        "Put every contract in one e-procurement system before measuring savings",
        "technology",
        4,
        datetime.date(2024, 3, 7),
        "policing",
        "programme",
        "Four forces kept contract registers in spreadsheets and three in different systems. "
        "Monthly savings returns took a week to compile and could not be audited to the "
        "invoice. Moving all seven forces onto one e-procurement system took eleven months.",
        "One contract register and one purchase-to-pay data extract for all forces.",
        "Starting benefits reporting on data that cannot be traced to the ledger.",
        "Budget for system convergence in the implementation plan, not after go-live.",
    ),
    (
        "alliance",
        "7f-procurement",
        "Keep a local route for urgent low-value purchases",
        "procurement",
        4,
        datetime.date(2024, 10, 29),
        "policing",
        "programme",
        "The shared catalogue lengthened lead times for purchases under £5,000 from three days "
        "to four, and custody suites could not get urgent items quickly. This dis-benefit was "
        "logged and is now measured monthly.",
        "Measuring dis-benefits the same way as benefits, with an owner.",
        "Removing every local purchasing card before the catalogue covers urgent needs.",
        "Allow a capped local route for urgent operational purchases, reported monthly.",
    ),
    (
        "alliance",
        "7f-procurement",
        "Body armour supplier dispute: write price review clauses tightly",
        "legal",
        4,
        datetime.date(2025, 2, 11),
        "private",
        "owner",
        "The body armour supplier invoked an open-ended price review clause after nine months. "
        "Legal advice found the clause allowed it. The forces absorbed a 6% increase for the "
        "rest of the year.",
        "Indexing price reviews to a named index with a cap.",
        "Accepting a supplier's standard review clause in a framework call-off.",
        "Have the regional legal service review every framework's price terms before award.",
    ),
    (
        "alliance",
        "7f-procurement",
        "Close each procurement project with a lessons log and named benefit owners in BAU",
        "benefits",
        5,
        datetime.date(2026, 6, 25),
        "policing",
        "programme",
        "When the fleet tyres project closed, the closure report handed its outstanding "
        "savings to named owners in business as usual and set the post-implementation review "
        "for six months later. Projects closed earlier without this lost track of £120,000 of "
        "expected savings.",
        "A closure report that lists benefits realised, benefits outstanding with their new "
        "owner, the lessons learned and the date of the post-implementation review.",
        "Closing a project when its last contract is signed rather than when benefits are handed over.",
        "Make the closure report a gate: no project closes without named BAU owners.",
    ),
    (
        "alliance",
        "7f-vetting-transformation",
        "Choose one case management system before redesigning the vetting process",
        "technology",
        2,
        datetime.date(2025, 7, 3),
        "policing",
        "vetting",
        "Process design workshops assumed capabilities that only one of the three candidate "
        "vetting case management systems had. The outline business case had to be reworked "
        "after market engagement.",
        "Running market engagement before detailed process design.",
        "Designing to the features of the system one force already owns.",
        "Select the system, or at least its essential features, at strategic outline case.",
    ),
    (
        "alliance",
        "7f-vetting-transformation",
        "Refresh the team's skills when the programme changes stage",
        "workforce",
        2,
        datetime.date(2025, 11, 20),
        "policing",
        "sro",
        "The team recruited to prove the concept lacked business case and benefits skills for "
        "the outline business case. Two years in, the team was re-profiled and a programme "
        "director with a proven record appointed; progress then accelerated.",
        "Reviewing team skills against the next stage's needs at each stage gate.",
        "Keeping a proof-of-concept team in place for delivery.",
        "Add a skills review to every stage gate checklist.",
    ),
    (
        "alliance",
        "dams",
        "Involve the Crown Prosecution Service before designing digital evidence sharing",
        "partnership",
        2,
        datetime.date(2025, 10, 9),
        "policing",
        "dams",
        "The first design for sharing digital evidence assumed the CPS would accept links to "
        "force systems. The CPS required its own ingestion route, and the disclosure benefit "
        "had to be re-profiled by six months.",
        "Agreeing data-sharing routes with criminal justice partners before procurement.",
        "Counting benefits that depend on a partner's systems without the partner's sign-off.",
        "Name a CPS lead as a stakeholder on any digital evidence business case.",
    ),
    (
        "alliance",
        "regional-peqf-procurement",
        "One regional tender for university partners instead of seven",
        "procurement",
        5,
        datetime.date(2022, 2, 3),
        "public",
        "peqf",
        "The seven forces ran one competition for higher education partners for the new "
        "police entry routes. It avoided £420,000 of tender and legal costs and gave every "
        "force the same specification.",
        "A joint specification agreed by every force's learning and development lead.",
        "Letting forces add local requirements after the specification is fixed.",
        "Use a single regional competition for any service every force must buy at the same time.",
    ),
    (
        "alliance",
        "regional-peqf-procurement",
        "Build a national network when none exists",
        "partnership",
        5,
        datetime.date(2022, 3, 17),
        "policing",
        "peqf",
        "Environmental scanning found no national network for those leading entry-route "
        "procurement. The project lead created one with the College of Policing, procurement "
        "professionals and apprenticeship advisers; other regions reused the specification.",
        "Scanning nationally before starting, and sharing what was built.",
        "Assuming another region has already solved the problem.",
        "Publish specifications and lessons to the central repository for others to reuse.",
    ),
    (
        "kent-essex",
        None,
        "Align overtime and allowances before pooling detectives",
        "workforce",
        4,
        datetime.date(2024, 8, 15),
        "private",
        "programme",
        "Detectives in the joint serious crime directorate worked side by side on different "
        "overtime rates and on-call allowances. Grievances delayed two major investigations "
        "and the staff associations asked for a joint review.",
        "Harmonising terms and conditions before staff transfer.",
        "Pooling teams while their terms still differ.",
        "Complete a terms and conditions review as part of the full business case.",
    ),
    (
        "kent-essex",
        None,
        "Share one case file system across the two forces' major crime teams",
        "technology",
        4,
        datetime.date(2025, 5, 22),
        "private",
        "programme",
        "Investigators re-keyed case files between the two forces' systems, costing an "
        "estimated 1,900 hours a year. A shared instance removed the re-keying.",
        "One shared instance with role-based access for both forces.",
        "Interfaces between two systems as a long-term answer.",
        "Choose a shared system at the start of any joint investigative unit.",
    ),
]


def _docx(title: str, sections: list[tuple[str, str]]) -> bytes:
    document = docx.Document()
    document.add_heading(title, level=0)
    for heading, text in sections:
        document.add_heading(heading, level=1)
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _text(*paragraphs: str) -> bytes:
    return ("\n\n".join(paragraphs) + "\n").encode("utf-8")


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def build_public_procurement(builder) -> Collaboration:
    """The public-facing summary of 7F collaborative procurement, with published benefits."""
    forces, people = builder.forces, builder.people
    public = Collaboration.objects.create(
        name="7F Collaborative Procurement",
        slug="7f-collaborative-procurement",
        parent=builder.alliance,
        purpose=PUBLIC_PURPOSE,
        objectives=PUBLIC_OBJECTIVES,
        function="procurement",
        lead_force=forces["Kent"],
        visibility="public",
    )
    for share in builder.alliance.shares.select_related("force"):
        ForceShare.objects.create(
            collaboration=public,
            force=share.force,
            percent=share.percent,
            basis=share.basis,
        )
    Agreement.objects.create(
        collaboration=public,
        title="7F procurement collaboration agreement (Section 22A)",
        signed_on=datetime.date(2023, 3, 30),
        review_due=datetime.date(2027, 3, 30),
        notes="Schedule 4 of the 7F agreement: the joint procurement function.",
    )
    contracts = Initiative.objects.create(
        collaboration=public,
        name="Seven-force contracts and frameworks",
        slug="7f-contracts-and-frameworks",
        stage=4,
        purpose="Joint contracts and frameworks replacing each force's own, with savings "
        "reported to the public each financial year.",
        start_date=datetime.date(2023, 4, 1),
        sro=people["sro"],
    )
    year_ends = [datetime.date(2024, 3, 1), datetime.date(2025, 3, 1), datetime.date(2026, 3, 1)]

    def benefit(reference, title, actuals, plan=None, **fields):
        created = Benefit.objects.create(
            initiative=contracts,
            reference=reference,
            title=title,
            owner=people["owner"],
            measurement_owner=people["finance"],
            status="realising",
            identified_at_stage=2 if fields.get("identified_in_business_case", True) else None,
            **fields,
        )
        # Published figures count verified actuals: the finance lead checked these.
        verified = {"verified_by": builder.users["admin"], "verified_at": timezone.now()}
        for period, value in actuals.items():
            if isinstance(value, str):
                Measurement.objects.create(
                    benefit=created,
                    period=period,
                    assessment=value,
                    entered_by=builder.system,
                    changed_by=builder.system,
                    **verified,
                )
            else:
                measured = Measurement.objects.create(
                    benefit=created,
                    period=period,
                    value=value,
                    entered_by=builder.system,
                    changed_by=builder.system,
                    **verified,
                )
                Evidence.objects.create(
                    measurement=measured,
                    note=f"Annual procurement savings statement for {period.year - 1}/"
                    f"{period.year % 100:02d}, published by the 7F Procurement function.",
                    uploaded_by=builder.system,
                )
        for period, value in (plan or {}).items():
            PlannedValue.objects.create(benefit=created, period=period, value=value)
        return created

    def annual(*values):
        return dict(zip(year_ends, [D(value) for value in values], strict=True))

    benefit(
        "7FCP-B01",
        "Lower prices from seven-force contracts",
        annual("1118600", "1664300", "1958900"),
        plan=annual("1150000", "1700000", "2005000"),
        description="Each year's saving against what the forces paid in 2022/23.",
        subcategory="1a",
        direction="decrease",
        measure="Contract spend against 2022/23 prices, per financial year",
        unit="GBP",
        baseline_value=D("48200000"),
        target_value=D("41245000"),
        cashable=True,
    )
    benefit(
        "7FCP-B02",
        "Tender costs avoided by running one competition, not seven",
        annual("291400", "338900", "402100"),
        plan=annual("300000", "350000", "400000"),
        subcategory="1c",
        direction="decrease",
        measure="Tendering and legal costs avoided, per financial year",
        unit="GBP",
        baseline_value=D("0"),
        target_value=D("1500000"),
    )
    benefit(
        "7FCP-B03",
        "Savings found after the business case: energy, vehicle hire and interpreters",
        {datetime.date(2025, 3, 1): D("1150000")},
        subcategory="1a",
        direction="decrease",
        measure="Spend against previous prices",
        unit="GBP",
        baseline_value=D("0"),
        target_value=D("1150000"),
        cashable=True,
        identified_in_business_case=False,
    )
    benefit(
        "7FCP-B04",
        "Procurement staff hours released for category management",
        annual("2310", "2455", "2380"),
        plan=annual("2400", "2400", "2400"),
        subcategory="1b",
        direction="increase",
        measure="Hours of procurement officer time no longer spent on duplicate tenders",
        unit="hours",
        baseline_value=D("0"),
        target_value=D("9600"),
    )
    benefit(
        "7FCP-B05",
        "One catalogue for buyers in every force",
        {
            datetime.date(2026, 3, 1): "All seven forces now order stationery, tyres and body "
            "armour from the shared catalogue; buyers report fewer duplicate orders."
        },
        subcategory="2a",
        direction="increase",
        measure="Buyer survey and catalogue use",
        nature="qualitative",
        unit="text",
    )
    benefit(
        "7FCP-B06",
        "Contracts awarded lawfully under the Procurement Act 2023",
        {
            datetime.date(2026, 3, 1): "Every contract above the threshold since February 2025 "
            "was awarded through a compliant procedure; no successful challenges."
        },
        subcategory="3a",
        direction="maintain",
        measure="Contracts above threshold awarded through compliant procedures",
        nature="qualitative",
        unit="text",
    )
    benefit(
        "7FCP-B07",
        "Longer waits for small local purchases",
        {datetime.date(2026, 3, 1): D("4")},
        plan={datetime.date(2026, 3, 1): D("4")},
        description="A negative consequence: local buyers wait for the central catalogue.",
        subcategory="2a",
        direction="decrease",
        measure="Average working days from request to order for purchases under £5,000",
        unit="count",
        baseline_value=D("3"),
        target_value=D("3"),
        is_disbenefit=True,
    )
    _count_once_within_7f_procurement(builder)
    return public


# The published figures repeat 7F Procurement's own benefits, a year at a time: the same
# programme, so each is counted within the benefit it repeats (its pounds once).
REPEATS = {
    "7FCP-B01": "7FP-B01",
    "7FCP-B02": "7FP-B02",
    "7FCP-B03": "7FP-B03",
    "7FCP-B04": "7FP-B04",
    "7FCP-B07": "7FP-B06",
}


def _count_once_within_7f_procurement(builder) -> None:
    user = _programme_user(builder)
    benefits = Benefit.objects.in_bulk([*REPEATS, *REPEATS.values()], field_name="reference")
    for published, own in REPEATS.items():
        contributions.set_contribution(
            benefits[published],
            benefits[own],
            user=user,
            note="The published annual figure of 7F Procurement's own benefit: the same "
            "programme, counted once.",
        )


def _programme_user(builder):
    """The 7F programme team member, loaded afresh so that their access includes the
    collaborations created above."""
    return get_user_model().objects.get(pk=builder.users["programme"].pk)


def build_lessons(builder, collaborations: dict[str, Collaboration]) -> None:
    user = _programme_user(builder)
    people = builder.people
    for (
        where,
        initiative_slug,
        title,
        theme,
        stage,
        date,
        visibility,
        author,
        happened,
        repeat,
        avoid,
        recommendation,
    ) in LESSONS:
        services.create_lesson(
            user=user,
            collaboration=collaborations[where],
            initiative=Initiative.objects.get(slug=initiative_slug) if initiative_slug else None,
            title=title,
            theme=theme,
            stage=stage,
            date=date,
            visibility=visibility,
            author=people[author],
            what_happened=happened,
            what_to_repeat=repeat,
            what_to_avoid=avoid,
            recommendation=recommendation,
        )


def build_documents(builder, collaborations: dict[str, Collaboration]) -> None:
    user = _programme_user(builder)
    procurement = Initiative.objects.get(slug="7f-procurement")
    documents = [
        (
            "alliance",
            procurement,
            "business_case",
            3,
            "7F Procurement: full business case",
            "policing",
            "7f-procurement-fbc.docx",
            _docx(
                "7F Procurement: full business case",
                [
                    (
                        "Strategic case",
                        "Seven forces buy the same goods separately. A single procurement "
                        "function with category management will reduce prices and tendering "
                        "effort and improve contract compliance.",
                    ),
                    (
                        "Economic case",
                        "The preferred option delivers cashable savings of £6.955m and avoided "
                        "costs of £1.5m over four years, £8.455m in total, against a 2022/23 "
                        "price baseline.",
                    ),
                    (
                        "Management case",
                        "Business-as-usual governance: a monthly Strategic Procurement Governance "
                        "Board chaired by a police and crime commissioner, escalating to the "
                        "Eastern Region Summit only what needs it.",
                    ),
                ],
            ),
        ),
        (
            "alliance",
            procurement,
            "closure_report",
            5,
            "Fleet tyres and servicing framework: project closure report",
            "policing",
            "fleet-tyres-closure-report.txt",
            _text(
                "Project closure report: fleet tyres and servicing framework",
                "Benefits realised: £412,000 a year in lower tyre and servicing prices across "
                "1,860 vehicles; 640 procurement hours released.",
                "Benefits outstanding: servicing savings for Norfolk and Suffolk from April, now "
                "owned by the joint fleet manager in business as usual.",
                "Lessons learned: agree the price baseline with each force's fleet manager before "
                "award; include run-flat tyres for armed response vehicles in the first lot.",
                "Post-implementation review: six months after closure.",
            ),
        ),
        (
            "alliance",
            procurement,
            "highlight_report",
            4,
            "7F Procurement: monthly highlight report, October 2026",
            "policing",
            "7f-procurement-highlight-2026-10.csv",
            _csv(
                [
                    ["benefit", "planned to date", "realised to date", "status"],
                    [
                        "Cashable savings from collaborative contracts",
                        "5780000",
                        "5612400",
                        "amber",
                    ],
                    ["Costs avoided by joint tendering", "1287500", "1190000", "amber"],
                    ["Procurement staff hours released", "8600", "8815", "green"],
                    [
                        "Additional savings not identified in the business case",
                        "0",
                        "1150000",
                        "green",
                    ],
                ]
            ),
        ),
        (
            "alliance",
            None,
            "agreement",
            None,
            "7F Section 22A collaboration agreement: summary of terms",
            "policing",
            "7f-section-22a-summary.txt",
            _text(
                "Seven Force Strategic Alliance: Section 22A collaboration agreement",
                "Parties: the police and crime commissioners and chief constables of "
                "Bedfordshire, Cambridgeshire, Essex, Hertfordshire, Kent, Norfolk and Suffolk "
                "(fourteen corporations sole).",
                "Costs and benefits are shared by each force's share of net revenue expenditure. "
                "The agreement is reviewed every year at the Eastern Region Summit.",
            ),
        ),
        (
            "alliance",
            Initiative.objects.get(slug="regional-peqf-procurement"),
            "evaluation",
            5,
            "Regional PEQF procurement: evaluation",
            "policing",
            "peqf-evaluation.docx",
            _docx(
                "Regional PEQF procurement: evaluation",
                [
                    (
                        "Benefits delivered",
                        "One regional tender avoided £420,000 of procurement and legal costs. "
                        "Student officer satisfaction rose from 3.4 to 4.06 out of 5.",
                    ),
                    (
                        "What others can reuse",
                        "The regional specification for the police constable degree "
                        "apprenticeship and the degree holder entry programme.",
                    ),
                ],
            ),
        ),
        (
            "alliance",
            Initiative.objects.get(slug="dams"),
            "business_case",
            2,
            "Digital Asset Management System: outline business case",
            "policing",
            "dams-obc.docx",
            _docx(
                "Digital Asset Management System: outline business case",
                [
                    (
                        "Benefits",
                        "61,000 officer hours a year no longer spent copying and couriering "
                        "digital media; digital evidence shared with the CPS in five days "
                        "instead of twenty-one; £352,000 of media and storage costs avoided.",
                    ),
                ],
            ),
        ),
        (
            "kent-essex",
            None,
            "evaluation",
            None,
            "Serious crime directorate: overtime and allowances review",
            "private",
            "scd-overtime-review.txt",
            _text(
                "Kent and Essex serious crime directorate: overtime and allowances review",
                "Detectives on the joint teams worked on different overtime rates and on-call "
                "allowances. The review recommends one set of terms from April.",
            ),
        ),
        (
            "public",
            None,
            "evaluation",
            None,
            "What seven-force procurement delivered, 2023 to 2026",
            "public",
            "7f-procurement-public-summary.txt",
            _text(
                "What seven-force procurement delivered, 2023 to 2026",
                "Since April 2023 the seven forces have bought together. Lower prices saved "
                "£4.74m, running one tender instead of seven avoided £1.03m of costs, and "
                "savings found after the business case added £1.15m.",
                "Procurement staff spent over 7,000 fewer hours on duplicate tenders and used "
                "the time to manage contracts better.",
            ),
        ),
        (
            "public",
            None,
            "closure_report",
            None,
            "Collaborative procurement: closure lessons log",
            "public",
            "procurement-closure-lessons.csv",
            _csv(
                [
                    ["project", "lesson", "recommendation"],
                    [
                        "Fleet tyres and servicing",
                        "Baseline prices agreed late",
                        "Agree the price baseline before award",
                    ],
                    [
                        "Energy basket",
                        "Savings not in the business case nearly went unreported",
                        "Register unplanned savings as benefits",
                    ],
                    [
                        "Body armour",
                        "Open-ended price review clause",
                        "Cap price reviews against a named index",
                    ],
                ]
            ),
        ),
    ]
    for where, initiative, kind, stage, title, visibility, filename, data in documents:
        services.create_document(
            user=user,
            upload=ContentFile(data, name=filename),
            file_name=filename,
            collaboration=collaborations[where],
            initiative=initiative,
            kind=kind,
            stage=stage,
            title=title,
            visibility=visibility,
        )


def build_knowledge_demo(builder) -> None:
    public = build_public_procurement(builder)
    collaborations = {
        "alliance": builder.alliance,
        "public": public,
        "kent-essex": Collaboration.objects.get(slug="kent-essex"),
    }
    build_lessons(builder, collaborations)
    build_documents(builder, collaborations)
