"""Demo: the 7F procurement function's further opportunities, "in excess of £5m".

Five money opportunities whose most likely annual values add up to £5.02m, at confidences
from 35% to 60%, and one estimated in hours that came from a lesson. The facilities
management one has already become an initiative at stage 0.
"""

from decimal import Decimal as D

from realise.core.history import set_history_user
from realise.knowledge.models import Lesson
from realise.pipeline.models import Opportunity, OpportunityStatus, Source
from realise.pipeline.services import turn_into_initiative

# title, description, source, unit, low, most likely, high, years, confidence, status
OPPORTUNITIES = [
    (
        "One regional vehicle and fleet framework",
        "Replace seven forces' vehicle purchase and lease call-offs with one regional framework "
        "for marked and unmarked vehicles, with whole-life servicing.",
        Source.SCANNING,
        "GBP",
        D("1100000"),
        D("1450000"),
        D("1900000"),
        5,
        60,
        OpportunityStatus.PROGRESSING,
    ),
    (
        "Collaborative purchase of electricity and gas",
        "Buy energy for all seven forces' estates through one flexible purchasing contract, "
        "following the public sector energy frameworks.",
        Source.SCANNING,
        "GBP",
        D("850000"),
        D("1300000"),
        D("1750000"),
        5,
        40,
        OpportunityStatus.ASSESSING,
    ),
    (
        "Shared mobile devices and airtime contract",
        "Hertfordshire proposes one contract for officers' mobile devices and airtime when the "
        "forces' current contracts end.",
        Source.FORCE_PROPOSAL,
        "GBP",
        D("600000"),
        D("900000"),
        D("1250000"),
        4,
        45,
        OpportunityStatus.ASSESSING,
    ),
    (
        "A single regional tender for forensic toxicology",
        "One tender for toxicology and drug analysis across the region instead of seven.",
        Source.SCANNING,
        "GBP",
        D("500000"),
        D("750000"),
        D("1000000"),
        3,
        35,
        OpportunityStatus.IDEA,
    ),
    (
        "One soft facilities management contract",
        "Suffolk and Norfolk propose extending their joint cleaning, catering and security "
        "contract to all seven forces' headquarters and custody suites.",
        Source.FORCE_PROPOSAL,
        "GBP",
        D("450000"),
        D("620000"),
        D("850000"),
        4,
        50,
        OpportunityStatus.PROGRESSING,
    ),
    (
        "End-to-end e-tendering for every force",
        "Procurement officers' time saved by running every tender, from specification to "
        "award, in the single e-procurement system.",
        Source.LESSON,
        "hours",
        D("6000"),
        D("9500"),
        D("12000"),
        3,
        55,
        OpportunityStatus.IDEA,
    ),
]
TAKEN_FORWARD = "One soft facilities management contract"
LESSON = "Put every contract in one e-procurement system before measuring savings"


def build_pipeline_demo(builder) -> None:
    owner = builder.people["owner"]
    lesson = Lesson.objects.filter(collaboration=builder.alliance, title=LESSON).first()
    for row in OPPORTUNITIES:
        title, description, source, unit, low, likely, high, years, confidence, status = row
        opportunity = Opportunity(
            collaboration=builder.alliance,
            title=title,
            description=description,
            source=source,
            lesson=lesson if source == Source.LESSON else None,
            unit=unit,
            low=low,
            most_likely=likely,
            high=high,
            years=years,
            confidence=confidence,
            owner=owner,
            status=status,
        )
        opportunity.full_clean()
        set_history_user(opportunity, builder.system)
        opportunity.save()
        if title == TAKEN_FORWARD:
            turn_into_initiative(opportunity, builder.users["admin"])
