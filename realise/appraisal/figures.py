"""An initiative's economic case as one JSON-ready object: what `realise appraise
--initiative SLUG` prints and `GET /api/v1/initiatives/{id}/appraisal/` answers.

Each option is the command's own entry for several options (`counterfactual.option_output`:
`name`, `business_as_usual`, the figures of `greenbook.Result.to_dict` and
`vs_business_as_usual`), with the option's `id` (null for a business as usual not yet set
up), whether it is the `preferred` option, and `error`: why it cannot be appraised as it
stands (its figures are then null and its `lines` and `years` empty), or null. Text is in
English, as the command line writes it.
"""

from __future__ import annotations

import copy
import datetime
from typing import Any

from realise.appraisal.counterfactual import option_output
from realise.appraisal.services import OptionAppraisal, compare_options
from realise.collaborations.models import Initiative
from realise.core.language import english

# The figures of an option that cannot be appraised: the keys of `Result.to_dict`, empty.
NO_FIGURES: dict[str, Any] = {
    "pv_costs": None,
    "pv_benefits": None,
    "npsv": None,
    "bcr": None,
    "vfm_category": None,
    "optimism_bias_pv": None,
    "lines": [],
    "years": [],
}


def _option(appraisal: OptionAppraisal) -> dict[str, Any]:
    option = appraisal.option
    if appraisal.result is None:
        entry = {
            "name": option.name,
            "business_as_usual": option.is_business_as_usual,
            **copy.deepcopy(NO_FIGURES),
            "vs_business_as_usual": None,
        }
    else:
        entry = option_output(
            option.name, option.is_business_as_usual, appraisal.result, appraisal.increment
        )
    return {
        "id": option.pk,
        **entry,
        "preferred": option.is_preferred,
        "error": None if appraisal.error is None else english(appraisal.error),
    }


def case_output(
    initiative: Initiative, *, ex_post_as_of: datetime.date | None = None
) -> dict[str, Any]:
    """Every option of the initiative's case appraised (business as usual first), as the
    business case has it, or ex post as of `ex_post_as_of` (docs/appraisal.md). Reading
    writes nothing: a business as usual not yet set up stands in with no lines."""
    comparison = compare_options(initiative, ex_post_as_of=ex_post_as_of)
    return {
        "initiative": initiative.slug,
        "ex_post_as_of": None if ex_post_as_of is None else ex_post_as_of.isoformat(),
        "comparable": comparison.comparable,
        "options": [_option(appraisal) for appraisal in comparison.appraisals],
    }
