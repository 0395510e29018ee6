"""Monthly totals of the register, kept by the database itself (see `benefits/totals.py`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TotalKind(models.TextChoices):
    PLANNED = "p", _("Planned")
    ACTUAL = "a", _("Actual")
    VERIFIED = "v", _("Verified actual")


class MonthlyTotal(models.Model):
    """A change to the planned or measured total of one month, for one kind of benefit.

    Database triggers on planned values, measurements and benefits add a row for every
    write, so the rows of one kind and month always add up to the register's own totals
    (measurements without a value are left out, as the realisation engine leaves them
    out). Verified actuals (kind `v`) are the actuals that also carry a verification: a
    verification, or a change that clears one, moves them in or out in the same write.
    `totals.compact()` folds the rows into one per kind and month. Nothing else
    writes here.
    """

    kind = models.CharField(max_length=1, choices=TotalKind.choices)
    subcategory = models.CharField(max_length=3)
    unit = models.CharField(max_length=10)
    is_disbenefit = models.BooleanField()
    identified = models.BooleanField()
    cashable = models.BooleanField()
    period = models.DateField()
    rows = models.IntegerField(help_text=_("Planned values or measurements added, less removed."))
    pennies = models.BigIntegerField(help_text=_("Their total, in hundredths of the unit."))

    class Meta:
        indexes = [models.Index(fields=["kind", "period"], name="monthlytotal_kind_period")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subcategory} {self.period:%Y-%m}: {self.rows}"


class BenefitTotal(models.Model):
    """The planned or measured total of one benefit over all its months, and to date.

    Database triggers on planned values and measurements (migration `0011_benefittotal`)
    add every write to the row of its benefit in the same transaction, so each row always
    equals the sum of its benefit's rows. Actuals are kept per force: `force_id` is the
    force a measurement was recorded for, or 0 for one recorded for the whole
    collaboration (and for every planned value). `pennies_to_date` counts the months up
    to `BenefitTotalAnchor.to_date`. A benefit's row stays, at zero, after its last value
    goes. Nothing else writes here.
    """

    kind = models.CharField(max_length=1, choices=TotalKind.choices)
    benefit_id = models.BigIntegerField()
    force_id = models.BigIntegerField(help_text=_("The force measured for; 0 for none."))
    rows = models.IntegerField(help_text=_("Planned values or measurements added, less removed."))
    pennies = models.BigIntegerField(help_text=_("Their total, in hundredths of the unit."))
    pennies_to_date = models.BigIntegerField(
        help_text=_("The total of the months up to the anchor month, in hundredths.")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "benefit_id", "force_id"], name="benefittotal_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of benefit {self.benefit_id}: {self.rows}"


class BenefitTotalAnchor(models.Model):
    """The one month that `BenefitTotal.pennies_to_date` counts up to (one row).

    The triggers read it, holding it shared until their write commits; moving it
    (`totals.reanchor`) holds it exclusively while the totals are counted again.
    """

    to_date = models.DateField()

    def __str__(self) -> str:
        return f"to date: {self.to_date:%Y-%m}"
