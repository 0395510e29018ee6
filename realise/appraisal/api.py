"""API of the economic case: each initiative's options, and its figures (read only)."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from realise.appraisal.figures import case_output
from realise.appraisal.models import Option
from realise.collaborations.models import Initiative
from realise.core.api import (
    QueryParameters,
    ReadOnlyDomainViewSet,
    RulesPermission,
    YesNoParameter,
    read_only_serializer,
)
from realise.core.inspection import record_if_inspected

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


# An initiative's economic case figures ------------------------------------------------------

_MONEY = r"^-?[0-9]+\.[0-9]{2}$"


def _money(help_text: str, *, allow_null: bool = False) -> serializers.RegexField:
    return serializers.RegexField(_MONEY, allow_null=allow_null, help_text=help_text)


_FIGURES = {
    "pv_costs": _money("PV of costs, optimism bias included.", allow_null=True),
    "pv_benefits": _money("PV of benefits.", allow_null=True),
    "npsv": _money("Net present social value: PV benefits less PV costs.", allow_null=True),
    "bcr": _money("Benefit-cost ratio; null when PV costs is 0.", allow_null=True),
    "vfm_category": serializers.CharField(allow_null=True),
    "optimism_bias_pv": _money("The optimism bias part of PV costs.", allow_null=True),
}

AppraisalSerializer = inline_serializer(
    "EconomicCaseAppraisal",
    {
        "initiative": serializers.CharField(help_text="The initiative's slug."),
        "ex_post_as_of": serializers.DateField(
            allow_null=True, help_text="The day of an ex post appraisal; null for the plan."
        ),
        "comparable": serializers.BooleanField(
            help_text="Whether every option has the same first year, price base year and "
            "discount schedule."
        ),
        "options": serializers.ListField(
            child=inline_serializer(
                "EconomicCaseOption",
                {
                    "id": serializers.IntegerField(
                        allow_null=True,
                        help_text="The option (`/api/v1/options/{id}/`); null for a business "
                        "as usual not yet set up.",
                    ),
                    "name": serializers.CharField(),
                    "business_as_usual": serializers.BooleanField(),
                    **_FIGURES,
                    "lines": serializers.ListField(
                        child=inline_serializer(
                            "EconomicCaseLine",
                            {
                                "name": serializers.CharField(),
                                "type": serializers.ChoiceField(choices=["cost", "benefit"]),
                                "pv": _money("PV of the line (a cost's with its bias)."),
                                "switching_value_pct": _money(
                                    "The % change in this line alone that brings NPSV to 0.",
                                    allow_null=True,
                                ),
                            },
                        )
                    ),
                    "years": serializers.ListField(
                        child=inline_serializer(
                            "EconomicCaseYear",
                            {
                                "year": serializers.IntegerField(
                                    help_text="Financial year, by the year it starts in."
                                ),
                                "discount_factor": serializers.RegexField(r"^[0-9]+\.[0-9]{4}$"),
                                "costs": _money("Real prices, optimism bias included."),
                                "benefits": _money("Real prices."),
                                "net": _money("Benefits less costs."),
                                "pv_net": _money("Net times the discount factor."),
                            },
                        )
                    ),
                    "vs_business_as_usual": inline_serializer(
                        "EconomicCaseIncrement",
                        {
                            **{
                                name: _money(text, allow_null=True)
                                for name, text in (
                                    ("pv_costs", "PV costs less business as usual's."),
                                    ("pv_benefits", "PV benefits less business as usual's."),
                                    ("npsv", "Incremental NPSV."),
                                    ("bcr", "Incremental BCR; null when it has no meaning."),
                                )
                            },
                            "vfm_category": serializers.CharField(allow_null=True),
                            "summary": serializers.CharField(),
                        },
                        allow_null=True,
                    ),
                    "preferred": serializers.BooleanField(),
                    "error": serializers.CharField(
                        allow_null=True,
                        help_text="Why the option cannot be appraised as it stands (its "
                        "figures are then null), or null.",
                    ),
                },
            )
        ),
    },
)


class AppraisalQuery(QueryParameters):
    ex_post = YesNoParameter(
        required=False,
        default=False,
        help_text="true: actuals in place of the plan for every month that has ended.",
    )
    as_of = serializers.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Enter a day as YYYY-MM-DD, for example 2026-03-31."},
        help_text="With ex_post: the day the months are counted to (default: today).",
    )

    UNKNOWN = "Not a parameter of the appraisal"

    def validate(self, attrs):
        if attrs.get("as_of") is not None and not attrs["ex_post"]:
            raise serializers.ValidationError({"as_of": "Only with ex_post=true."})
        return attrs


class AppraisalView(APIView):
    """An initiative's economic case appraised (as `realise appraise --initiative`)."""

    authentication_classes = ReadOnlyDomainViewSet.authentication_classes
    permission_classes = [RulesPermission]

    def initiative(self, request, name: str) -> Initiative:
        """The initiative named by id or slug, if the reader may see its case; else 404,
        as for one that does not exist."""
        lookup = {"pk": int(name)} if name.isdigit() else {"slug": name}
        initiative = Initiative.objects.visible_to(request.user).filter(**lookup).first()
        if initiative is None or not request.user.has_perm("appraisal.view_option", initiative):
            raise exceptions.NotFound()
        return initiative

    @extend_schema(
        parameters=[
            OpenApiParameter("initiative", str, OpenApiParameter.PATH, description="Slug or id."),
            AppraisalQuery,
        ],
        responses={200: AppraisalSerializer},
        summary="Economic case figures",
        description="Every option of the initiative's economic case appraised to the Green "
        "Book, business as usual first: the same structure as `realise appraise --initiative "
        "SLUG` (docs/appraisal.md). Money, ratios and percentages are strings with two "
        "decimals. An initiative with no case yet has business as usual alone, with no lines. "
        "A parameter not listed here, or one given twice, is refused (400, naming it).",
    )
    def get(self, request, initiative: str):
        found = self.initiative(request, initiative)
        errors = AppraisalQuery.parameter_errors(request.query_params)
        if errors:
            raise serializers.ValidationError(errors)
        query = AppraisalQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        as_of = None
        if data["ex_post"]:
            as_of = data.get("as_of") or timezone.localdate()
        record_if_inspected(request.user, found, request.get_full_path(), via="api")
        return Response(case_output(found, ex_post_as_of=as_of))
