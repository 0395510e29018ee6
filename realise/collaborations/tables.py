import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from realise.collaborations.models import Collaboration


class CollaborationTable(tables.Table):
    name = tables.Column(linkify=True)
    parent = tables.Column(verbose_name=_("Within"))
    lead_force = tables.Column(verbose_name=_("Lead force"))
    member_count = tables.Column(
        verbose_name=_("Forces"), attrs={"td": {"class": "govuk-table__cell--numeric"}}
    )
    initiative_count = tables.Column(
        verbose_name=_("Initiatives"), attrs={"td": {"class": "govuk-table__cell--numeric"}}
    )

    class Meta:
        model = Collaboration
        fields = [
            "name",
            "function",
            "parent",
            "lead_force",
            "member_count",
            "initiative_count",
            "visibility",
        ]
        order_by = "name"
        empty_text = _("No collaborations yet.")

    def render_parent(self, value, record):
        """The collaboration it sits within, named only to a reader who may see it (the
        queryset's `parent_seen`)."""
        if not getattr(record, "parent_seen", False):
            return _("A collaboration not visible to you")
        return format_html('<a href="{}">{}</a>', value.get_absolute_url(), value)
