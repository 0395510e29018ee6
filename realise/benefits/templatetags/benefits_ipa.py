"""Template parts for benefits management: the baseline, plan and actual panel of a
benefit's page, and a filter for the benefits map."""

from django import template

from realise.benefits import baselines, contributions
from realise.benefits.models import Benefit, Contribution
from realise.collaborations.models import Initiative

register = template.Library()


@register.filter
def enablers_of(benefits_map, change):
    return benefits_map.enablers_of(change)


@register.inclusion_tag("benefits/_ipa_panel.html", takes_context=True)
def benefit_ipa_panel(context, benefit, comparison=None):
    """Baseline against current plan against actual, change control, links and profile.
    `comparison` is `baselines.compare(benefit)` where the page has it already."""
    user = context["request"].user
    if comparison is None:
        comparison = baselines.compare(benefit)
    # A link or a claim may reach into a collaboration the person may not see: it is left
    # out, as that collaboration's benefits and initiatives are everywhere else.
    seen = Benefit.objects.visible_to(user).values("pk")
    link = (
        Contribution.objects.filter(child=benefit, parent__in=seen).select_related("parent").first()
    )
    return {
        "benefit": benefit,
        "comparison": comparison,
        "baselined": comparison.current is not None,
        "parent": link.parent if link else None,
        "ancestors": contributions.ancestors_of(benefit) if link else [],
        "children": list(
            benefit.contributions.filter(child__in=seen)
            .select_related("child")
            .order_by("child__reference")
        ),
        "attributions": list(
            benefit.attributions.filter(
                initiative__in=Initiative.objects.visible_to(user).values("pk")
            ).select_related("initiative")
        ),
        "change_requests": list(benefit.change_requests.select_related("body")[:10]),
        "can_request": user.has_perm("benefits.add_changerequest", benefit),
        "can_link": user.has_perm("benefits.change_contribution", benefit),
        "can_attribute": user.has_perm("benefits.change_attribution", benefit),
    }
