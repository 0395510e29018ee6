"""Demo economic cases: 7F Procurement (with actuals for the ex post view), 7F Vetting
Transformation and the Digital Asset Management System, each with business as usual and
two options. Called by `DemoBuilder.build()` once the register is loaded."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from realise.appraisal import services
from realise.appraisal.models import Option
from realise.benefits.models import Benefit
from realise.collaborations.models import Initiative

D = Decimal
SLUGS = ("7f-procurement", "7f-vetting-transformation", "dams")


def each_year(first: int, last: int, amount: str) -> dict[int, Decimal]:
    return {year: D(amount) for year in range(first, last + 1)}


def _months(first_year: int, first_month: int, count: int) -> list[datetime.date]:
    out, year, month = [], first_year, first_month
    for _ in range(count):
        out.append(datetime.date(year, month, 1))
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return out


class _Case:
    """Adds options and lines to one initiative's case through the services."""

    def __init__(self, initiative: Initiative, user):
        self.initiative, self.user = initiative, user

    def option(self, name=None, *, bau=False, **fields) -> Option:
        if bau:
            option = services.business_as_usual(self.initiative, user=self.user)
            if name:
                fields["name"] = name
            return services.save_option(self.initiative, user=self.user, option=option, **fields)
        return services.save_option(self.initiative, user=self.user, name=name, **fields)

    def cost(self, option, name, kind, values, prices="real"):
        services.save_cost_line(
            option, user=self.user, name=name, kind=kind, prices=prices, values=values
        )

    def benefit(self, option, name, values=None, *, linked=None, per_hour=None):
        benefit = Benefit.objects.get(reference=linked) if linked else None
        services.save_benefit_line(
            option,
            user=self.user,
            name=name,
            values=values,
            benefit=benefit,
            cost_per_hour=D(per_hour) if per_hour else None,
        )


def build_procurement(case: _Case) -> None:
    common = {"first_year": 2023, "price_base_year": 2023, "discount_schedule": "standard"}
    services.replace_deflators(
        case.initiative,
        {2023: D("100"), 2024: D("102.4"), 2025: D("104.9"), 2026: D("107.2")},
        user=case.user,
    )
    bau = case.option(
        "Business as usual: seven force procurement teams",
        bau=True,
        description="Each force keeps its own procurement team, contracts and systems. "
        "Costs are those that the other options would avoid.",
        **common,
    )
    case.cost(bau, "Replacement of local e-tendering systems", "capex", {2024: D("350000")})
    case.cost(bau, "Local e-tendering system support", "opex", each_year(2023, 2026, "185000"))

    chosen = case.option(
        "One 7F procurement function",
        description="A single function buying for seven forces: shared frameworks, category "
        "management and contract compliance. The option the Summit approved. Costs and "
        "benefits are those beyond business as usual.",
        is_preferred=True,
        optimism_bias_capex="0.15",
        optimism_bias_opex="0.05",
        order=1,
        **common,
    )
    case.cost(chosen, "E-procurement platform and set-up", "capex", {2023: D("650000")})
    case.cost(chosen, "Transition and programme team", "other", {2023: D("300000")})
    case.cost(
        chosen,
        "Category management team (additional posts)",
        "opex",
        each_year(2023, 2026, "420000"),
    )
    case.cost(
        chosen,
        "E-procurement licence (contract prices)",
        "opex",
        {2023: D("120000"), 2024: D("123000"), 2025: D("126000"), 2026: D("129000")},
        prices="nominal",
    )
    case.benefit(chosen, "Cashable savings from collaborative contracts", linked="7FP-B01")
    case.benefit(chosen, "Costs avoided by joint tendering", linked="7FP-B02")
    case.benefit(chosen, "Procurement staff hours released", linked="7FP-B04", per_hour="32.50")

    hosted = case.option(
        "Lead force hosts procurement for the alliance",
        description="Essex procures on behalf of the other six forces under a service "
        "agreement; local teams stay for low-value buying.",
        optimism_bias_capex="0.15",
        optimism_bias_opex="0.05",
        order=2,
        **common,
    )
    case.cost(hosted, "Extension of the Essex e-procurement platform", "capex", {2023: D("400000")})
    case.cost(hosted, "Service charge to Essex", "opex", each_year(2023, 2026, "380000"))
    case.cost(hosted, "Remaining local system support", "opex", each_year(2023, 2026, "90000"))
    case.benefit(
        hosted,
        "Savings from shared contracts",
        {2023: D("450000"), 2024: D("800000"), 2025: D("1000000"), 2026: D("1100000")},
    )


