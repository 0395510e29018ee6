"""Options judged against business as usual (the Green Book counterfactual).

Pure Python, like :mod:`realise.appraisal.greenbook`: the incremental figures of an
option are its present values less those of business as usual, and its value-for-money
category comes from the incremental benefit-cost ratio. Two cases have no meaningful
ratio and are said in words instead:

* an option that costs no more than business as usual and delivers at least as much
  benefit (one of the two strictly) *dominates* it: no ratio, category ``very high``;
* an option that costs less and delivers less is a trade-off: the ratio is the pounds of
  benefit given up per pound saved, and it is not put in a value-for-money band.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Context, Decimal, localcontext
from typing import Any

from realise.appraisal.greenbook import (
    PRECISION,
    AppraisalError,
    Result,
    evaluate,
    format_decimal,
    parse_input,
    vfm_category,
)

__all__ = ["SUMMARIES", "Increment", "appraise_options", "increment", "option_output"]

DOMINATES = "dominates"
DOMINATED = "dominated"
SAME = "same"
TRADE_OFF = "trade-off"
RATIO = "ratio"


# The sentence that says how an option compares with business as usual, by a stable code:
# `Increment.summary` in English; an application that shows it in another language words
# each code itself (with the same %(name)s placeholders, from `Increment.summary_params`).
SUMMARIES: dict[str, str] = {
    "same": "Costs and benefits are the same as business as usual.",
    "dominates_cheaper_better": (
        "Dominates business as usual: it costs %(cost)s less and delivers %(benefit)s more benefit."
    ),
    "dominates_cheaper": (
        "Dominates business as usual: it costs %(cost)s less and delivers the same benefit."
    ),
    "dominates_better": (
        "Dominates business as usual: it delivers %(benefit)s more benefit and costs the same."
    ),
    "dominated_less_benefit": (
        "Delivers %(benefit)s less benefit than business as usual for the same cost."
    ),
    "dominated_more_cost": "Costs %(cost)s more than business as usual for the same benefit.",
    "trade_off": (
        "Costs %(cost)s less than business as usual but delivers %(benefit)s less benefit: "
        "£%(ratio)s of benefit given up for each pound saved."
    ),
    "ratio_more_benefit": (
        "Costs %(cost)s more than business as usual for %(benefit)s more benefit: an "
        "incremental benefit-cost ratio of %(ratio)s."
    ),
    "ratio_less_benefit": (
        "Costs %(cost)s more than business as usual for %(benefit)s less benefit: an "
        "incremental benefit-cost ratio of %(ratio)s."
    ),
}


def _pounds(value: Decimal) -> str:
    """`£1,234.56` for the words of a comparison."""
    text = format_decimal(abs(value), 2)
    assert text is not None
    whole, _, pence = text.partition(".")
    return f"£{int(whole):,}.{pence}"


@dataclass(frozen=True)
class Increment:
    """An option's present values relative to business as usual (unrounded)."""

    pv_costs: Decimal
    pv_benefits: Decimal
    npsv: Decimal
    bcr: Decimal | None
    vfm_category: str | None
    kind: str

    @property
    def dominates(self) -> bool:
        return self.kind == DOMINATES

    @property
    def summary_code(self) -> str:
        """Which sentence of :data:`SUMMARIES` says how the option compares."""
        cost, benefit = self.pv_costs, self.pv_benefits
        if self.kind == SAME:
            return "same"
        if self.kind == DOMINATES:
            if cost < 0:
                return "dominates_cheaper_better" if benefit > 0 else "dominates_cheaper"
            return "dominates_better"
        if self.kind == DOMINATED:
            return "dominated_less_benefit" if cost.is_zero() else "dominated_more_cost"
        if self.kind == TRADE_OFF:
            return "trade_off"
        return "ratio_more_benefit" if benefit >= 0 else "ratio_less_benefit"

    @property
    def summary_params(self) -> dict[str, str]:
        """The figures the sentence names: pounds as `£1,234.56`, the ratio to 2 places."""
        return {
            "cost": _pounds(self.pv_costs),
            "benefit": _pounds(self.pv_benefits),
            "ratio": format_decimal(self.bcr, 2) or "",
        }

    @property
    def summary(self) -> str:
        """One sentence a board can read (in English)."""
        return SUMMARIES[self.summary_code] % self.summary_params

    def to_dict(self) -> dict[str, Any]:
        return {
            "pv_costs": format_decimal(self.pv_costs, 2),
            "pv_benefits": format_decimal(self.pv_benefits, 2),
            "npsv": format_decimal(self.npsv, 2),
            "bcr": format_decimal(self.bcr, 2),
            "vfm_category": self.vfm_category,
            "summary": self.summary,
        }


