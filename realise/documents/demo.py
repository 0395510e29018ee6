"""Demo content for documents: 7F Procurement's highlight reports for the last two months,
and the Regional PEQF procurement closed through the closure workflow (its lessons in the
lessons log, its continuing benefit handed to HR shared services, its closure report in the
repository).

Called at the end of `DemoBuilder.build()`, once every other part of the demo exists.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from realise.benefits.models import Benefit, Evidence, Measurement, Objective, PlannedValue
from realise.benefits.realisation import add_months
from realise.collaborations.models import Initiative
from realise.core.history import set_history_user
from realise.documents.models import Marking
from realise.documents.services import (
    ClosurePlan,
    HandoverInput,
    LessonInput,
    close_initiative,
    save_highlight_report,
)

D = Decimal

HIGHLIGHTS = [
    # months before last month, then the narrative
    (
        1,
        {
            "progress": (
                "The custody healthcare contract went live in all seven forces on time. "
                "Savings on the stationery and print framework were confirmed by force finance "
                "teams.\n\n"
                "Category managers started the review of the fleet tyres framework ahead of its "
                "renewal next year."
            ),
            "issues": (
                "Cost avoidance (7FP-B02) is recorded by each force and two months behind: the "
                "forces' trackers are not yet returned on time."
            ),
            "decisions_needed": "",
            "next_steps": (
                "Agree a monthly return date for cost avoidance with the seven finance leads.\n\n"
                "Start market engagement for the interpreting services renewal."
            ),
        },
    ),
    (
        0,
        {
            "progress": (
                "Cashable savings stay ahead of plan, driven by the energy basket and body "
                "armour call-off. Procurement staff hours released are close to plan.\n\n"
                "The Procurement Act 2023 compliance check of contracts above threshold found "
                "no exceptions."
            ),
            "issues": (
                "Cost avoidance returns are still late from most forces, so 7FP-B02 reads red "
                "against its plan to date although the forces report the savings are there."
            ),
            "decisions_needed": (
                "The Strategic Procurement Governance Board is asked to require each force's "
                "cost avoidance return by the tenth working day of the month, and to escalate "
                "late returns to the Deputy Chief Constable board."
            ),
            "next_steps": (
                "Chase the missing cost avoidance returns with each force's finance lead.\n\n"
                "Bring the renewal plan for the fleet tyres framework to next month's board."
            ),
        },
    ),
]


def build_highlight_reports(builder) -> None:
    procurement = Initiative.objects.get(slug="7f-procurement")
    for months_back, narrative in HIGHLIGHTS:
        save_highlight_report(
            procurement,
            add_months(builder.last_month, -months_back),
            user=builder.users["programme"],
            marking=Marking.OFFICIAL,
            **narrative,
        )


def _continuing_benefit(builder, peqf: Initiative) -> Benefit:
    """A PEQF benefit still being realised when the project closes: apprenticeship levy
    funding drawn down instead of force budgets, planned to March 2027."""
    people = builder.people
    benefit = Benefit.objects.create(
        initiative=peqf,
        reference="PEQF-B04",
        title="Apprenticeship levy funding used for student officers' tuition",
        description="Tuition fees of degree apprentices paid from the levy, not force budgets.",
        subcategory="1c",
        direction="increase",
        measure="Apprenticeship levy funding applied to PEQF tuition fees",
        unit="GBP",
        baseline_value=D("0"),
        target_value=D("900000"),
        target_date=datetime.date(2027, 3, 31),
        owner=people["peqf"],
        measurement_owner=people["finance"],
        identified_at_stage=3,
        status="realising",
    )
    start = datetime.date(2023, 4, 1)
    periods = [add_months(start, index) for index in range(48)]
    bulk_create_with_history(
        [PlannedValue(benefit=benefit, period=period, value=D("18750")) for period in periods],
        PlannedValue,
        default_user=builder.system,
    )
    recorded = [period for period in periods if period <= builder.last_month]
    bulk_create_with_history(
        [
            Measurement(
                benefit=benefit,
                period=period,
                value=D("17500") if index % 4 else D("19250"),
                entered_by=builder.users["programme"],
            )
            for index, period in enumerate(recorded)
        ],
        Measurement,
        default_user=builder.users["programme"],
    )
    # The levy statements of the last two months have not come from HMRC yet: those actuals
    # have no evidence (one of the demo's deliberate data-quality problems).
    evidenced = benefit.measurements.filter(period__lt=add_months(builder.last_month, -1))
    bulk_create_with_history(
        [
            Evidence(
                measurement=measurement,
                note="Apprenticeship service account statement: levy funds applied to tuition.",
                uploaded_by=builder.users["programme"],
            )
            for measurement in evidenced
        ],
        Evidence,
        default_user=builder.users["programme"],
    )
    savings = Objective.objects.filter(collaboration=peqf.collaboration).order_by("order").first()
    if savings is not None:
        set_history_user(savings, builder.users["programme"])
        savings.benefits.add(benefit)
    return benefit


def close_peqf(builder) -> None:
    peqf = Initiative.objects.get(slug="regional-peqf-procurement")
    continuing = _continuing_benefit(builder, peqf)
    people = builder.people
    plan = ClosurePlan(
        realised_confirmed=True,
        review_date=builder.today + datetime.timedelta(days=182),
        summary=(
            "One regional competition gave all seven forces their higher education partners "
            "for the police entry routes, avoiding £420,000 of tender and legal costs. "
            "Student officers' satisfaction passed its target. Levy-funded tuition continues "
            "in business as usual under HR shared services."
        ),
        lessons=[
            LessonInput(
                title="Close a project only when its continuing benefits have a named owner",
                theme="benefits",
                what_happened=(
                    "Levy-funded tuition will keep saving money for years after the procurement "
                    "ended. Until closure nobody outside the project was accountable for "
                    "recording it."
                ),
                what_to_repeat=(
                    "Handing each continuing benefit to a named owner in business as usual, "
                    "with the measure they keep recording."
                ),
                recommendation=(
                    "Agree the business-as-usual owner of every long-running benefit at the "
                    "full business case, not at closure."
                ),
            ),
            LessonInput(
                title="Survey every cohort, not only the first",
                theme="workforce",
                what_happened=(
                    "The satisfaction survey was run for three cohorts; later cohorts were not "
                    "surveyed, so the trend after 2021 is unknown."
                ),
                what_to_avoid="Stopping a survey measure as soon as its target is first met.",
            ),
        ],
        handovers={
            continuing.pk: HandoverInput(
                bau_owner=people["hr"],
                measurement_owner=people["finance"],
                continuing_measures=(
                    "Apprenticeship levy funding applied to PEQF tuition fees, each month, "
                    "from the force finance ledgers."
                ),
            )
        },
        marking=Marking.OFFICIAL,
    )
    close_initiative(peqf, plan, user=builder.users["programme"], today=builder.today)


def build_documents_demo(builder) -> None:
    build_highlight_reports(builder)
    close_peqf(builder)
