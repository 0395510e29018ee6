"""The benchmark over the API: `GET /api/v1/benchmark/` (as `realise benchmark --format
json`, for the requesting user)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from realise.benefits.api import DomainViewSet
from realise.core.api import RulesPermission
from realise.reports.benchmark import benchmark


class BenchmarkView(APIView):
    """Collaborations side by side, and forces by what collaboration gives each."""

    authentication_classes = DomainViewSet.authentication_classes
    permission_classes = [RulesPermission]

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        summary="Benchmark of collaborations",
        description="The same structure as `realise benchmark --format json`, for you: "
        "collaborations you may not see are counted together under `hidden`, unnamed, and "
        "their figures are given only when there are at least `minimum` of them (otherwise "
        "`hidden` holds only `count`, `withheld: true` and `minimum`). "
        "Money is a string with two decimals; hours are apart under `hours`.",
    )
    def get(self, request):
        return Response(benchmark(request.user).as_dict())
