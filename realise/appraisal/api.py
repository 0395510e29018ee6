"""API of the economic case: each initiative's options (read only)."""

from realise.appraisal.models import Option
from realise.collaborations.models import Initiative
from realise.core.api import ReadOnlyDomainViewSet, read_only_serializer

OptionSerializer = read_only_serializer(
    Option,
    [
        "id",
        "initiative",
        "name",
        "description",
        "is_business_as_usual",
        "is_preferred",
        "first_year",
        "price_base_year",
        "discount_schedule",
        "order",
        "created_at",
        "updated_at",
    ],
)


class OptionViewSet(ReadOnlyDomainViewSet):
    """Options of each initiative's economic case (Green Book appraisal)."""

    serializer_class = OptionSerializer
    filterset_fields = ["initiative"]
    ordering_fields = ["order", "name"]

    def scope(self, user):
        return Option.objects.filter(
            initiative__in=Initiative.objects.visible_to(user).values("pk")
        ).order_by("initiative_id", "order", "pk")


def register(router) -> None:
    router.register("options", OptionViewSet, basename="option")
