"""Shared model building blocks."""

from django.db import models


class Visibility(models.TextChoices):
    PRIVATE = "private", "Private: the collaboration's own forces"
    POLICING = "policing", "Policing: any signed-in user"
    PUBLIC = "public", "Public: anyone"


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def money_field(**kwargs) -> models.DecimalField:
    """Pounds, hours and other measured values: exact decimals with two places."""
    kwargs.setdefault("max_digits", 18)
    kwargs.setdefault("decimal_places", 2)
    return models.DecimalField(**kwargs)
