"""API: the opportunities pipeline at /api/v1/opportunities/.

Scoped like the pages (an opportunity of a collaboration the user may not see does not
exist for them); the model's `clean()` checks the range and the reason for a rejection;
versions as every resource (ETag / If-Match, or `version` in the body). Turning an
opportunity into an initiative goes through the pipeline service, as the page does.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from realise.collaborations.models import Collaboration
from realise.core.api import DomainSerializer, DomainViewSet, VisibleRelatedField, service_errors
from realise.knowledge.models import Lesson
from realise.pipeline.models import Opportunity
from realise.pipeline.services import turn_into_initiative, visible_opportunities


class OpportunitySerializer(DomainSerializer):
    collaboration = VisibleRelatedField(
        scope=Collaboration.objects.visible_to, queryset=Collaboration.objects.all()
    )
    lesson = VisibleRelatedField(
        scope=Lesson.objects.visible_to,
        hide_unseen=True,
        queryset=Lesson.objects.all(),
        required=False,
        allow_null=True,
    )
    risk_weighted = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        read_only=True,
        help_text="Most likely x confidence / 100, rounded half up to the penny.",
    )

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "collaboration",
            "title",
            "description",
            "source",
            "lesson",
            "unit",
            "low",
            "most_likely",
            "high",
            "years",
            "confidence",
            "risk_weighted",
            "owner",
            "status",
            "rejection_reason",
            "initiative",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["initiative"]
        create_only_fields = ["collaboration"]


class OpportunityViewSet(DomainViewSet):
    """The opportunities pipeline: ideas with a range and a confidence, before any business
    case. Their figures are never added to planned or realised benefits."""

    serializer_class = OpportunitySerializer
    filterset_fields = {
        "collaboration": ["exact"],
        "collaboration__slug": ["exact"],
        "status": ["exact", "in"],
        "unit": ["exact"],
        "source": ["exact"],
        "owner": ["exact"],
    }
    ordering_fields = ["title", "most_likely", "confidence", "updated_at"]
    change_actions = ("turn_into_initiative",)

    def scope(self, user):
        return (
            visible_opportunities(user)
            .select_related("collaboration")
            .order_by("collaboration__name", "title")
        )

    @extend_schema(
        request=None,
        responses={201: OpportunitySerializer},
        summary="Turn the opportunity into an initiative",
        description="Creates an initiative at stage 0 in the same collaboration, sets the "
        "status to `initiative` and keeps the link (`initiative`).",
    )
    @action(detail=True, methods=["post"], url_path="initiative")
    def turn_into_initiative(self, request, pk=None):
        opportunity = self.get_object()
        try:
            turn_into_initiative(opportunity, request.user)
        except (DjangoValidationError, DjangoPermissionDenied) as error:
            raise service_errors(error) from None
        opportunity.refresh_from_db()
        return Response(
            self.get_serializer(opportunity).data,
            status=status.HTTP_201_CREATED,
            headers=self._etag(opportunity),
        )