def increment(option: Result, business_as_usual: Result) -> Increment:
    """The option's figures relative to business as usual, and how to judge them."""
    with localcontext(Context(prec=PRECISION)):
        cost = option.pv_costs - business_as_usual.pv_costs
        benefit = option.pv_benefits - business_as_usual.pv_benefits
        npsv = benefit - cost
        if cost.is_zero() and benefit.is_zero():
            return Increment(cost, benefit, npsv, None, None, SAME)
        if cost <= 0 and benefit >= 0:
            return Increment(cost, benefit, npsv, None, "very high", DOMINATES)
        if cost >= 0 and benefit <= 0 and (cost.is_zero() or benefit.is_zero()):
            # Costs more for the same benefit, or the same for less: no ratio to band.
            return Increment(cost, benefit, npsv, None, "negative", DOMINATED)
        bcr = benefit / cost
        if cost < 0:
            return Increment(cost, benefit, npsv, bcr, None, TRADE_OFF)
        return Increment(cost, benefit, npsv, bcr, vfm_category(bcr), RATIO)


def _option_name(raw: Mapping[str, Any], index: int) -> str:
    name = raw.get("name", f"Option {index + 1}")
    if not isinstance(name, str) or not name.strip():
        raise AppraisalError(f"options[{index}].name", "name_required")
    return name


def appraise_options(data: Mapping[str, Any]) -> dict[str, Any]:
    """Appraise `{"options": [OPTION, ...]}` against business as usual.

    Each OPTION is a single-option document with `name` and, for the counterfactual,
    `"business_as_usual": true` (else the first option is business as usual). Errors
    name the option: `options[1].costs[0].kind: ...`.
    """
    options = data.get("options")
    extra = sorted(set(data) - {"options"})
    if extra:
        raise AppraisalError(extra[0], "unknown_key_beside_options")
    if not isinstance(options, Sequence) or isinstance(options, str | bytes) or not options:
        raise AppraisalError("options", "options_list")

    names: list[str] = []
    results: list[Result] = []
    flagged: list[int] = []
    for index, raw in enumerate(options):
        path = f"options[{index}]"
        if not isinstance(raw, Mapping):
            raise AppraisalError(path, "json_object")
        name = _option_name(raw, index)
        if name in names:
            raise AppraisalError(f"{path}.name", "name_taken", name=name)
        flag = raw.get("business_as_usual", False)
        if not isinstance(flag, bool):
            raise AppraisalError(f"{path}.business_as_usual", "business_as_usual_flag")
        if flag:
            flagged.append(index)
        body = {k: v for k, v in raw.items() if k not in ("name", "business_as_usual")}
        try:
            results.append(evaluate(parse_input(body)))
        except AppraisalError as error:
            raise error.within(path) from None
        names.append(name)
    if len(flagged) > 1:
        raise AppraisalError(f"options[{flagged[1]}].business_as_usual", "one_business_as_usual")
    baseline = flagged[0] if flagged else 0

    return {
        "options": [
            option_output(
                name,
                index == baseline,
                result,
                None if index == baseline else increment(result, results[baseline]),
            )
            for index, (name, result) in enumerate(zip(names, results, strict=True))
        ]
    }


def option_output(
    name: str, business_as_usual: bool, result: Result, against: Increment | None
) -> dict[str, Any]:
    """One option of `{"options": [...]}`: its name, whether it is business as usual, its
    own figures (`Result.to_dict`) and `vs_business_as_usual` (`against`, None for business
    as usual itself or when business as usual has no figures)."""
    entry: dict[str, Any] = {"name": name, "business_as_usual": business_as_usual}
    entry.update(result.to_dict())
    entry["vs_business_as_usual"] = None if against is None else against.to_dict()
    return entry
