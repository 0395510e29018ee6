"""The Green Book engine's words in the language of the page.

The engine (`greenbook`, and `counterfactual` beside it) is standard library only and
writes English: an error's message, the names of the optimism bias project types, the
sentence comparing an option with business as usual. It also says each by a stable code
(`AppraisalError.code` and `.params`, the project type's key, `Increment.summary_code` and
`.summary_params`), and this module words the codes for people: lazy translations, put
into words when shown, so a Welsh page reads Welsh while the economic case workbook
(`language.english`) and the command line keep the engine's English.

Each English text here is the engine's own (tests/appraisal checks that they stay the same).
"""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from realise.appraisal.counterfactual import Increment
from realise.appraisal.greenbook import OPTIMISM_BIAS_PROJECT_TYPES, AppraisalError, ProjectType
from realise.core.language import lazy_format
from realise.core.types import StrOrPromise

# greenbook.PROBLEMS, for people.
PROBLEMS: dict[str, StrOrPromise] = {
    "before_first_year": _("year %(year)s is before first_year %(first_year)s"),
    "benefit_kind": _("benefit lines have no kind"),
    "beyond_horizon": _(
        "year %(year)s is more than %(most)s years after first_year %(first_year)s"
    ),
    "bias_mapping": _("must be a mapping of cost kind to fraction"),
    "bias_object": _("must be an object with keys from %(kinds)s"),
    "bias_range": _("must be a fraction from 0 to %(most)s (e.g. 0.24 for 24%%)"),
    "business_as_usual_flag": _("must be true or false"),
    "deflator_base_missing": _("missing price_base_year %(year)s for nominal line %(line)s"),
    "deflator_missing": _("missing year %(year)s for nominal line %(line)s"),
    "deflators_required": _("required for nominal line %(line)s"),
    "digits": _("%(value)s is not a number: write it with the digits 0 to 9"),
    "duplicate_year": _("duplicate year %(year)s"),
    "json_object": _("must be a JSON object"),
    "list": _("must be a list"),
    "name_required": _("must be a non-empty string"),
    "name_taken": _("'%(name)s' is used by another option"),
    "not_a_bias": _("%(value)s is not a number or a project type (one of %(types)s)"),
    "not_a_decimal": _("%(value)s is not a Decimal"),
    "not_a_line": _("must be a Line"),
    "not_a_number": _("%(value)s is not a number"),
    "not_a_year": _("%(value)s is not a year"),
    "not_finite": _("%(value)s is not a finite number"),
    "not_positive": _("must be greater than 0"),
    "object": _("must be an object"),
    "one_business_as_usual": _("only one option may be business as usual"),
    "one_of": _("must be one of %(choices)s"),
    "options_list": _("must be a non-empty list of options"),
    "required": _("required"),
    "too_large": _("%(value)s is too large"),
    "unknown_cost_kind": _("unknown cost kind (one of %(kinds)s)"),
    "unknown_key": _("unknown key (allowed: %(allowed)s)"),
    "unknown_key_beside_options": _("unknown key beside options (allowed: options)"),
    "year_map": _("must be an object of year to amount"),
    "year_mapping": _("must be a mapping of year to amount"),
    "year_offset": _("must be an integer from 0 to %(most)s"),
    "year_range": _("year %(year)s is out of range %(first)s-%(last)s"),
}

# counterfactual.SUMMARIES, for people.
SUMMARIES: dict[str, StrOrPromise] = {
    "same": _("Costs and benefits are the same as business as usual."),
    "dominates_cheaper_better": _(
        "Dominates business as usual: it costs %(cost)s less and delivers %(benefit)s more benefit."
    ),
    "dominates_cheaper": _(
        "Dominates business as usual: it costs %(cost)s less and delivers the same benefit."
    ),
    "dominates_better": _(
        "Dominates business as usual: it delivers %(benefit)s more benefit and costs the same."
    ),
    "dominated_less_benefit": _(
        "Delivers %(benefit)s less benefit than business as usual for the same cost."
    ),
    "dominated_more_cost": _("Costs %(cost)s more than business as usual for the same benefit."),
    "trade_off": _(
        "Costs %(cost)s less than business as usual but delivers %(benefit)s less benefit: "
        "£%(ratio)s of benefit given up for each pound saved."
    ),
    "ratio_more_benefit": _(
        "Costs %(cost)s more than business as usual for %(benefit)s more benefit: an "
        "incremental benefit-cost ratio of %(ratio)s."
    ),
    "ratio_less_benefit": _(
        "Costs %(cost)s more than business as usual for %(benefit)s less benefit: an "
        "incremental benefit-cost ratio of %(ratio)s."
    ),
}

# The optimism bias project types (greenbook.OPTIMISM_BIAS_PROJECT_TYPES), by key.
PROJECT_TYPES: dict[str, StrOrPromise] = {
    "standard_buildings": _("Standard buildings"),
    "non_standard_buildings": _("Non-standard buildings"),
    "standard_civil_engineering": _("Standard civil engineering"),
    "non_standard_civil_engineering": _("Non-standard civil engineering"),
    "equipment_development": _("Equipment/development"),
    "outsourcing": _("Outsourcing"),
}


def problem(error: AppraisalError) -> StrOrPromise:
    """What is wrong, without the field: 'must be greater than 0'."""
    return lazy_format(PROBLEMS[error.code], **error.params)


def error_text(error: AppraisalError) -> StrOrPromise:
    """The engine's error as people read it: 'deflators.2026: must be greater than 0'."""
    return format_lazy("{}: {}", error.path, problem(error))


def project_type_label(key: str) -> StrOrPromise:
    """A project type's name: 'Standard buildings', 'Adeiladau safonol'."""
    return PROJECT_TYPES[key]


def project_types() -> list[tuple[str, StrOrPromise, ProjectType]]:
    """Each project type as (key, name, the engine's figures), in the engine's order."""
    return [(key, PROJECT_TYPES[key], pt) for key, pt in OPTIMISM_BIAS_PROJECT_TYPES.items()]


def summary(increment: Increment) -> StrOrPromise:
    """How an option compares with business as usual, in one sentence a board can read."""
    return lazy_format(SUMMARIES[increment.summary_code], **increment.summary_params)
