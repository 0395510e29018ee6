import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from realise.collaborations.models import Collaboration


class CollaborationTable(tables.Table):
    name = tables.Column(linkify=True)
    parent = tables.Column(verbose_name=_("Within"), linkify=True)
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
