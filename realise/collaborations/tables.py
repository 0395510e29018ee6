import django_tables2 as tables

from realise.collaborations.models import Collaboration


class CollaborationTable(tables.Table):
    name = tables.Column(linkify=True)
    parent = tables.Column(verbose_name="Within", linkify=True)
    lead_force = tables.Column(verbose_name="Lead force")
    member_count = tables.Column(
        verbose_name="Forces", attrs={"td": {"class": "govuk-table__cell--numeric"}}
    )
    initiative_count = tables.Column(
        verbose_name="Initiatives", attrs={"td": {"class": "govuk-table__cell--numeric"}}
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
        empty_text = "No collaborations yet."
