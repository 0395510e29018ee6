"""Filters for the pipeline's pages (django-filter).

The API's viewset keeps its own `filterset_fields`: there `collaboration` is an id (and
`collaboration__slug` the slug), on the pages `collaboration` is the slug.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from realise.collaborations.models import Collaboration
from realise.core.filtersets import ALL, PageFilterSet
from realise.pipeline.models import OpportunityStatus


def _collaborations(request):
    return Collaboration.objects.visible_to(request.user).order_by("name")


class PipelineFilter(PageFilterSet):
    """Opportunities by status and by collaboration (slug, one the reader may see). On one
    collaboration's pipeline (`within`) the collaboration is the page's, whatever the query
    says. A bad value leaves the list unfiltered."""

    when_invalid = ALL

    status = django_filters.ChoiceFilter(
        choices=OpportunityStatus.choices, empty_label=_("Any status")
    )
    collaboration = django_filters.ModelChoiceFilter(
        queryset=_collaborations,
        empty_label=_("Any collaboration"),
        to_field_name="slug",
        method="in_collaboration",
    )

    def __init__(self, data=None, queryset=None, *, within=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.within = within

    @property
    def filtered(self) -> bool:
        """Whether a filter narrows the list (on one collaboration's pipeline, its status)."""
        if not (self.is_bound and self.is_valid()):
            return False
        data = self.form.cleaned_data
        return bool(data.get("status")) or (
            self.within is None and data.get("collaboration") is not None
        )

    def in_collaboration(self, queryset, name, value):
        if self.within is not None:
            return queryset
        return queryset.filter(collaboration=value)
