"""Demo content for benefits management: the 7F objectives and changes on the benefits map,
7F Procurement's baselined plan with one approved change request, a Norfolk saving counted
within 7F Procurement's saving, and a recruitment outcome two initiatives share."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Q

from realise.benefits import baselines, contributions
from realise.benefits.maps import ensure_objectives
from realise.benefits.models import Benefit, BenefitShare, Change
from realise.benefits.realisation import add_months
from realise.collaborations.models import Collaboration, Initiative, StageDecision
from realise.core.history import set_history_user

D = Decimal


def _link(objective, benefits, user) -> None:
    set_history_user(objective, user)
    objective.benefits.set(benefits)


def _change(initiative, description, benefits, user, enablers=()) -> Change:
    change = Change(initiative=initiative, description=description)
    set_history_user(change, user)
    change.save()
    change.benefits.set(benefits)
    if enablers:
        change.enablers.set(enablers)
    return change


def _rephased(plan: dict[datetime.date, Decimal], after: datetime.date) -> dict:
    """The plan with a quarter of each month still to come moved to as many months after
    its end: the same total, later."""
    rows = dict(plan)
    future = sorted(p for p in rows if p > after)
    if not future:
        last = max(rows) if rows else after
        return rows | {add_months(last, n): D("100") for n in (1, 2, 3)}
    moved = D("0")
    for period in future:
        part = (rows[period] / 4).quantize(D("0.01"))
        rows[period] -= part
        moved += part
    count = len(future)
    each = (moved / count).quantize(D("0.01"))
    end = max(rows)
    for n in range(1, count + 1):
        rows[add_months(end, n)] = each if n < count else moved - each * (count - 1)
    return rows


def build_ipa_demo(builder) -> None:
    user = builder.users["programme"]
    people = builder.people
    alliance = builder.alliance
    procurement = Initiative.objects.get(slug="7f-procurement")
    vetting = Initiative.objects.get(slug="7f-vetting-transformation")
    peqf = Initiative.objects.get(slug="regional-peqf-procurement")
    dams = Initiative.objects.get(slug="dams")
    refs = {
        b.reference: b
        for b in Benefit.objects.filter(
            Q(initiative__collaboration=alliance) | Q(initiative__collaboration__parent=alliance)
        )
    }

    # Objectives and changes: the benefits map -------------------------------------------------
    savings, service, compliance = ensure_objectives(alliance, user=user)[:3]
    recruitment = builder.benefit(
        vetting,
        "7FV-B04",
        "Recruitment costs avoided by faster clearance",
        description="Fewer recruits withdraw while waiting for vetting, so fewer places are "
        "advertised and assessed twice.",
        subcategory="1c",
        direction="decrease",
        measure="Cost of re-running recruitment for candidates who withdrew during vetting",
        unit="GBP",
        baseline_value=D("310000"),
        target_value=D("70000"),
        owner=people["hr"],
        measurement_owner=people["finance"],
    )
    recruitment_months = [add_months(datetime.date(2025, 10, 1), n) for n in range(24)]
    recruitment_plan = dict.fromkeys(recruitment_months, D("10000"))
    builder.plan(recruitment, recruitment_plan)
    builder.actuals(
        recruitment,
        builder.realised(recruitment_plan, builder.last_month, spread_pct=0),
        ["HR recruitment ledger: withdrawals during vetting, priced at the cost per hire."],
    )
    refs[recruitment.reference] = recruitment
    # Every benefit serves an objective (the published 7FCP figures too): no orphans.
    _link(
        savings,
        [
            refs[r]
            for r in (
                "7FP-B01",
                "7FP-B02",
                "7FP-B03",
                "7FP-B04",
                "7FV-B04",
                "DAMS-B01",
                "DAMS-B03",
                "PEQF-B01",
                "7FCP-B01",
                "7FCP-B02",
                "7FCP-B03",
                "7FCP-B04",
            )
        ],
        user,
    )
    _link(
        service,
        [
            refs[r]
            for r in ("7FV-B01", "7FV-B03", "7FP-B06", "DAMS-B02", "PEQF-B02", "7FCP-B05")
            + ("7FCP-B07",)
        ],
        user,
    )
    _link(
        compliance,
        [refs[r] for r in ("7FP-B05", "7FV-B02", "PEQF-B03", "7FCP-B06")],
        user,
    )
    _change(
        procurement,
        "A seven-force category management team buying through shared frameworks",
        [refs[r] for r in ("7FP-B01", "7FP-B02", "7FP-B04")],
        user,
    )
    _change(
        procurement,
        "A central e-procurement catalogue in place of local buying",
        [refs[r] for r in ("7FP-B03", "7FP-B05", "7FP-B06")],
        user,
    )
    _change(
        vetting,
        "One joint vetting unit working from a shared case management system",
        [refs[r] for r in ("7FV-B01", "7FV-B03", "7FV-B04")],
        user,
        enablers=[dams],
    )
    _change(
        vetting,
        "Every vetting decision quality-assured against the APP and Code of Practice",
        [refs["7FV-B02"]],
        user,
    )

    # 7F Procurement's plan, baselined at the full business case, and one change request ----
    fbc = StageDecision.objects.filter(initiative=procurement, to_stage=3).first()
    baselines.freeze_baseline(
        procurement,
        approved_on=fbc.decided_on if fbc else builder.today,
        body=fbc.body if fbc else builder.summit,
        stage_decision=fbc,
        user=user,
    )
    hours = refs["7FP-B04"]
    current = dict(hours.planned_values.values_list("period", "value"))
    request = baselines.raise_change_request(
        hours,
        _rephased(current, builder.today.replace(day=1)),
        reason="Category managers were moved onto the Procurement Act 2023 transition for a "
        "year, so a quarter of the hours still to come will be released later; the total is "
        "unchanged.",
        requested_by=people["owner"],
        body=builder.board,
        user=user,
    )
    baselines.decide_change_request(
        request,
        approve=True,
        decided_on=builder.today,
        body=builder.board,
        note="Approved: the total is unchanged and the reason is outside the programme's control.",
        user=user,
    )

    # A force's saving counted within the collaboration's saving -----------------------------
    partnership = Collaboration.objects.get(slug="norfolk-suffolk")
    adoption = Initiative.objects.create(
        collaboration=partnership,
        name="Norfolk and Suffolk adoption of 7F frameworks",
        slug="ns-7f-frameworks",
        stage=4,
        purpose="Moving Norfolk's and Suffolk's local contracts onto the 7F frameworks.",
        start_date=datetime.date(2023, 4, 1),
        sro=people["sro"],
    )
    norfolk = builder.benefit(
        adoption,
        "NS-B01",
        "Norfolk's savings from the 7F frameworks",
        description="Norfolk's part of the 7F collaborative contract savings, tracked by "
        "Norfolk finance.",
        subcategory="1a",
        direction="decrease",
        measure="Norfolk contract spend against 2022/23 prices",
        unit="GBP",
        baseline_value=D("5800000"),
        target_value=D("4965000"),
        owner=people["vetting"],
        measurement_owner=people["finance"],
        cashable=True,
        status="realising",
    )
    parent_plan = dict(refs["7FP-B01"].planned_values.values_list("period", "value"))
    norfolk_plan = {p: (v * D("0.12")).quantize(D("0.01")) for p, v in parent_plan.items()}
    builder.plan(norfolk, norfolk_plan)
    builder.actuals(
        norfolk,
        builder.realised(norfolk_plan, builder.last_month, spread_pct=0),
        ["Norfolk finance: contract spend on 7F frameworks against 2022/23 prices."],
    )
    share = BenefitShare(
        benefit=norfolk,
        force=builder.forces["Norfolk"],
        percent=D("100"),
        basis="Norfolk's own saving",
    )
    set_history_user(share, user)
    share.save()
    contributions.set_contribution(
        norfolk,
        refs["7FP-B01"],
        user=user,
        note="Norfolk's saving is part of the 7F cashable saving; counted once, within it.",
    )
    _link(savings, [*savings.benefits.all(), norfolk], user)

    # Two initiatives sharing one outcome ----------------------------------------------------
    contributions.replace_attributions(
        recruitment,
        {vetting: D("60"), peqf: D("30")},
        basis="Agreed by the 7F Programme Board: faster vetting and the new PEQF entry routes "
        "both shorten the time to a start date; 10% is put down to the national recruitment "
        "campaign.",
        user=user,
    )
