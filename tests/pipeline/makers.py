from decimal import Decimal

from realise.pipeline.models import Opportunity


def opportunity(collaboration, title: str, most_likely: str, confidence: int, **fields):
    """An opportunity whose low and high default to the most likely value."""
    value = Decimal(most_likely)
    fields.setdefault("low", value)
    fields.setdefault("high", value)
    return Opportunity.objects.create(
        collaboration=collaboration,
        title=title,
        most_likely=value,
        confidence=confidence,
        **fields,
    )
