import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from realise.governance.models import Decision, GovernanceBody

NUMERIC = {"td": {"class": "govuk-table__cell--numeric"}}
LINK = {"a": {"class": "govuk-link"}}


class GovernanceBodyTable(tables.Table):
    name = tables.Column(verbose_name=_("Name"), linkify=True, attrs=LINK)
    collaboration = tables.Column(verbose_name=_("Collaboration"), linkify=True, attrs=LINK)
    next_meeting = tables.DateColumn(format="j M Y", verbose_name=_("Next meeting"), default="–")
    open_escalations = tables.Column(verbose_name=_("Open escalations"), attrs=NUMERIC)

    class Meta:
        model = GovernanceBody
        fields = [
            "name",
            "collaboration",
            "body_type",
            "cadence",
            "next_meeting",
            "open_escalations",
        ]
        order_by = ("collaboration", "name")
        empty_text = _("No governance bodies you can see.")

    def render_cadence(self, record):
        """As the body's page says it: 'Monthly, on the first Tuesday', 'Every 2 weeks'."""
        return record.cadence_text


class DecisionTable(tables.Table):
    decided_on = tables.DateColumn(format="j M Y", verbose_name=_("Date"))
    text = tables.Column(
        verbose_name=_("Decision"), linkify=lambda record: record.get_absolute_url(), attrs=LINK
    )
    body = tables.Column(verbose_name=_("Body"), linkify=True, attrs=LINK)
    initiative = tables.Column(verbose_name=_("Initiative"), linkify=True, default="", attrs=LINK)
    status = tables.Column(verbose_name=_("Status"))

    class Meta:
        model = Decision
        fields = ["decided_on", "text", "body", "initiative", "status"]
        order_by = ("-decided_on",)
        empty_text = _("No decisions found.")

    def render_text(self, record):
        return str(record)
