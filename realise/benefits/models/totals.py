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
