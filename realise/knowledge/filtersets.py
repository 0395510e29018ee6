"""Filters for the repository's pages (django-filter).

A value the page does not know (a function, theme or kind) is ignored, as the page always
has. The API's viewsets keep their own `filterset_fields`: there a collaboration is named
by its id, on the pages by its slug.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from realise.collaborations.models import ForceShare, Function
from realise.core.filtersets import NOTHING, PageFilterSet
from realise.knowledge.models import DocumentKind, Theme
from realise.organisations.models import Force, SharingPreference, Topic


class CatalogueFilter(PageFilterSet):
    """The catalogue's collaborations: by function, and by a force (slug) or region (slug)
    sharing in them."""

    function = django_filters.ChoiceFilter(choices=Function.choices)
    force = django_filters.CharFilter(method="shared_by", strip=False)
    region = django_filters.CharFilter(method="shared_by", strip=False)

    def shared_by(self, queryset, name, value):
        shares = ForceShare.objects.filter(**{_SHARED_BY[name]: value})
        return queryset.filter(pk__in=shares.values("collaboration_id"))


_SHARED_BY = {"force": "force__slug", "region": "force__region__slug"}


class LessonFilter(PageFilterSet):
    """Lessons by theme and by collaboration (slug)."""

    theme = django_filters.ChoiceFilter(choices=Theme.choices)
    collaboration = django_filters.CharFilter(field_name="collaboration__slug", strip=False)


class DocumentFilter(PageFilterSet):
    """Documents by kind and by collaboration (slug)."""

    kind = django_filters.ChoiceFilter(choices=DocumentKind.choices)
    collaboration = django_filters.CharFilter(field_name="collaboration__slug", strip=False)


class DirectoryFilter(PageFilterSet):
    """The directory's people: of one force, leading one topic (both by slug, from the
    lists). A value not in the lists matches nobody, with the form saying so."""

    when_invalid = NOTHING

    force = django_filters.ModelChoiceFilter(
        label=_("Force"),
        queryset=Force.objects.order_by("name"),
        empty_label=_("Any force"),
        to_field_name="slug",
        error_messages={
            "invalid_choice": _("Choose a force from the list: “%(value)s” is not one.")
        },
    )
    topic = django_filters.ModelChoiceFilter(
        label=_("Topic they lead"),
        queryset=Topic.objects.order_by("name"),
        empty_label=_("Any topic"),
        to_field_name="slug",
        error_messages={
            "invalid_choice": _("Choose a topic from the list: “%(value)s” is not one.")
        },
        method="leading",
    )

    def leading(self, queryset, name, value):
        return queryset.filter(
            pk__in=SharingPreference.objects.filter(topics=value).values("person_id")
        )

    @property
    def filtered(self) -> bool:
        return self.is_bound and self.is_valid() and any(self.form.cleaned_data.values())