def build_vetting(case: _Case) -> None:
    common = {"first_year": 2025, "price_base_year": 2025}
    bau = case.option(
        "Business as usual: seven force vetting units",
        bau=True,
        description="Each force vets its own applicants with its own case system. Costs "
        "are those that the other options would avoid.",
        **common,
    )
    case.cost(
        bau, "Agency vetting officers for the backlog", "opex", each_year(2025, 2027, "380000")
    )
    case.cost(bau, "Upgrades to seven force case systems", "capex", {2026: D("700000")})

    single = case.option(
        "Single 7F vetting service",
        description="One vetting service for seven forces with one case management system.",
        is_preferred=True,
        optimism_bias_capex="0.30",
        optimism_bias_opex="0.10",
        order=1,
        **common,
    )
    case.cost(single, "Case management system", "capex", {2025: D("1200000"), 2026: D("300000")})
    case.cost(single, "Transition and data migration", "other", {2025: D("250000")})
    case.cost(
        single, "Quality assurance and management team", "opex", each_year(2025, 2029, "350000")
    )
    case.benefit(
        single, "Vetting officer posts released by one service", each_year(2026, 2029, "550000")
    )
    case.benefit(
        single, "Recruits start sooner: vacancy cover avoided", each_year(2026, 2029, "410000")
    )

    shared_system = case.option(
        "Shared case management system only",
        description="Forces keep their vetting units but share one case management system.",
        optimism_bias_capex="0.30",
        optimism_bias_opex="0.05",
        order=2,
        **common,
    )
    case.cost(shared_system, "Case management system", "capex", {2025: D("1100000")})
    case.cost(shared_system, "System support", "opex", each_year(2026, 2029, "150000"))
    case.cost(
        shared_system,
        "Agency vetting officers for the backlog",
        "opex",
        each_year(2025, 2026, "380000"),
    )
    case.benefit(shared_system, "Vetting officer time saved", each_year(2026, 2029, "200000"))


def _plan_dams(builder) -> None:
    """Planned profiles for the DAMS savings, so that the case can link to them."""
    hours = Benefit.objects.get(reference="DAMS-B01")
    if not hours.planned_values.exists():
        plan = dict.fromkeys(_months(2026, 1, 3), D("500"))
        plan.update(dict.fromkeys(_months(2026, 4, 12), D("1500")))
        plan.update(dict.fromkeys(_months(2027, 4, 36), D("5000")))
        builder.plan(hours, plan)
    avoided = Benefit.objects.get(reference="DAMS-B03")
    if not avoided.planned_values.exists():
        plan = dict.fromkeys(_months(2026, 1, 3), D("10000"))
        plan.update(dict.fromkeys(_months(2026, 4, 12), D("25000")))
        plan.update(dict.fromkeys(_months(2027, 4, 36), D("29000")))
        builder.plan(avoided, plan)


def build_dams(case: _Case, builder) -> None:
    _plan_dams(builder)
    common = {"first_year": 2025, "price_base_year": 2025}
    bau = case.option(
        "Business as usual: media and local servers",
        bau=True,
        description="Digital evidence stays on discs, USB devices and force servers.",
        **common,
    )
    case.cost(bau, "Local evidence servers: support", "opex", each_year(2025, 2029, "180000"))
    case.cost(bau, "Local evidence servers: refresh", "capex", {2027: D("600000")})

    regional = case.option(
        "Regional cloud DAMS",
        description="One cloud system for seven forces, shared with the CPS and courts.",
        is_preferred=True,
        optimism_bias_capex="0.25",
        optimism_bias_opex="0.10",
        order=1,
        **common,
    )
    case.cost(regional, "DAMS implementation", "capex", {2025: D("1400000"), 2026: D("600000")})
    case.cost(regional, "Cloud licences and support", "opex", each_year(2026, 2029, "520000"))
    case.benefit(
        regional,
        "Officer hours saved handling digital evidence",
        linked="DAMS-B01",
        per_hour="38.00",
    )
    case.benefit(regional, "Physical media and storage costs avoided", linked="DAMS-B03")

    local = case.option(
        "A system in each force",
        description="Each force buys its own system from the national framework.",
        optimism_bias_capex="0.25",
        optimism_bias_opex="0.10",
        order=2,
        **common,
    )
    case.cost(local, "Seven implementations", "capex", {2025: D("2300000"), 2026: D("900000")})
    case.cost(local, "Licences and support", "opex", each_year(2026, 2029, "760000"))
    case.benefit(
        local,
        "Officer hours saved (valued at £38 an hour)",
        {2026: D("500000"), **each_year(2027, 2029, "1900000")},
    )
    case.benefit(local, "Physical media costs avoided", each_year(2026, 2029, "300000"))


def build_appraisal_demo(builder) -> None:
    """Economic cases for three 7F initiatives (does nothing for one that has options)."""
    user = get_user_model().objects.get(pk=builder.system.pk)
    initiatives = {i.slug: i for i in Initiative.objects.filter(slug__in=SLUGS)}
    for slug, build in (
        ("7f-procurement", build_procurement),
        ("7f-vetting-transformation", build_vetting),
        ("dams", lambda case: build_dams(case, builder)),
    ):
        initiative = initiatives.get(slug)
        if initiative is None or Option.objects.filter(initiative=initiative).exists():
            continue
        build(_Case(initiative, user))
